"""Public interface of precoding/: registry, result objects, power constraints, bad inputs."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import precoding
from precoding import SCHEMES, PrecodingResult, evaluate_rates, precode, scale_per_satellite
from tests.oracle_precoding import random_csi

POWER_REL = 1e-12


@pytest.fixture(scope="module")
def csi():
    return random_csi(np.random.default_rng(42), 3, 5, 2, 3, scale="realistic", zeta2=0.5)


def test_registry_names_are_exactly_the_five_schemes():
    assert SCHEMES == ("ss-mmse", "ss-wmmse", "ms-sepwmmse", "ms-jowmmse", "ms-jomwmmse")
    assert set(precoding.__all__) >= {"SCHEMES", "precode", "PrecodingResult", "RateReport"}


@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_scheme_respects_per_satellite_power_and_shapes(csi, scheme):
    power = np.array([0.3, 1.0, 2.5])
    res = precode(scheme, csi, power)
    assert isinstance(res, PrecodingResult)
    assert res.scheme == scheme
    assert res.weights.shape == (3, 6, 5)
    assert np.iscomplexobj(res.weights)
    used = np.sum(np.abs(res.weights) ** 2, axis=(1, 2))
    assert np.all(used <= power * (1 + POWER_REL))
    assert np.all(used > 0.0) if scheme.startswith("ms-") else np.all(used[1:] == 0.0)
    rep = evaluate_rates(csi, res.weights, n_samples=200, rng=np.random.default_rng(0))
    np.testing.assert_allclose(rep.power_used_w, used, rtol=POWER_REL)
    assert np.all(rep.r_ap1 >= 0.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.scheme = "other"  # type: ignore[misc]


@pytest.mark.parametrize("scheme", ["ss-wmmse", "ms-sepwmmse", "ms-jowmmse", "ms-jomwmmse"])
def test_history_starts_at_the_initialiser_and_ends_at_the_output(csi, scheme):
    power = np.array([0.3, 1.0, 2.5])
    res = precode(scheme, csi, power, record_history=True)
    assert len(res.history) == res.n_iterations + 1
    np.testing.assert_allclose(scale_per_satellite(res.history[-1], power), res.weights)
    assert precode(scheme, csi, power).history == ()


@pytest.mark.parametrize("scheme", ["ss-wmmse", "ms-sepwmmse", "ms-jowmmse", "ms-jomwmmse"])
@pytest.mark.parametrize("max_iter", [0, 3])
def test_results_do_not_alias_the_callers_init(csi, scheme, max_iter):
    """Changing the init array after the call changes neither the history nor the weights."""
    power = np.array([0.3, 1.0, 2.5])
    init = precode(scheme, csi, power, max_iter=1).weights.copy()
    res = precode(scheme, csi, power, init=init, max_iter=max_iter, record_history=True)
    kept = [h.copy() for h in res.history], res.weights.copy()
    np.testing.assert_array_equal(res.history[0][: 1 if scheme == "ss-wmmse" else None],
                                  init[: 1 if scheme == "ss-wmmse" else None])
    init[...] = np.nan
    for h, h0 in zip(res.history, kept[0], strict=True):
        np.testing.assert_array_equal(h, h0)
    np.testing.assert_array_equal(res.weights, kept[1])
    assert np.all(np.isfinite(res.weights))


@pytest.mark.parametrize(
    "regime",
    [{"kappa": 0.0}, {"kappa": np.inf, "zeta2": 0.0}, {"zeta2": 40.0}],
    ids=["rayleigh", "pure-los", "huge-phase-error"],
)
@pytest.mark.parametrize(("n_sat", "n_users"), [(1, 1), (2, 9), (3, 4)])
def test_every_scheme_stays_finite_in_degenerate_regimes(regime, n_sat, n_users):
    csi = random_csi(np.random.default_rng(0), n_sat, n_users, 2, 2, scale="realistic", **regime)
    for scheme in SCHEMES:
        w = precode(scheme, csi, 1.0).weights
        rep = evaluate_rates(csi, w, n_samples=50, rng=np.random.default_rng(1))
        for rates in (rep.r_e, rep.r_ap1, rep.r_ap2):
            assert np.all(np.isfinite(rates)) and np.all(rates >= 0.0), scheme
        assert np.all(rep.power_used_w <= 1.0 + POWER_REL), scheme


def test_scalar_power_is_broadcast(csi):
    a = precode("ms-jomwmmse", csi, 1.0).weights
    b = precode("ms-jomwmmse", csi, np.ones(3)).weights
    np.testing.assert_array_equal(a, b)


def test_step_14_scaling():
    w = np.ones((2, 3, 2), dtype=complex)  # ||W_s||_F^2 = 6
    out = scale_per_satellite(w, np.array([3.0, 12.0]))
    np.testing.assert_allclose(np.sum(np.abs(out) ** 2, axis=(1, 2)), [3.0, 6.0])


def test_unknown_scheme_lists_the_known_ones(csi):
    with pytest.raises(ValueError, match="unknown precoding scheme 'zf'") as info:
        precode("zf", csi, 1.0)
    for name in SCHEMES:
        assert name in str(info.value)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"power_w": -1.0}, r"power_w must be finite and > 0 W; got -1\.0"),
        ({"power_w": np.array([1.0, np.nan, 1.0])}, "power_w must be finite"),
        ({"power_w": np.ones(2)}, r"power_w must be a scalar or have shape \(S,\) = \(3,\)"),
        ({"beta": np.ones(4)}, r"beta must have shape \(K,\) = \(5,\)"),
        ({"beta": -np.ones(5)}, "beta must be finite and > 0"),
        ({"max_iter": -1}, "max_iter must be an integer >= 0, got -1"),
        ({"max_iter": 2.5}, "max_iter must be an integer"),
        ({"tol": float("nan")}, "tol must be a real number"),
        ({"init": np.ones((3, 6, 4))}, r"init must have shape \(S, N_T, K\) = \(3, 6, 5\)"),
    ],
)
def test_bad_inputs_raise_value_error_naming_the_field(csi, kwargs, message):
    args = {"power_w": 1.0, **kwargs}
    power = args.pop("power_w")
    with pytest.raises(ValueError, match=message):
        precode("ms-jomwmmse", csi, power, **args)


def test_csi_of_the_wrong_type_is_rejected():
    with pytest.raises(TypeError, match="StatisticalCSI"):
        precode("ss-mmse", np.ones(3), 1.0)
