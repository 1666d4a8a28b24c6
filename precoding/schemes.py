"""The five precoding schemes behind one interface (a registry keyed by name).

    "ss-mmse"      master satellite alone, MMSE on its mean channel, ||W_0||_F^2 = P_0
    "ss-wmmse"     master satellite alone, WMMSE (Christensen 2008) on its mean channel
    "ms-sepwmmse"  every satellite runs SS-WMMSE on its own mean channel with its own P_s
    "ms-jowmmse"   Algorithm 1 with the conventional MSE (23)
    "ms-jomwmmse"  Algorithm 1 (modified MSE (27)), the paper's proposal

The master is satellite 0; single-satellite schemes put zeros on the others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from channel.csi import StatisticalCSI
from channel.structure import mean_channels
from precoding._checks import (
    check_beta,
    check_csi,
    check_iterations,
    check_power,
    check_tol,
    check_weights,
)
from precoding.mwmmse import joint_wmmse
from precoding.power import matched_filter, scale_per_satellite
from precoding.wmmse import mmse, wmmse


@dataclass(frozen=True, eq=False)
class PrecodingResult:
    """Output of ``precode``.

    scheme : registered name.
    weights : (S, N_T, K) complex; column k of weights[s] is w_{s,k}; transmitted precoders
        (after step 14 for the joint schemes; zeros on non-master satellites for "ss-*").
    n_iterations : precoder updates performed (0 for the closed-form "ss-mmse").
    history : when record_history, the iterates (W_0 = initialiser, W_1, ..., W_n), each
        (S, N_T, K), as the algorithm holds them, i.e. BEFORE step-14 scaling (the joint schemes'
        iterates satisfy ||w_k||^2 = P_k of eq. 31); ``scale_per_satellite(W, power_w)`` gives
        the transmitted precoder of each (Fig. 5). Empty for "ss-mmse" or without record_history.
    """

    scheme: str
    weights: np.ndarray
    n_iterations: int
    history: tuple[np.ndarray, ...] = ()


@dataclass(frozen=True)
class _Options:
    beta: np.ndarray
    max_iter: int
    tol: float
    init: np.ndarray | None
    record_history: bool


def _embed_master(w0: np.ndarray, csi: StatisticalCSI) -> np.ndarray:
    full = np.zeros((csi.n_satellites, csi.n_antennas, csi.n_users), dtype=complex)
    full[0] = w0
    return full


def _ss_mmse(csi: StatisticalCSI, power_w: np.ndarray, opt: _Options) -> PrecodingResult:
    h = mean_channels(csi.rho[:1], np.asarray(csi.steering)[:1])
    w0 = mmse(h, np.asarray(csi.sigma2, dtype=float), power_w[:1])[0]
    return PrecodingResult("ss-mmse", _embed_master(w0, csi), 0, ())


def _ss_wmmse(csi: StatisticalCSI, power_w: np.ndarray, opt: _Options) -> PrecodingResult:
    h = mean_channels(csi.rho[:1], np.asarray(csi.steering)[:1])
    init = None if opt.init is None else opt.init[:1]
    out = wmmse(
        h,
        np.asarray(csi.sigma2, dtype=float),
        power_w[:1],
        opt.beta,
        max_iter=opt.max_iter,
        tol=opt.tol,
        init=init,
        record_history=opt.record_history,
    )
    history = tuple(_embed_master(w[0], csi) for w in out.history)
    return PrecodingResult(
        "ss-wmmse", _embed_master(out.weights[0], csi), out.n_iterations, history
    )


def _ms_sepwmmse(csi: StatisticalCSI, power_w: np.ndarray, opt: _Options) -> PrecodingResult:
    h = mean_channels(csi.rho, np.asarray(csi.steering))
    out = wmmse(
        h,
        np.asarray(csi.sigma2, dtype=float),
        power_w,
        opt.beta,
        max_iter=opt.max_iter,
        tol=opt.tol,
        init=opt.init,
        record_history=opt.record_history,
    )
    return PrecodingResult("ms-sepwmmse", out.weights, out.n_iterations, out.history)


def _joint(name: str, modified: bool):
    def run(csi: StatisticalCSI, power_w: np.ndarray, opt: _Options) -> PrecodingResult:
        init = matched_filter(csi, power_w) if opt.init is None else opt.init
        out = joint_wmmse(
            csi,
            power_w,
            opt.beta,
            init,
            modified=modified,
            max_iter=opt.max_iter,
            tol=opt.tol,
            record_history=opt.record_history,
        )
        weights = scale_per_satellite(out.weights, power_w)  # steps 13-14
        return PrecodingResult(name, weights, out.n_iterations, out.history)

    return run


_REGISTRY: dict[str, Callable[[StatisticalCSI, np.ndarray, _Options], PrecodingResult]] = {
    "ss-mmse": _ss_mmse,
    "ss-wmmse": _ss_wmmse,
    "ms-sepwmmse": _ms_sepwmmse,
    "ms-jowmmse": _joint("ms-jowmmse", modified=False),
    "ms-jomwmmse": _joint("ms-jomwmmse", modified=True),
}

SCHEMES: tuple[str, ...] = tuple(_REGISTRY)


def precode(
    scheme: str,
    csi: StatisticalCSI,
    power_w: float | np.ndarray,
    *,
    beta: np.ndarray | None = None,
    max_iter: int = 10,
    tol: float = 1e-3,
    init: np.ndarray | None = None,
    record_history: bool = False,
) -> PrecodingResult:
    """Design the precoders of one drop with a registered scheme.

    Inputs
    ------
    scheme : one of ``SCHEMES``.
    csi : ``StatisticalCSI`` (S satellites, K UTs, N_T antennas each).
    power_w : P_s per satellite on the subcarrier, (S,) W (a scalar is broadcast), > 0.
    beta : (K,) rate weights beta_k of (21), default all ones ("ss-mmse" ignores them).
    max_iter : I_max, maximum precoder updates (paper: 10). tol : chi in bit/s/Hz (paper:
        0.001); stop when the pass-to-pass gain sum_k log2(e'_k / e_k) <= tol (negative: never).
    init : (S, N_T, K) initial precoders, default the matched filter of DESIGN.md ("ss-wmmse"
        uses init[0]; "ss-mmse" ignores it).
    record_history : keep every iterate (see ``PrecodingResult.history``).

    Output: ``PrecodingResult``; raises ValueError on an unknown scheme or bad input.
    """
    if scheme not in _REGISTRY:
        raise ValueError(
            f"unknown precoding scheme {scheme!r}; known schemes: {', '.join(SCHEMES)}"
        )
    csi = check_csi(csi)
    opt = _Options(
        beta=check_beta(beta, csi.n_users),
        max_iter=check_iterations(max_iter),
        tol=check_tol(tol),
        init=None if init is None else check_weights(init, csi, name="init"),
        record_history=bool(record_history),
    )
    return _REGISTRY[scheme](csi, check_power(power_w, csi.n_satellites), opt)
