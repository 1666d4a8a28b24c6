"""coopsat.precoding: statistical-CSI precoding schemes and rate evaluation (paper Sec. IV)."""

from precoding.power import matched_filter, scale_per_satellite
from precoding.rates import (
    RateReport,
    evaluate_history,
    evaluate_rates,
    rate_ap1,
    rate_ap2,
    rate_mc,
)
from precoding.schemes import SCHEMES, PrecodingResult, precode

__all__ = [
    "SCHEMES",
    "PrecodingResult",
    "RateReport",
    "evaluate_history",
    "evaluate_rates",
    "matched_filter",
    "precode",
    "rate_ap1",
    "rate_ap2",
    "rate_mc",
    "scale_per_satellite",
]
