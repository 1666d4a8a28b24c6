"""Rate evaluation of multi-satellite precoders (docs/design.md#rates).

    R_E   = sum_k E{ log2(1 + |sum_s hbar_{s,k}^T w_{s,k}|^2
                           / (sum_{i!=k} sum_s |hbar_{s,k}^T w_{s,i}|^2 + sigma_k^2)) }
            (coherent signal over satellites, incoherent interference: Remark 1; Monte Carlo)
    R_AP1 = sum_k Rbar_k,  Rbar_k = log2(1 + w_k^H Omega_k w_k
                                          / (sum_{i!=k} w_i^H Omega~_k w_i + sigma_k^2))   (13)
    R_AP2 = sum_k log2(1 / e_k), e_k of (23) at its optimal receiver (39)

Because hbar_{s,k} = g_{s,k} v_{s,k}, the projections t[s,k,i] = v_{s,k}^T w_{s,i} are computed
once per precoder and only the scalar gains g are sampled (``channel.sampler``). With
``S_k = |sum_s g_{s,k} t[s,k,k]|^2`` and ``I_k = sum_s |g_{s,k}|^2 sum_{i!=k} |t[s,k,i]|^2`` the
Monte Carlo sample of user k is ``R_k = log2(1 + S_k / (I_k + sigma_k^2))``.

Many precoders, one set of draws: ``evaluate_many`` evaluates P precoders (P, S, N_T, K) of one CSI
against one ``StandardDraws`` (common random numbers: the differences between schemes and power
points then carry much less Monte Carlo noise). Its results equal, bit for bit, those of the
one-precoder functions (``evaluate_rates``, ``rate_mc``) called with a generator in the state the
draws were made from; the tables of a run therefore do not depend on how precoders are batched.

Estimators of R_E (``ESTIMATORS``) and their standard errors (bit/s/Hz), n samples:
    "mean"            the sample mean; SE = std(sum_k R_k) / sqrt(n) (std with n - 1).
    "control-variate" the mean of R_k - beta_k c_k, c_k the first-order Taylor term of R_k (in
                      nats) around the exact means E{S_k} = w_k^H Omega_k w_k and E{I_k}
                      (``channel.structure.link_powers``):
                          c_k = (S_k - E S_k) / T_k - E S_k (I_k - E I_k) / ((E I_k + sigma2) T_k),
                          T_k = E S_k + E I_k + sigma_k^2, so E{c_k} = 0 exactly;
                      beta_k is the least-squares slope of R_k on c_k (per UT and precoder),
                      cross-fitted: the first n // 2 samples use the slope of the others and vice
                      versa, which keeps the estimate unbiased. SE = std(sum_k (R_k - beta_k c_k))
                      / sqrt(n). Needs n >= 4. ``benchmarks.evaluation`` measures its variance
                      and time against the sample mean's on the same draws.
All rates are in bit/s/Hz.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass

import numpy as np

from coopsat.channel.csi import StatisticalCSI
from coopsat.channel.sampler import StandardDraws, check_samples, draw_standard
from coopsat.channel.structure import LinkPowers, link_powers, steering_projections
from coopsat.precoding._checks import check_csi, check_power, check_weight_stack, check_weights
from coopsat.precoding.montecarlo import ESTIMATORS, Link, monte_carlo
from coopsat.precoding.power import scale_per_satellite

_LN2 = np.log(2.0)


@dataclass(frozen=True, eq=False)
class RateReport:
    """Rates of one precoder: per-UT arrays (K,) in bit/s/Hz, power used (S,) in W.

    Attributes
    ----------
    r_e, r_ap1, r_ap2 : E{R_k} (Monte Carlo), Rbar_k (eq. 13), log2(1 / e_k) (eq. 23).
    power_used_w      : ||W_s||_F^2 per satellite.
    r_e_stderr        : Monte Carlo standard error of each r_e[k].
    sum_r_e_stderr    : Monte Carlo standard error of R_E = sum_k r_e[k].
    """

    r_e: np.ndarray
    r_ap1: np.ndarray
    r_ap2: np.ndarray
    power_used_w: np.ndarray
    r_e_stderr: np.ndarray
    sum_r_e_stderr: float

    @property
    def sum_r_e(self) -> float:
        """R_E = sum_k E{R_k} (Monte Carlo)."""
        return float(np.sum(self.r_e))

    @property
    def sum_r_ap1(self) -> float:
        """R_AP1 = sum_k Rbar_k (eq. 13)."""
        return float(np.sum(self.r_ap1))

    @property
    def sum_r_ap2(self) -> float:
        """R_AP2 = sum_k log2(1 / e_k) (eq. 23)."""
        return float(np.sum(self.r_ap2))


@dataclass(frozen=True, eq=False)
class RateReports:
    """Rates of P precoders evaluated on one set of draws (``evaluate_many``).

    Attributes
    ----------
    r_e, r_ap1, r_ap2, r_e_stderr : (P, K) bit/s/Hz, as in ``RateReport``.
    power_used_w                  : (P, S) W.
    sum_r_e_stderr                : (P,) bit/s/Hz, standard error of each R_E.
    n_samples, estimator          : the Monte Carlo size and the R_E estimator (``ESTIMATORS``).
    ``reports[p]`` is the ``RateReport`` of precoder p.
    """

    r_e: np.ndarray
    r_ap1: np.ndarray
    r_ap2: np.ndarray
    power_used_w: np.ndarray
    r_e_stderr: np.ndarray
    sum_r_e_stderr: np.ndarray
    n_samples: int
    estimator: str

    def __len__(self) -> int:
        return int(np.shape(self.r_e)[0])

    def __getitem__(self, p: int) -> RateReport:
        p = operator.index(p)  # one precoder; slice the arrays themselves for more
        return RateReport(
            r_e=self.r_e[p],
            r_ap1=self.r_ap1[p],
            r_ap2=self.r_ap2[p],
            power_used_w=self.power_used_w[p],
            r_e_stderr=self.r_e_stderr[p],
            sum_r_e_stderr=float(self.sum_r_e_stderr[p]),
        )

    @property
    def sum_r_e(self) -> np.ndarray:
        """(P,) R_E of every precoder."""
        return np.sum(self.r_e, axis=-1)

    @property
    def sum_r_ap1(self) -> np.ndarray:
        """(P,) R_AP1 of every precoder."""
        return np.sum(self.r_ap1, axis=-1)

    @property
    def sum_r_ap2(self) -> np.ndarray:
        """(P,) R_AP2 of every precoder."""
        return np.sum(self.r_ap2, axis=-1)


# --- input checks ---------------------------------------------------------------------------------
def _check_estimator(estimator: object, n_samples: int | None = None) -> str:
    """One of ESTIMATORS; with n_samples, also the sample size it needs (control variate: 4)."""
    if not isinstance(estimator, str) or estimator not in ESTIMATORS:
        raise ValueError(f"estimator must be one of {', '.join(ESTIMATORS)}; got {estimator!r}")
    if estimator == "control-variate" and n_samples is not None and n_samples < 4:
        raise ValueError(f"estimator 'control-variate' needs n_samples >= 4, got {n_samples}")
    return estimator


def _checked_draws(csi: StatisticalCSI, n_samples: object, rng: object,
                   estimator: object) -> StandardDraws:
    """The draws of one evaluation, after every argument is checked: nothing is drawn from
    ``rng`` for a call that then fails."""
    n = check_samples(n_samples)
    _check_estimator(estimator, n)
    return draw_standard(n, csi.n_satellites * csi.n_users, rng)


def _check_draws(draws: object) -> StandardDraws:
    if not isinstance(draws, StandardDraws):
        raise TypeError(
            f"draws must be a channel.sampler.StandardDraws (from draw_standard), "
            f"got {type(draws).__name__}"
        )
    return draws


def _stack(history: object, csi: StatisticalCSI) -> np.ndarray:
    """Iterates (S, N_T, K) stacked to (P, S, N_T, K), each item checked (one-line errors)."""
    items = [check_weights(item, csi, name="history item") for item in history]
    if not items:
        raise ValueError("history must hold at least one (S, N_T, K) iterate, got none")
    return np.stack(items)


# --- closed-form rates ----------------------------------------------------------------------------
def _ap1(p: LinkPowers) -> np.ndarray:
    return np.log1p(p.signal_power / (p.interference + p.noise)) / _LN2


def _ap2(p: LinkPowers) -> np.ndarray:
    residual = p.scatter_power + p.interference + p.noise
    return np.log1p(np.abs(p.mean_response) ** 2 / residual) / _LN2


def _powers(csi: StatisticalCSI, weights: np.ndarray) -> LinkPowers:
    csi = check_csi(csi)
    w = check_weights(weights, csi)
    return link_powers(csi, steering_projections(np.asarray(csi.steering), w))


def rate_ap1(csi: StatisticalCSI, weights: np.ndarray) -> np.ndarray:
    """Rbar_k of eq. (13) (interference through user k's own Omega~_k).

    Parameters
    ----------
    csi
    weights : (S, N_T, K) complex

    Returns
    -------
    (K,) bit/s/Hz
    """
    return _ap1(_powers(csi, weights))


def rate_ap2(csi: StatisticalCSI, weights: np.ndarray) -> np.ndarray:
    """log2(1 / e_k) with the conventional MSE (23) at its optimal receiver:

        1 / e_k = 1 + |m_k^T w_k|^2 / (w_k^H Omega_k w_k - |m_k^T w_k|^2 + interference + sigma^2)

    Parameters
    ----------
    csi
    weights : (S, N_T, K) complex

    Returns
    -------
    (K,) bit/s/Hz
    """
    return _ap2(_powers(csi, weights))


def power_used(weights: np.ndarray) -> np.ndarray:
    """||W_s||_F^2 per satellite: (..., S, N_T, K) -> (..., S) W."""
    return np.sum(np.abs(np.asarray(weights)) ** 2, axis=(-2, -1))


def evaluate_many(
    csi: StatisticalCSI,
    weights: np.ndarray,
    draws: StandardDraws,
    *,
    estimator: str = "mean",
    link: Link | None = None,
) -> RateReports:
    """R_E (Monte Carlo on shared draws), R_AP1, R_AP2 and power used of P precoders of one CSI.

    Parameters
    ----------
    csi : ``StatisticalCSI`` (S satellites, K UTs, N_T antennas)
    weights : (P, S, N_T, K) complex (a sequence of P (S, N_T, K) precoders is stacked)
    draws : ``channel.sampler.StandardDraws`` with n_links >= S K (e.g.
        ``draw_standard(n, S_max K, rng)`` once per drop)
    estimator : one of ``ESTIMATORS`` (default "mean", the plain sample mean)
    link : an optional link abstraction applied to every sample's SINR inside the expectation
        (``montecarlo.Link``: SINR -> bit/s/Hz; default None, log2(1 + SINR)); it changes R_E
        only, not R_AP1 or R_AP2

    Returns
    -------
    ``RateReports`` with (P, K) rates and standard errors in bit/s/Hz
        With the default estimator, ``reports[p]`` equals ``evaluate_rates(csi, weights[p],
        n_samples=n, rng=rng)`` bit for bit when the draws were made from rng in the same state. Put
        every precoder of one CSI in one call: the gains of the CSI (a complex exponential per
        sample and link) are computed once per call. Memory: about 80 n K min(P, 2^18 / (n K)) bytes
        beyond the inputs.
    """
    csi = check_csi(csi)
    w = check_weight_stack(weights, csi)
    draws = _check_draws(draws)
    estimator = _check_estimator(estimator, draws.n_samples)
    t = steering_projections(np.asarray(csi.steering), w)  # (P, S, K, K), shared by all rates
    powers = link_powers(csi, t)
    means = (powers.signal_power, powers.interference)
    mc = monte_carlo(csi, t, draws.gains(csi), estimator, means, link)
    return RateReports(
        r_e=mc.r_e,
        r_ap1=_ap1(powers),
        r_ap2=_ap2(powers),
        power_used_w=power_used(w),
        r_e_stderr=mc.r_e_stderr,
        sum_r_e_stderr=mc.sum_r_e_stderr,
        n_samples=draws.n_samples,
        estimator=estimator,
    )


def rate_mc(
    csi: StatisticalCSI, weights: np.ndarray, n_samples: int, rng: np.random.Generator
) -> np.ndarray:
    """Monte Carlo E{R_k} over n_samples channel draws (rank-one trick; memory n x S x K).

    Parameters
    ----------
    csi
    weights : (S, N_T, K) complex
    n_samples : >= 1
    rng : numpy Generator

    Returns
    -------
    (K,) bit/s/Hz (the sample mean; ``evaluate_rates`` adds its standard error)
    """
    csi = check_csi(csi)
    w = check_weights(weights, csi)
    draws = draw_standard(n_samples, csi.n_satellites * csi.n_users, rng)
    t = steering_projections(np.asarray(csi.steering), w[None])
    return monte_carlo(csi, t, draws.gains(csi)).r_e[0]


def evaluate_rates(
    csi: StatisticalCSI,
    weights: np.ndarray,
    *,
    n_samples: int = 1000,
    rng: np.random.Generator,
    estimator: str = "mean",
) -> RateReport:
    """R_E (Monte Carlo, n_samples draws from rng) with its standard error, R_AP1, R_AP2 per UT
    and the power used.

    Parameters
    ----------
    csi
    weights : (S, N_T, K) complex
    estimator : one of ``ESTIMATORS``

    Returns
    -------
    ``RateReport``
        For many precoders of one CSI use ``evaluate_many``.
    """
    csi = check_csi(csi)
    w = check_weights(weights, csi)
    draws = _checked_draws(csi, n_samples, rng, estimator)
    return evaluate_many(csi, w[None], draws, estimator=estimator)[0]


def evaluate_history(
    csi: StatisticalCSI,
    history: tuple[np.ndarray, ...],
    power_w: float | np.ndarray,
    *,
    n_samples: int = 1000,
    rng: np.random.Generator,
    scaled: bool = True,
    estimator: str = "mean",
) -> tuple[RateReport, ...]:
    """R_E, R_AP1, R_AP2 of every iterate (Fig. 5), with common random numbers.

    One set of n_samples link-gain draws is shared by all iterates, so the R_E curve over the
    iterations is not blurred by independent Monte Carlo noise. With scaled=True (default) each
    iterate is first passed through step 14 (``scale_per_satellite``), i.e. evaluated as the
    precoder that would be transmitted had the algorithm stopped there; scaled=False evaluates
    the raw iterates (which meet the per-UT constraint (31), not the per-satellite one).

    Parameters
    ----------
    csi
    history : of (S, N_T, K) iterates (``PrecodingResult.history``)
    power_w : (S,) W or a scalar

    Returns
    -------
    one ``RateReport`` per iterate
    """
    csi = check_csi(csi)
    power = check_power(power_w, csi.n_satellites)
    w = check_weight_stack(_stack(history, csi), csi, name="history")
    draws = _checked_draws(csi, n_samples, rng, estimator)
    if scaled:
        w = scale_per_satellite(w, power)
    reports = evaluate_many(csi, w, draws, estimator=estimator)
    return tuple(reports[p] for p in range(len(reports)))
