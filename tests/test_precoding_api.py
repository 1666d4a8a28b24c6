"""Public interface of precoding/: registry, result objects, power constraints, bad inputs."""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import numpy as np
import pytest

from coopsat import precoding
from coopsat.precoding import (
    ALL_SCHEMES,
    EXTENDED_SCHEMES,
    LABELS,
    REFERENCES,
    SCHEMES,
    PrecodingResult,
    evaluate_rates,
    precode,
    precode_many,
    scale_per_satellite,
)
from tests.oracle_precoding import random_csi

POWER_REL = 1e-12
KKT_REL = 1e-10  # the "-psc" schemes meet their budgets to the multiplier tolerance
ITERATIVE = [s for s in ALL_SCHEMES if s not in ("ss-mmse", "ms-mrt", "ms-rzf")]


@pytest.fixture(scope="module")
def csi():
    return random_csi(np.random.default_rng(42), 3, 5, 2, 3, scale="realistic", zeta2=0.5)


def test_registry_names():
    """The paper's five keep their names and order; the extensions and the reference have
    their own tuples, and every name has a one-line label."""
    assert SCHEMES == ("ss-mmse", "ss-wmmse", "ms-sepwmmse", "ms-jowmmse", "ms-jomwmmse")
    assert EXTENDED_SCHEMES == ("ms-jowmmse-psc", "ms-jomwmmse-psc", "ms-mrt", "ms-rzf")
    assert ALL_SCHEMES == SCHEMES + EXTENDED_SCHEMES
    assert REFERENCES == ("ic-wmmse",)
    assert tuple(LABELS) == ALL_SCHEMES + REFERENCES
    assert all(isinstance(v, str) and v and "\n" not in v for v in LABELS.values())
    assert "instantaneous-CSI reference" in LABELS["ic-wmmse"]
    assert "per-satellite" in LABELS["ms-jomwmmse-psc"]
    assert set(precoding.__all__) >= {
        "SCHEMES", "ALL_SCHEMES", "EXTENDED_SCHEMES", "REFERENCES", "LABELS", "precode",
        "precode_many", "instantaneous_reference", "PrecodingResult", "ReferenceResult",
        "RateReport",
    }


def test_every_runner_has_one_catalogue_record_and_every_record_a_runner():
    """Names, labels, families and styles are read from one record per precoder."""
    from coopsat.precoding import SCHEME_INFO
    from coopsat.precoding.schemes import _REGISTRY

    assert tuple(_REGISTRY) == ALL_SCHEMES  # the statistical designs, in the catalogue's order
    assert tuple(SCHEME_INFO) == ALL_SCHEMES + REFERENCES
    for name, info in SCHEME_INFO.items():
        assert info.name == name and info.description == LABELS[name]
        assert info.paper == (name in SCHEMES)
        assert (info.family == "reference") == (name in REFERENCES)
    # the exact per-satellite variants are drawn unlike their base schemes beyond the colour
    for base in ("ms-jowmmse", "ms-jomwmmse"):
        a, b = SCHEME_INFO[base], SCHEME_INFO[f"{base}-psc"]
        assert (a.linestyle, a.filled) != (b.linestyle, b.filled) and a.colour != b.colour


