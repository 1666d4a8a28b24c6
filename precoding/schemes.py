"""The precoding schemes behind one interface (a registry keyed by name).

The paper's five (``SCHEMES``):

    "ss-mmse"      master satellite alone, MMSE on its mean channel, ||W_0||_F^2 = P_0
    "ss-wmmse"     master satellite alone, WMMSE (Christensen 2008) on its mean channel
    "ms-sepwmmse"  every satellite runs SS-WMMSE on its own mean channel with its own P_s
    "ms-jowmmse"   Algorithm 1 with the conventional MSE (23)
    "ms-jomwmmse"  Algorithm 1 (modified MSE (27)), the paper's proposal

Beyond the paper (``EXTENDED_SCHEMES``, docs/design.md):

    "ms-jowmmse-psc"   Algorithm 1's loop, conventional MSE, exact per-satellite budgets (41)
    "ms-jomwmmse-psc"  Algorithm 1's loop, modified MSE, exact per-satellite budgets (41)
    "ms-mrt"           joint matched filter on the mean channel, each satellite at P_s (52)
    "ms-rzf"           joint regularised zero forcing on the mean channel, each at P_s (53)

The instantaneous-CSI reference ("ic-wmmse", ``precoding.reference``) is not a scheme: it needs
every channel realisation and has its own entry point. Names, labels, families and figure
styles of all of them are in ``catalogue``. The master is satellite 0;
single-satellite schemes put zeros on the others. ``precode_many`` runs several power points of
one drop through the same vectorised iterations; each result equals its own ``precode`` call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np

from coopsat.channel.csi import StatisticalCSI
from coopsat.channel.structure import LinkStatistics, mean_channels
from coopsat.precoding._checks import (
    check_beta,
    check_csi,
    check_flag,
    check_init,
    check_power,
    check_powers,
    check_weights,
)
from coopsat.precoding.catalogue import ALL_SCHEMES
from coopsat.precoding.joint import joint_loop
from coopsat.precoding.linear import rzf
from coopsat.precoding.options import SolverOptions
from coopsat.precoding.power import (
    matched_filter,
    matched_filter_per_satellite,
    scale_per_satellite,
)
from coopsat.precoding.subspace import SteeringSubspace
from coopsat.precoding.wmmse import mmse, wmmse


@dataclass(frozen=True, eq=False)
class PrecodingResult:
    """Output of ``precode``.

    Attributes
    ----------
    scheme : registered name.
    weights : (S, N_T, K) complex; column k of weights[s] is w_{s,k}; transmitted precoders
        (after step 14 for the joint schemes; zeros on non-master satellites for "ss-*").
    n_iterations : precoder updates performed (0 for the closed forms "ss-mmse", "ms-mrt",
        "ms-rzf").
    history : when record_history, the iterates (W_0 = initialiser, W_1, ..., W_n), each
        (S, N_T, K), as the algorithm holds them, i.e. BEFORE step-14 scaling (the per-user
        joint schemes' iterates satisfy ||w_k||^2 = P_k of eq. 31); ``scale_per_satellite(W,
        power_w)`` gives the transmitted precoder of each (Fig. 5; a no-op for the "-psc"
        schemes, whose updates are feasible, except on a caller's ``init`` above budget,
        which ``weights`` then holds scaled down). Empty for the closed forms or without
        record_history.
    multipliers : (S,) lambda_s >= 0 in 1/W of the last per-satellite constrained update (eq.
        42-44; "-psc" schemes after at least one update), else None.
    """

    scheme: str
    weights: np.ndarray
    n_iterations: int
    history: tuple[np.ndarray, ...] = ()
    multipliers: np.ndarray | None = None


@dataclass(frozen=True)
class _Options:
    beta: np.ndarray
    max_iter: int
    tol: float
    init: np.ndarray | None  # (P, S, N_T, K)
    record_history: bool


_Runner = Callable[[StatisticalCSI, np.ndarray, _Options], list[PrecodingResult]]


def _embed_master(w0: np.ndarray, csi: StatisticalCSI) -> np.ndarray:
    full = np.zeros((*w0.shape[:-2], csi.n_satellites, csi.n_antennas, csi.n_users), complex)
    full[..., 0, :, :] = w0
    return full


def _master_channel(csi: StatisticalCSI, n_points: int) -> np.ndarray:
    """The master's mean channel repeated for every power point: (P, K, N_T)."""
    h = mean_channels(csi.rho[:1], np.asarray(csi.steering)[:1])
    return np.repeat(h, n_points, axis=0)


