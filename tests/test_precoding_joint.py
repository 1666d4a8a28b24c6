"""MS-JoMWMMSE / MS-JoWMMSE: fast subspace path against the dense Algorithm 1 of the oracle."""

from __future__ import annotations

import numpy as np
import pytest

from coopsat.channel.csi import StatisticalCSI
from coopsat.precoding import matched_filter, precode, rate_ap1, rate_ap2
from tests.oracle_precoding import (
    dense_joint,
    dense_matched_filter,
    mse_modified,
    random_csi,
    rbar,
    receiver_modified,
    stacked,
)

ITERATE_REL = 1e-9  # fast vs dense iterates, relative Frobenius error
POWER_REL = 1e-12  # power constraints hold to rounding


def _rel(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.linalg.norm(a - b) / np.linalg.norm(b))


def _with(csi: StatisticalCSI, **fields) -> StatisticalCSI:
    values = {n: getattr(csi, n) for n in ("gamma", "kappa", "zeta2", "steering", "sigma2")}
    values.update({k: np.broadcast_to(v, np.shape(csi.gamma)) for k, v in fields.items()})
    return StatisticalCSI(**values)


# (label, S, K, Nv, Nh, scale, kappa, zeta2)
CASES = [
    ("general", 3, 6, 2, 3, "unit", None, None),
    ("realistic", 3, 6, 2, 3, "realistic", None, None),
    ("single-satellite", 1, 5, 2, 3, "realistic", None, None),
    ("more-users-than-antennas", 2, 9, 2, 2, "realistic", None, None),
    ("one-user", 3, 1, 2, 2, "realistic", None, None),
    ("rayleigh-limit", 2, 4, 2, 2, "realistic", 1e-9, 0.3),
    ("rayleigh-exact", 2, 4, 2, 2, "unit", 0.0, 0.3),
    ("large-phase-error", 2, 4, 2, 2, "realistic", 100.0, 25.0),
    ("pure-los", 2, 4, 2, 3, "realistic", np.inf, 0.0),
]


# MS-JoWMMSE with kappa = 0 exactly has no mean channel and serves nobody (dedicated test below)
PAIRS = [
    pytest.param(case, modified, id=f"{case[0]}-{'mwmmse' if modified else 'wmmse'}")
    for case in CASES
    for modified in (True, False)
    if modified or case[0] != "rayleigh-exact"
]


@pytest.mark.parametrize(("case", "modified"), PAIRS)
def test_fast_path_matches_dense_oracle_every_iterate(case, modified):
    _, s, k, nv, nh, scale, kappa, zeta2 = case
    rng = np.random.default_rng(17)
    csi = random_csi(rng, s, k, nv, nh, scale=scale, kappa=kappa, zeta2=zeta2)
    power = np.linspace(0.5, 2.0, s) if scale == "realistic" else np.ones(s)
    scheme = "ms-jomwmmse" if modified else "ms-jowmmse"
    # tol = -inf: all ten updates, so every iterate is compared
    fast = precode(scheme, csi, power, tol=-np.inf, record_history=True)
    init = matched_filter(csi, power) if kappa == 0.0 else None  # oracle MF needs m_k != 0
    iterates, final = dense_joint(csi, power, modified=modified, tol=-np.inf, init=init)
    assert fast.n_iterations == 10
    assert len(fast.history) == len(iterates) == 11
    for n, (w_fast, w_dense) in enumerate(zip(fast.history, iterates, strict=True)):
        assert _rel(w_fast, w_dense) < ITERATE_REL, f"iterate {n}"
    assert _rel(fast.weights, final) < ITERATE_REL


@pytest.mark.parametrize("modified", [True, False], ids=["mwmmse", "wmmse"])
def test_termination_rule_matches_dense_oracle(modified):
    """Paper parameters (I_max = 10, chi = 1e-3): same number of updates, same output."""
    csi = random_csi(np.random.default_rng(5), 3, 6, 2, 3, scale="realistic")
    scheme = "ms-jomwmmse" if modified else "ms-jowmmse"
    fast = precode(scheme, csi, 1.0, record_history=True)
    iterates, final = dense_joint(csi, np.ones(3), modified=modified)
    assert fast.n_iterations == len(iterates) - 1
    assert 1 <= fast.n_iterations < 10  # the rule actually fired here
    assert _rel(fast.weights, final) < ITERATE_REL