@pytest.mark.parametrize("scheme", ALL_SCHEMES)
def test_every_scheme_respects_per_satellite_power_and_shapes(csi, scheme):
    power = np.array([0.3, 1.0, 2.5])
    res = precode(scheme, csi, power)
    assert isinstance(res, PrecodingResult)
    assert res.scheme == scheme
    assert res.weights.shape == (3, 6, 5)
    assert np.iscomplexobj(res.weights)
    used = np.sum(np.abs(res.weights) ** 2, axis=(1, 2))
    if scheme in EXTENDED_SCHEMES:  # no step 14: every satellite at its budget here
        np.testing.assert_allclose(used, power, rtol=KKT_REL)
        assert (res.multipliers is not None) == scheme.endswith("-psc")
    else:
        assert np.all(used <= power * (1 + POWER_REL))
        assert res.multipliers is None
    assert np.all(used > 0.0) if scheme.startswith("ms-") else np.all(used[1:] == 0.0)
    rep = evaluate_rates(csi, res.weights, n_samples=200, rng=np.random.default_rng(0))
    np.testing.assert_allclose(rep.power_used_w, used, rtol=POWER_REL)
    assert np.all(rep.r_ap1 >= 0.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.scheme = "other"  # type: ignore[misc]


@pytest.mark.parametrize("scheme", ITERATIVE)
def test_history_starts_at_the_initialiser_and_ends_at_the_output(csi, scheme):
    power = np.array([0.3, 1.0, 2.5])
    res = precode(scheme, csi, power, record_history=True)
    assert len(res.history) == res.n_iterations + 1
    np.testing.assert_allclose(scale_per_satellite(res.history[-1], power), res.weights)
    assert precode(scheme, csi, power).history == ()


@pytest.mark.parametrize("scheme", ITERATIVE)
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
    for scheme in ALL_SCHEMES:
        w = precode(scheme, csi, 1.0).weights
        rep = evaluate_rates(csi, w, n_samples=50, rng=np.random.default_rng(1))
        for rates in (rep.r_e, rep.r_ap1, rep.r_ap2):
            assert np.all(np.isfinite(rates)) and np.all(rates >= 0.0), scheme
        assert np.all(rep.power_used_w <= 1.0 + KKT_REL), scheme


def test_scalar_power_is_broadcast(csi):
    a = precode("ms-jomwmmse", csi, 1.0).weights
    b = precode("ms-jomwmmse", csi, np.ones(3)).weights
    np.testing.assert_array_equal(a, b)


def test_step_14_scaling():
    w = np.ones((2, 3, 2), dtype=complex)  # ||W_s||_F^2 = 6
    out = scale_per_satellite(w, np.array([3.0, 12.0]))
    np.testing.assert_allclose(np.sum(np.abs(out) ** 2, axis=(1, 2)), [3.0, 6.0])


def test_unknown_scheme_lists_the_known_ones(csi):
    for call in (precode, precode_many):
        with pytest.raises(ValueError, match="unknown precoding scheme 'zf'") as info:
            call("zf", csi, np.ones((1, 3)))
        assert str(info.value).endswith("known schemes: " + ", ".join(ALL_SCHEMES))
    with pytest.raises(ValueError, match="unknown precoding scheme 3"):
        precode(3, csi, 1.0)  # type: ignore[arg-type]


POWER_POINTS = 10 ** (np.array([20.0, 27.0, 35.0, 42.0, 50.0]) / 10) / 1e3


@pytest.mark.parametrize("scheme", ALL_SCHEMES)
def test_precode_many_equals_separate_calls_bitwise(scheme):
    """Batched power points (equal and unequal budgets, points stopping at different passes)
    give exactly the results of one ``precode`` call each, iterates and multipliers included."""
    csi = random_csi(np.random.default_rng(5), 3, 6, 2, 3, scale="realistic", zeta2=0.5)
    powers = np.vstack([np.full(3, p) for p in POWER_POINTS] + [[0.3, 1.0, 3.0]])
    for options in ({}, {"tol": 0.01}, {"record_history": True, "max_iter": 4, "tol": -np.inf}):
        many = precode_many(scheme, csi, powers, **options)
        assert len(many) == len(powers)
        for p, res in enumerate(many):
            one = precode(scheme, csi, powers[p], **options)
            assert res.scheme == one.scheme and res.n_iterations == one.n_iterations
            assert type(res.n_iterations) is int
            np.testing.assert_array_equal(res.weights, one.weights)
            assert len(res.history) == len(one.history)
            for a, b in zip(res.history, one.history, strict=True):
                np.testing.assert_array_equal(a, b)
            if one.multipliers is None:
                assert res.multipliers is None
            else:
                np.testing.assert_array_equal(res.multipliers, one.multipliers)
    counts = {r.n_iterations for r in precode_many(scheme, csi, powers, tol=0.01)}
    assert len(counts) > 1 if scheme in ITERATIVE else counts == {0}  # different stops


def test_precode_many_accepts_scalars_per_point_and_shared_or_per_point_init(csi):
    powers = np.array([0.5, 2.0])
    many = precode_many("ms-jomwmmse", csi, powers)
    for p, res in enumerate(many):
        np.testing.assert_array_equal(res.weights, precode("ms-jomwmmse", csi, powers[p]).weights)
    init = precode("ms-mrt", csi, 1.0).weights
    shared = precode_many("ms-jomwmmse-psc", csi, powers, init=init)
    stacked_init = precode_many("ms-jomwmmse-psc", csi, powers, init=np.stack([init, init]))
    for a, b in zip(shared, stacked_init, strict=True):
        np.testing.assert_array_equal(a.weights, b.weights)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"power_w": -1.0}, r"power_w must be finite, > 0 W .*; got -1\.0"),
        ({"power_w": 0.0}, r"power_w must be finite, > 0 W .*; got 0\.0"),
        ({"power_w": np.array([1.0, 0.0, 1.0])}, r"power_w must be finite, > 0 W .*; got 0\.0"),
        ({"power_w": np.array([1.0, np.nan, 1.0])}, "power_w must be finite"),
        ({"power_w": 1e300}, r"power_w must be .* <= 1e\+15 W \(180 dBm\); got 1e\+300"),
        ({"power_w": 1e200}, r"power_w must be .* <= 1e\+15 W \(180 dBm\); got 1e\+200"),
        ({"power_w": np.ones(2)}, r"power_w must be a scalar or have shape \(S,\) = \(3,\)"),
        ({"beta": np.ones(4)}, r"beta must have shape \(K,\) = \(5,\)"),
        ({"beta": -np.ones(5)}, "beta must be finite and > 0"),
        ({"beta": np.array([1.0, 1.0, 0.0, 1.0, 1.0])}, r"beta must be finite and > 0; got 0\.0$"),
        ({"max_iter": -1}, r"max_iter = -1 is out of range; allowed: an integer 0 <= max_iter"),
        ({"max_iter": 2.5}, r"max_iter = 2.5 has the wrong type"),
        ({"tol": float("nan")}, r"tol = nan is out of range; allowed: any number, \+-inf included"),
        ({"init": np.ones((3, 6, 4))}, r"init must have shape \(S, N_T, K\) = \(3, 6, 5\)"),
    ],
)
def test_bad_inputs_raise_value_error_naming_the_field(csi, kwargs, message):
    args = {"power_w": 1.0, **kwargs}
    power = args.pop("power_w")
    for scheme in ("ms-jomwmmse", "ms-jomwmmse-psc"):
        with pytest.raises(ValueError, match=message):
            precode(scheme, csi, power, **args)