def _ss_mmse(csi: StatisticalCSI, power: np.ndarray, opt: _Options) -> list[PrecodingResult]:
    h = _master_channel(csi, power.shape[0])
    w0 = mmse(h, np.asarray(csi.sigma2, dtype=float), power[:, 0])
    return [PrecodingResult("ss-mmse", w, 0, ()) for w in _embed_master(w0, csi)]


def _ss_wmmse(csi: StatisticalCSI, power: np.ndarray, opt: _Options) -> list[PrecodingResult]:
    h = _master_channel(csi, power.shape[0])
    init = None if opt.init is None else opt.init[:, 0]
    out = wmmse(
        h,
        np.asarray(csi.sigma2, dtype=float),
        power[:, 0],
        opt.beta,
        max_iter=opt.max_iter,
        tol=opt.tol,
        init=init,
        record_history=opt.record_history,
    )
    results = []
    for p, n in enumerate(out.member_iterations):
        history = tuple(_embed_master(w[p], csi) for w in out.history[: n + 1])
        weights = _embed_master(out.weights[p], csi)
        results.append(PrecodingResult("ss-wmmse", weights, int(n), history))
    return results


def _ms_sepwmmse(csi: StatisticalCSI, power: np.ndarray, opt: _Options) -> list[PrecodingResult]:
    n_points, n_sat = power.shape
    h = mean_channels(csi.rho, np.asarray(csi.steering))
    out = wmmse(
        np.tile(h, (n_points, 1, 1)),
        np.asarray(csi.sigma2, dtype=float),
        power.reshape(-1),
        opt.beta,
        max_iter=opt.max_iter,
        tol=opt.tol,
        init=None if opt.init is None else opt.init.reshape(-1, *opt.init.shape[2:]),
        record_history=opt.record_history,
    )
    shape = (n_points, n_sat, csi.n_antennas, csi.n_users)
    weights = out.weights.reshape(shape)
    counts = out.member_iterations.reshape(n_points, n_sat).max(axis=1)
    history = [w.reshape(shape) for w in out.history]
    return [
        PrecodingResult("ms-sepwmmse", weights[p], int(n), tuple(w[p] for w in history[: n + 1]))
        for p, n in enumerate(counts)
    ]


def _joint(
    csi: StatisticalCSI, power: np.ndarray, opt: _Options, *, name: str, modified: bool,
    per_satellite: bool,
) -> list[PrecodingResult]:
    """Algorithm 1's loop (``joint_loop``): conventional or modified MSE, per-UT (31) or exact
    per-satellite (41) budgets; bound to a scheme name in ``_REGISTRY``."""
    if opt.init is not None:
        init = opt.init
    elif per_satellite:
        init = matched_filter_per_satellite(csi, power)
    else:
        init = matched_filter(csi, power)
    sub = SteeringSubspace.from_steering(np.asarray(csi.steering))
    out = joint_loop(
        LinkStatistics.from_csi(csi),
        sub,
        power,
        opt.beta,
        sub.to_coords(init),
        modified=modified,
        per_satellite=per_satellite,
        max_iter=opt.max_iter,
        tol=opt.tol,
        record_history=opt.record_history,
    )
    counts = out.n_iterations
    weights = sub.to_weights(out.z)
    idle = counts == 0  # no update: the initialiser itself (not its projection)
    weights[idle] = init[idle]
    if per_satellite and opt.init is not None:  # a caller's initialiser may exceed P_s
        weights[idle] = scale_per_satellite(weights[idle], power[idle])
    if not per_satellite:
        weights = scale_per_satellite(weights, power)  # steps 13-14
    history = [sub.to_weights(z) for z in out.history[1:]]
    results = []
    for p, n in enumerate(counts):
        hist = (init[p].copy(), *(w[p] for w in history[:n])) if opt.record_history else ()
        lam = None if out.multipliers is None or n == 0 else out.multipliers[p]
        results.append(PrecodingResult(name, weights[p], int(n), hist, lam))
    return results


def _closed_form(
    csi: StatisticalCSI, power: np.ndarray, opt: _Options, *, name: str,
    design: Callable[[StatisticalCSI, np.ndarray], np.ndarray],
) -> list[PrecodingResult]:
    """A closed-form design (no iterations, no history); bound to a name in ``_REGISTRY``."""
    return [PrecodingResult(name, w, 0, ()) for w in design(csi, power)]