def test_conventional_mse_without_mean_channel_serves_nobody():
    """kappa = 0 on every link: m_k = 0, so (23) has no signal term and MS-JoWMMSE sends
    nothing, while MS-JoMWMMSE still serves every UT through the rows c_{s,k} v^T of Q_k."""
    csi = random_csi(np.random.default_rng(2), 2, 4, 2, 2, kappa=0.0)
    jo = precode("ms-jowmmse", csi, 1.0)
    assert np.all(jo.weights == 0.0)
    jom = precode("ms-jomwmmse", csi, 1.0)
    assert np.all(rate_ap1(csi, jom.weights) > 0.1)


def test_termination_extremes():
    csi = random_csi(np.random.default_rng(1), 2, 4, 2, 2)
    assert precode("ms-jomwmmse", csi, 1.0, tol=np.inf).n_iterations == 1
    assert precode("ms-jomwmmse", csi, 1.0, tol=-np.inf, max_iter=7).n_iterations == 7
    zero = precode("ms-jomwmmse", csi, 1.0, max_iter=0, record_history=True)
    assert zero.n_iterations == 0
    assert len(zero.history) == 1
    np.testing.assert_allclose(zero.history[0], matched_filter(csi, np.ones(2)))


def test_initialiser_is_the_mean_channel_matched_filter():
    csi = random_csi(np.random.default_rng(4), 3, 5, 2, 2, scale="realistic")
    power = np.array([0.2, 1.0, 3.0])
    w = matched_filter(csi, power)
    assert _rel(w, dense_matched_filter(csi, power)) < 1e-13
    per_user = np.sum(np.abs(w) ** 2, axis=(0, 1))
    np.testing.assert_allclose(per_user, np.sum(power) / 5, rtol=POWER_REL)


def test_initialiser_falls_back_to_rms_channel_without_mean():
    csi = random_csi(np.random.default_rng(4), 2, 3, 2, 2, kappa=0.0)
    w = matched_filter(csi, np.ones(2))
    for s in range(2):
        for k in range(3):
            expected = np.sqrt(csi.gamma[s, k]) * np.conj(csi.steering[s, k])
            expected *= np.sqrt((2 / 3) / np.sum(csi.gamma[:, k]))
            np.testing.assert_allclose(w[s, :, k], expected, rtol=1e-13)


def test_custom_init_outside_the_span_gives_dense_iterates():
    """Only the part of init inside span{conj(v)} matters; the fast path projects it."""
    rng = np.random.default_rng(6)
    csi = random_csi(rng, 2, 3, 3, 3, scale="realistic")
    init = rng.standard_normal((2, 9, 3)) + 1j * rng.standard_normal((2, 9, 3))
    fast = precode("ms-jomwmmse", csi, 1.0, init=init, tol=-np.inf, record_history=True)
    iterates, final = dense_joint(csi, np.ones(2), modified=True, init=init, tol=-np.inf)
    np.testing.assert_array_equal(fast.history[0], init)
    for w_fast, w_dense in zip(fast.history[1:], iterates[1:], strict=True):
        assert _rel(w_fast, w_dense) < ITERATE_REL
    assert _rel(fast.weights, final) < ITERATE_REL


@pytest.mark.parametrize("scheme", ["ms-jomwmmse", "ms-jowmmse"])
def test_per_user_equality_of_31_holds_for_every_iterate(scheme):
    csi = random_csi(np.random.default_rng(9), 3, 7, 2, 3, scale="realistic")
    power = np.array([0.5, 1.0, 4.0])
    res = precode(scheme, csi, power, tol=-np.inf, record_history=True)
    p_k = np.sum(power) / 7
    for w in res.history:
        np.testing.assert_allclose(np.sum(np.abs(w) ** 2, axis=(0, 1)), p_k, rtol=POWER_REL)
    used = np.sum(np.abs(res.weights) ** 2, axis=(1, 2))
    assert np.all(used <= power * (1 + POWER_REL))
    # step 14 binds on at least one satellite here and leaves the others untouched
    raw = np.sum(np.abs(res.history[-1]) ** 2, axis=(1, 2))
    np.testing.assert_allclose(used, np.minimum(raw, power), rtol=POWER_REL)