@pytest.mark.parametrize(
    ("powers", "kwargs", "message"),
    [
        (np.zeros((2, 3)), {}, r"powers_w must be finite, > 0 W .*; got 0\.0"),
        (np.array([[1.0, -2.0, 1.0]]), {}, r"powers_w must be finite, > 0 W .*; got -2\.0"),
        (np.array([1.0, np.nan]), {}, r"powers_w must be finite, > 0 W .*; got nan"),
        (np.ones((2, 4)), {}, r"powers_w must have shape \(P,\) or \(P, S\) = \(P, 3\)"),
        (np.ones((0, 3)), {}, r"with P >= 1, got \(0, 3\)"),
        (np.ones((2, 3, 1)), {}, r"powers_w must have shape"),
        (np.ones((2, 3)), {"init": np.ones((3, 3, 6, 5))},
         r"init must have shape \(S, N_T, K\) = \(3, 6, 5\) or \(P, S, N_T, K\) = \(2, 3, 6, 5\)"),
        (np.ones((2, 3)), {"init": np.full((3, 6, 5), np.nan)}, "^init contains NaN or inf$"),
        (np.ones((2, 3)), {"init": np.full((2, 3, 6, 5), np.inf)}, "^init contains NaN or inf$"),
        (np.ones((2, 3)), {"beta": np.ones(4)}, r"beta must have shape \(K,\) = \(5,\)"),
        (np.ones((2, 3)), {"max_iter": -2}, "max_iter = -2 is out of range"),
    ],
)
def test_precode_many_bad_inputs_name_the_field(csi, powers, kwargs, message):
    with pytest.raises(ValueError, match=message):
        precode_many("ms-jowmmse-psc", csi, powers, **kwargs)


@pytest.mark.parametrize("scheme", ["ms-jomwmmse", "ss-mmse", "ms-mrt"])
def test_the_largest_accepted_budget_gives_a_finite_positive_rate(csi, scheme):
    """At MAX_POWER_W (and no further) the solvers stay in float64's range: no overflow warning
    (warnings are errors in this suite), every UT's rate finite and positive."""
    from coopsat.precoding._checks import MAX_POWER_W

    res = precode(scheme, csi, MAX_POWER_W)
    rates = evaluate_rates(csi, res.weights, n_samples=64, rng=np.random.default_rng(3)).r_e
    assert np.all(np.isfinite(rates)) and np.all(rates > 1.0)
    power = np.sum(np.abs(res.weights) ** 2, axis=(1, 2))
    assert np.all(power <= MAX_POWER_W * (1 + 1e-6))


def test_precode_many_rejects_non_numeric_powers(csi):
    with pytest.raises(TypeError, match="powers_w must be an array of numbers"):
        precode_many("ms-mrt", csi, [["a", "b", "c"]])


def test_csi_of_the_wrong_type_is_rejected():
    with pytest.raises(TypeError, match="StatisticalCSI"):
        precode("ss-mmse", np.ones(3), 1.0)


@pytest.mark.parametrize("call", ["precode", "precode_many"])
@pytest.mark.parametrize("bad", [np.full((3, 6, 5), "a"), np.ones((3, 6, 5), dtype=bool)])
def test_a_non_numeric_init_is_a_type_error_naming_it(csi, call, bad):
    fn, power = (precode, 1.0) if call == "precode" else (precode_many, np.ones((2, 3)))
    with pytest.raises(TypeError, match="init must be a numeric array"):
        fn("ms-jomwmmse", csi, power, init=bad)


