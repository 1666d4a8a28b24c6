"""coopsat.precoding: statistical-CSI precoding schemes and rate evaluation (paper Sec. IV).

precode(scheme, csi, power_w, *, beta, max_iter, tol, init, record_history) -> PrecodingResult
evaluate_rates(csi, weights, *, n_samples, rng) -> RateReport   (R_E, R_AP1, R_AP2, power)
evaluate_history(csi, history, power_w, *, n_samples, rng) -> per-iterate RateReports (Fig. 5)
rate_ap1 / rate_ap2 (csi, weights), rate_mc(csi, weights, n_samples, rng): (K,) bit/s/Hz
matched_filter(csi, power_w): the Algorithm 1 initialiser; scale_per_satellite: step 14
"""

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