def test_modified_mse_at_optimal_receiver_equals_rbar():
    """log2(1 / e~_k) = Rbar_k at a_k of (32) and u_k = 1/e~_k: the motivation of eq. (27)."""
    rng = np.random.default_rng(12)
    csi = random_csi(rng, 3, 4, 2, 2, scale="realistic", zeta2=0.5)
    w = stacked(precode("ms-jowmmse", csi, 1.0).weights)
    r = rbar(csi, w.reshape(3, 4, 4))
    for k in range(4):
        a = receiver_modified(csi, w, k)
        e = mse_modified(csi, w, k, a)
        assert np.log2(1 / e) == pytest.approx(r[k], rel=1e-10)
        # (32) minimises (27): any perturbation of a_k increases e~_k (strictly convex in a_k)
        for _ in range(3):
            da = 1e-3 * np.abs(a).max() * (rng.standard_normal(4) + 1j * rng.standard_normal(4))
            assert mse_modified(csi, w, k, a + da) > e


def test_proposition_1_schemes_coincide_without_scattering_or_phase_error():
    """kappa -> inf, zeta2 -> 0: Omega_k = conj(m_k) m_k^T, e~ = e, so W is identical."""
    csi = random_csi(
        np.random.default_rng(21), 3, 6, 2, 3, scale="realistic", kappa=np.inf, zeta2=0.0
    )
    a = precode("ms-jowmmse", csi, 2.0, tol=-np.inf)
    b = precode("ms-jomwmmse", csi, 2.0, tol=-np.inf)
    assert _rel(a.weights, b.weights) < 1e-12
    np.testing.assert_allclose(rate_ap1(csi, a.weights), rate_ap2(csi, a.weights), rtol=1e-12)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_proposition_1_phase_error_separates_the_schemes(seed):
    """With zeta2 = 0.5 the designs differ and MS-JoMWMMSE's R_AP1 is not lower (Fig. 3)."""
    csi = random_csi(
        np.random.default_rng(seed), 3, 8, 3, 3, scale="realistic", kappa=10**2.5, zeta2=0.5
    )
    a = precode("ms-jowmmse", csi, 3.0)
    b = precode("ms-jomwmmse", csi, 3.0)
    assert _rel(a.weights, b.weights) > 0.1
    assert rate_ap1(csi, b.weights).sum() >= rate_ap1(csi, a.weights).sum()


def test_remark_2_gap_grows_with_phase_error():
    base = random_csi(
        np.random.default_rng(5), 3, 8, 3, 3, scale="realistic", kappa=np.inf, zeta2=0.0
    )
    diffs, gains = [], []
    for zeta2 in [1e-2, 0.1, 0.5, 1.0]:
        csi = _with(base, zeta2=zeta2)
        a = precode("ms-jowmmse", csi, 3.0, tol=-np.inf).weights
        b = precode("ms-jomwmmse", csi, 3.0, tol=-np.inf).weights
        diffs.append(_rel(a, b))
        gains.append(rate_ap1(csi, b).sum() - rate_ap1(csi, a).sum())
    assert np.all(np.diff(diffs) > 0)
    assert np.all(np.diff(gains) > 0)


def test_user_weight_beta_favours_the_weighted_user():
    csi = random_csi(np.random.default_rng(30), 2, 6, 2, 2, scale="realistic")
    plain = rate_ap1(csi, precode("ms-jomwmmse", csi, 1.0).weights)
    beta = np.ones(6)
    beta[2] = 8.0
    favoured = rate_ap1(csi, precode("ms-jomwmmse", csi, 1.0, beta=beta).weights)
    assert favoured[2] > plain[2]
    _, final = dense_joint(csi, np.ones(2), modified=True, beta=beta)
    assert _rel(precode("ms-jomwmmse", csi, 1.0, beta=beta).weights, final) < ITERATE_REL