# partial() binds the variants to plain module functions (not closures made at import), so the
# code that runs is the code a reader or a mutation tool sees at call time
_REGISTRY: dict[str, _Runner] = {
    "ss-mmse": _ss_mmse,
    "ss-wmmse": _ss_wmmse,
    "ms-sepwmmse": _ms_sepwmmse,
    "ms-jowmmse": partial(_joint, name="ms-jowmmse", modified=False, per_satellite=False),
    "ms-jomwmmse": partial(_joint, name="ms-jomwmmse", modified=True, per_satellite=False),
    "ms-jowmmse-psc": partial(_joint, name="ms-jowmmse-psc", modified=False, per_satellite=True),
    "ms-jomwmmse-psc": partial(_joint, name="ms-jomwmmse-psc", modified=True, per_satellite=True),
    "ms-mrt": partial(_closed_form, name="ms-mrt", design=matched_filter_per_satellite),
    "ms-rzf": partial(_closed_form, name="ms-rzf", design=rzf),
}

def _check_scheme(scheme: object) -> str:
    if not isinstance(scheme, str) or scheme not in _REGISTRY:
        raise ValueError(
            f"unknown precoding scheme {scheme!r}; known schemes: {', '.join(ALL_SCHEMES)}"
        )
    return scheme


def precode(
    scheme: str,
    csi: StatisticalCSI,
    power_w: float | np.ndarray,
    *,
    beta: np.ndarray | None = None,
    max_iter: int | None = None,
    tol: float | None = None,
    init: np.ndarray | None = None,
    record_history: bool = False,
) -> PrecodingResult:
    """Design the precoders of one drop with a registered scheme.

    Parameters
    ----------
    scheme : one of ``ALL_SCHEMES`` (the paper's ``SCHEMES`` and ``EXTENDED_SCHEMES``).
    csi : ``StatisticalCSI`` (S satellites, K UTs, N_T antennas each).
    power_w : P_s per satellite on the subcarrier, (S,) W (a scalar is broadcast), > 0.
    beta : (K,) rate weights beta_k of (21), default all ones (the closed forms ignore them).
    max_iter : I_max, maximum precoder updates; tol : chi in bit/s/Hz, stop when the
        pass-to-pass gain sum_k log2(e'_k / e_k) <= tol (-inf: never). None: the defaults and
        allowed values of ``SolverOptions`` (the paper's 10 and 0.001).
    init : (S, N_T, K) initial precoders, default the matched filter of Algorithm 1, scaled per
        UT to P_k (eq. 31 schemes) or per satellite to P_s ("-psc"); "ss-wmmse" uses init[0];
        the closed forms ignore it.
    record_history : keep every iterate (see ``PrecodingResult.history``).

    Returns
    -------
    ``PrecodingResult``

    Raises
    ------
    ValueError on an unknown scheme or bad input.
    """
    scheme = _check_scheme(scheme)
    csi = check_csi(csi)
    power = check_power(power_w, csi.n_satellites)
    init = None if init is None else check_weights(init, csi, name="init")
    return precode_many(scheme, csi, power[None], beta=beta, max_iter=max_iter, tol=tol,
                        init=init, record_history=record_history)[0]


def precode_many(
    scheme: str,
    csi: StatisticalCSI,
    powers_w: np.ndarray,
    *,
    beta: np.ndarray | None = None,
    max_iter: int | None = None,
    tol: float | None = None,
    init: np.ndarray | None = None,
    record_history: bool = False,
) -> tuple[PrecodingResult, ...]:
    """``precode`` for P power points of one drop at once (one vectorised iteration for all).

    Every point stops on its own termination rule.

    Parameters
    ----------
    powers_w : (P, S) W, or (P,): one P_s for every satellite
    init : (S, N_T, K) shared or (P, S, N_T, K)
    scheme, csi, beta, max_iter, tol, record_history : as ``precode``

    Returns
    -------
    P ``PrecodingResult``s, each equal to ``precode(scheme, csi, powers_w[p], ...)``
    """
    scheme = _check_scheme(scheme)
    csi = check_csi(csi)
    power = check_powers(powers_w, csi.n_satellites)
    solver = SolverOptions.of(max_iter=max_iter, tol=tol)
    opt = _Options(
        beta=check_beta(beta, csi.n_users),
        max_iter=solver.max_iter,
        tol=solver.tol,
        init=None if init is None else check_init(init, csi, power.shape[0]),
        record_history=check_flag(record_history, "record_history"),
    )
    return tuple(_REGISTRY[scheme](csi, power, opt))