def test_a_non_numeric_init_per_point_is_a_type_error_naming_it(csi):
    with pytest.raises(TypeError, match=r"^init must be a numeric array, got dtype bool$"):
        precode_many("ms-jomwmmse", csi, np.ones((2, 3)), init=np.ones((2, 3, 6, 5), dtype=bool))


def test_a_catalogue_record_takes_a_known_family_and_refuses_another():
    from coopsat.precoding.catalogue import FAMILIES, SchemeInfo

    fields = {"name": "x", "label": "X", "description": "x: a test record", "paper": False,
              "colour": "k", "linestyle": "-", "marker": "o"}
    for family in FAMILIES:
        assert SchemeInfo(family=family, **fields).family == family
    allowed = r"\('single', 'separate', 'joint', 'joint-psc', 'linear', 'reference'\)"
    with pytest.raises(ValueError, match=rf"^SchemeInfo.family = 'hybrid'; allowed: {allowed}$"):
        SchemeInfo(family="hybrid", **fields)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"power_w": "a"}, "power_w must be real numbers, got 'a'"),
        ({"power_w": None}, "power_w must be real numbers, got None"),
        ({"power_w": 1 + 1j}, r"power_w must be real numbers, got \(1\+1j\)"),
        ({"beta": "x"}, "beta must be real numbers, got 'x'"),
        ({"record_history": "no"}, "record_history must be True or False, got 'no'"),
    ],
)
def test_values_of_the_wrong_type_are_type_errors_naming_the_argument(csi, kwargs, message):
    args = {"power_w": 1.0, **kwargs}
    power = args.pop("power_w")
    with pytest.raises(TypeError, match=message):
        precode("ms-jomwmmse", csi, power, **args)


def test_keep_weights_of_the_reference_is_a_flag(csi):
    gains = np.ones((2, csi.n_satellites, csi.n_users), dtype=complex)
    with pytest.raises(TypeError, match="keep_weights must be True or False, got 'yes'"):
        precoding.instantaneous_reference(csi, 1.0, gains, keep_weights="yes")


@pytest.mark.parametrize("scheme", ITERATIVE)
def test_each_power_point_records_its_own_passes(scheme):
    """Batched points that stop at different passes: each result's history is its start and
    one iterate per update of that point (n_iterations + 1 of them), the history of its own
    ``precode`` call."""
    csi = random_csi(np.random.default_rng(5), 2, 4, 2, 2, scale="realistic", zeta2=0.5)
    powers = POWER_POINTS[[0, 2, 4]]
    many = precode_many(scheme, csi, powers, tol=0.01, record_history=True)
    assert len({r.n_iterations for r in many}) > 1  # the points really stop apart
    for p, res in enumerate(many):
        one = precode(scheme, csi, powers[p], tol=0.01, record_history=True)
        assert len(res.history) == res.n_iterations + 1 == len(one.history)
        for a, b in zip(res.history, one.history, strict=True):
            np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("scheme", ALL_SCHEMES)
def test_noise_powers_of_any_real_type_give_the_float_precoders(scheme):
    """StatisticalCSI takes sigma2 as any real numbers (it validates them as floats): given as
    exact fractions of the same values, every scheme gives bitwise the float64 precoders."""
    csi = random_csi(np.random.default_rng(12), 2, 3, 2, 2, scale="realistic", zeta2=0.5)
    exact = dataclasses.replace(csi, sigma2=[Fraction(float(x)) for x in csi.sigma2])
    want = precode(scheme, csi, [1.0, 0.5], max_iter=3)
    got = precode(scheme, exact, [1.0, 0.5], max_iter=3)
    assert got.weights.dtype == np.complex128
    np.testing.assert_array_equal(got.weights, want.weights)


def test_integer_budgets_and_rate_weights_are_the_float_ones(csi):
    """Budgets and beta given as integers are accepted and give the float inputs' precoders."""
    ints = precode("ms-jomwmmse-psc", csi, np.array([1, 2, 3]), beta=np.arange(1, 6))
    floats = precode("ms-jomwmmse-psc", csi, np.array([1.0, 2.0, 3.0]),
                     beta=np.arange(1.0, 6.0))
    np.testing.assert_array_equal(ints.weights, floats.weights)


def test_single_precision_budgets_are_accepted_as_double(csi):
    single = precode("ms-mrt", csi, np.array([1.0, 2.0, 4.0], dtype=np.float32))
    double = precode("ms-mrt", csi, np.array([1.0, 2.0, 4.0]))
    np.testing.assert_array_equal(single.weights, double.weights)


def test_a_csi_of_the_wrong_type_is_named():
    with pytest.raises(TypeError, match=r"^csi must be a channel.csi.StatisticalCSI, got dict$"):
        precode("ms-mrt", {}, 1.0)
