"""coopsat.precoding: statistical-CSI precoding schemes and rate evaluation (paper Sec. IV).

precode(scheme, csi, power_w, *, beta, max_iter, tol, init, record_history) -> PrecodingResult
precode_many(scheme, csi, powers_w (P, S), **same options) -> tuple of P PrecodingResults,
    equal to P ``precode`` calls, run through one vectorised iteration
instantaneous_reference(csi, power_w, gains (n, S, K), *, beta, max_iter, tol, keep_weights)
    -> ReferenceResult: the instantaneous-CSI WMMSE reference "ic-wmmse" (not a scheme)
evaluate_rates(csi, weights, *, n_samples, rng) -> RateReport   (R_E, R_AP1, R_AP2, power)
evaluate_many(csi, weights (P, S, N_T, K), draws) -> RateReports: P precoders on shared draws
    (channel.draw_standard once per drop), with the standard error of R_E
evaluate_history(csi, history, power_w, *, n_samples, rng) -> per-iterate RateReports (Fig. 5)
rate_ap1 / rate_ap2 (csi, weights), rate_mc(csi, weights, n_samples, rng): (K,) bit/s/Hz
matched_filter(csi, power_w): the Algorithm 1 initialiser; scale_per_satellite: step 14
SolverError: raised where an iterative solve cannot meet its accuracy check (degenerate input)

Registry: ``SCHEMES`` (the paper's five), ``EXTENDED_SCHEMES`` (exact per-satellite power
constraints "-psc", joint MRT / RZF), ``ALL_SCHEMES``; ``REFERENCES`` = ("ic-wmmse",);
``LABELS`` gives a one-line label for every name.

Modules: ``mwmmse`` (steps of Algorithm 1), ``psc`` (the per-satellite constrained precoder
step, design notes eq. 41-51), ``joint`` (the batched alternating loop), ``linear`` (MS-RZF,
eq. 53), ``power`` (initialisers, MS-MRT eq. 52, scalings), ``reference`` (eq. 54-55),
``wmmse`` (single-satellite baselines), ``subspace``, ``rates`` (R_E, R_AP1, R_AP2) with its
Monte Carlo estimators in ``montecarlo``, ``schemes`` (registry).
"""

from types import MappingProxyType

from precoding.montecarlo import ESTIMATORS
from precoding.options import SolverError, SolverOptions
from precoding.power import matched_filter, scale_per_satellite
from precoding.rates import (
    RateReport,
    RateReports,
    evaluate_history,
    evaluate_many,
    evaluate_rates,
    rate_ap1,
    rate_ap2,
    rate_mc,
)
from precoding.reference import (
    REFERENCE_LABELS,
    REFERENCES,
    ReferenceResult,
    instantaneous_reference,
)
from precoding.schemes import (
    ALL_SCHEMES,
    EXTENDED_SCHEMES,
    SCHEME_LABELS,
    SCHEMES,
    PrecodingResult,
    precode,
    precode_many,
)

LABELS = MappingProxyType({**SCHEME_LABELS, **REFERENCE_LABELS})

__all__ = [
    "ALL_SCHEMES",
    "ESTIMATORS",
    "EXTENDED_SCHEMES",
    "LABELS",
    "REFERENCES",
    "SCHEMES",
    "PrecodingResult",
    "RateReport",
    "RateReports",
    "ReferenceResult",
    "SolverError",
    "SolverOptions",
    "evaluate_history",
    "evaluate_many",
    "evaluate_rates",
    "instantaneous_reference",
    "matched_filter",
    "precode",
    "precode_many",
    "rate_ap1",
    "rate_ap2",
    "rate_mc",
    "scale_per_satellite",
]
