"""coopsat.precoding: statistical-CSI precoding schemes and rate evaluation (paper Sec. IV).

precode(scheme, csi, power_w, *, beta, max_iter, tol, init, record_history) -> PrecodingResult
precode_many(scheme, csi, powers_w (P, S), **same options) -> tuple of P PrecodingResults,
    equal to P ``precode`` calls, run through one vectorised iteration
instantaneous_reference(csi, power_w, gains (n, S, K), *, beta, max_iter, tol, keep_weights)
    -> ReferenceResult: the instantaneous-CSI WMMSE reference "ic-wmmse" (not a scheme)
evaluate_rates(csi, weights, *, n_samples, rng, estimator) -> RateReport   (R_E with its
    standard error, R_AP1, R_AP2, power); estimator "mean" or "control-variate"
evaluate_many(csi, weights (P, S, N_T, K), draws) -> RateReports: P precoders on shared draws
    (channel.draw_standard once per drop), with the standard error of R_E
evaluate_history(csi, history, power_w, *, n_samples, rng, scaled, estimator) -> per-iterate
    RateReports on common draws (Fig. 5)
rate_ap1 / rate_ap2 (csi, weights), rate_mc(csi, weights, n_samples, rng): (K,) bit/s/Hz
matched_filter(csi, power_w): the Algorithm 1 initialiser; scale_per_satellite: step 14
SolverError: raised where an iterative solve cannot meet its accuracy check (degenerate input)

Registry (``catalogue``): ``SCHEME_INFO`` holds one ``SchemeInfo`` per name (label, one-line
description, family, figure style); ``SCHEMES`` (the paper's five), ``EXTENDED_SCHEMES`` (exact
per-satellite power constraints "-psc", joint MRT / RZF), ``ALL_SCHEMES``; ``REFERENCES`` =
("ic-wmmse",); ``LABELS`` gives the one-line description of every name.

Equations (41)-(55) continue the paper's numbering (it ends at (40)); they are derived in the
docstrings of ``psc`` (41-51), ``linear`` (52-53) and ``reference`` (54-55).

Modules: ``mwmmse`` (steps of Algorithm 1), ``psc`` (the per-satellite constrained precoder
step) with its multiplier search in ``dual``, ``joint`` (the batched alternating loop),
``linear`` (MS-MRT and MS-RZF), ``power`` (initialisers, scalings), ``reference`` (IC-WMMSE),
``wmmse`` (single-satellite baselines), ``subspace``, ``rates`` (R_E, R_AP1, R_AP2) with its
Monte Carlo estimators in ``montecarlo``, ``options`` (I_max, chi; ``SolverError``),
``schemes`` (registry).
"""

from coopsat.precoding.catalogue import (
    ALL_SCHEMES,
    EXTENDED_SCHEMES,
    LABELS,
    REFERENCES,
    SCHEME_INFO,
    SCHEMES,
    SchemeInfo,
)
from coopsat.precoding.montecarlo import ESTIMATORS
from coopsat.precoding.options import SolverError, SolverOptions
from coopsat.precoding.power import matched_filter, scale_per_satellite
from coopsat.precoding.rates import (
    RateReport,
    RateReports,
    evaluate_history,
    evaluate_many,
    evaluate_rates,
    rate_ap1,
    rate_ap2,
    rate_mc,
)
from coopsat.precoding.reference import ReferenceResult, instantaneous_reference
from coopsat.precoding.schemes import PrecodingResult, precode, precode_many

__all__ = [
    "ALL_SCHEMES",
    "ESTIMATORS",
    "EXTENDED_SCHEMES",
    "LABELS",
    "REFERENCES",
    "SCHEMES",
    "SCHEME_INFO",
    "PrecodingResult",
    "RateReport",
    "RateReports",
    "ReferenceResult",
    "SchemeInfo",
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
