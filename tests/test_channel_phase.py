"""Phase-error models: Gaussian phibar and the physical model of eq. (8)-(10) vs a direct MC."""

from __future__ import annotations

import math

import numpy as np
import pytest

from coopsat.channel.config import ChannelConfig
from coopsat.channel.model import phase_error_variance
from coopsat.channel.phase import gaussian_phibar, physical_phase_variance
from tests.test_channel_helpers import make_geometry

N_MC = 400_000
MC_SIGMAS = 4.0  # tolerance in Monte Carlo standard errors (fixed seeds)
F0 = 2e9
DF = 30e3


def direct_phase_samples(rng, n, *, nu_sat, sigma_tau, sigma_nu, horizon, index=0, f0=F0):
    """Draw the residual errors and evaluate the phase literally (eq. 8 and 10).

    tau_bar = tau_cps - tau_min ~ N(0, sigma_tau^2); nu_bar = nu_sat - nu_cps ~ N(0, sigma_nu^2);
    phase = 2 pi (f0 + n df - nu_cps) tau_bar + 2 pi nu_bar t at t = horizon.
    """
    tau_bar = rng.normal(0.0, sigma_tau, n)
    nu_bar = rng.normal(0.0, sigma_nu, n)
    nu_cps = nu_sat - nu_bar
    return 2 * np.pi * (f0 + index * DF - nu_cps) * tau_bar + 2 * np.pi * nu_bar * horizon


@pytest.mark.parametrize("zeta2", [0.0, 0.1, 0.5, 2.0, 8.0])
def test_gaussian_phibar_matches_monte_carlo_mean_of_exp_j_varphi(zeta2):
    rng = np.random.default_rng(11)
    phi = np.exp(1j * rng.normal(0.0, math.sqrt(zeta2), N_MC))
    se = math.sqrt((1.0 - math.exp(-zeta2) ** 2) / N_MC) + 1e-15
    assert abs(phi.mean() - float(gaussian_phibar(zeta2))) < MC_SIGMAS * se * math.sqrt(2)


def test_physical_model_has_zero_variance_with_perfect_compensation():
    nu = np.array([[-4.6e4, 0.0, 3.1e4]])
    z = physical_phase_variance(nu, carrier_hz=F0, sigma_tau_s=0.0, sigma_nu_hz=0.0,
                                horizon_s=0.02, subcarrier_index=100)
    np.testing.assert_array_equal(z, 0.0)
    samples = direct_phase_samples(np.random.default_rng(0), 1000, nu_sat=3.1e4, sigma_tau=0.0,
                                   sigma_nu=0.0, horizon=0.02)
    np.testing.assert_array_equal(samples, 0.0)


@pytest.mark.parametrize(
    ("sigma_tau", "sigma_nu", "horizon", "index", "nu_sat"),
    [
        (30e-12, 0.0, 0.0, 0, 0.0),  # delay error only
        (0.0, 10.0, 5e-3, 0, 2e4),  # Doppler error over the horizon only
        (50e-12, 20.0, 10e-3, 300, 4e4),  # both, upper subcarrier, approaching satellite
        (1e-9, 50.0, 1e-3, 665, -4.6e4),  # large zeta2 (phase wraps many times)
    ],
)
def test_physical_variance_matches_direct_monte_carlo_of_the_phase(
    sigma_tau, sigma_nu, horizon, index, nu_sat
):
    rng = np.random.default_rng(12)
    phase = direct_phase_samples(rng, N_MC, nu_sat=nu_sat, sigma_tau=sigma_tau,
                                 sigma_nu=sigma_nu, horizon=horizon, index=index)
    zeta2 = float(physical_phase_variance(nu_sat, carrier_hz=F0, sigma_tau_s=sigma_tau,
                                          sigma_nu_hz=sigma_nu, horizon_s=horizon,
                                          subcarrier_spacing_hz=DF, subcarrier_index=index))
    var_mc = float(np.mean(phase**2))  # zero-mean phase
    assert abs(var_mc - zeta2) < MC_SIGMAS * zeta2 * math.sqrt(2.0 / N_MC)
    # Gaussianity: E{exp(j varphi)} = exp(-zeta2 / 2)
    phibar_mc = np.mean(np.exp(1j * phase))
    assert abs(phibar_mc - math.exp(-zeta2 / 2)) < MC_SIGMAS * math.sqrt(2.0 / N_MC)


@pytest.mark.parametrize(
    ("f0", "nu_sat", "sigma_tau", "sigma_nu", "horizon"),
    [
        (1e5, 4e4, 1e-6, 0.0, 0.0),  # F = f0 - nu = 6e4: the link Doppler is 40 % of F
        (1e5, -4e4, 1e-6, 0.0, 0.0),  # receding: F = 1.4e5
        (0.0, 0.0, 1e-3, 100.0, 0.0),  # only the nu_bar tau_bar product: sigma_nu^2 sigma_tau^2
        (1e4, 3e3, 2e-4, 300.0, 1e-3),  # every term of the same order
    ],
)
def test_physical_variance_terms_that_vanish_at_2_ghz_match_a_direct_monte_carlo(
    f0, nu_sat, sigma_tau, sigma_nu, horizon
):
    """Exaggerated parameters make the link Doppler inside F and the sigma_nu^2 sigma_tau^2
    term visible (both are ~1e-4 relative or less at 2 GHz). The phase is then not Gaussian
    (product of two Gaussians), but its variance is still exactly zeta2."""
    rng = np.random.default_rng(13)
    phase = direct_phase_samples(rng, N_MC, nu_sat=nu_sat, sigma_tau=sigma_tau,
                                 sigma_nu=sigma_nu, horizon=horizon, f0=f0)
    zeta2 = float(physical_phase_variance(nu_sat, carrier_hz=f0, sigma_tau_s=sigma_tau,
                                          sigma_nu_hz=sigma_nu, horizon_s=horizon))
    big_f = f0 - nu_sat  # hand value of the closed form
    hand = (2 * math.pi) ** 2 * (big_f**2 * sigma_tau**2 + sigma_nu**2 * (horizon**2
                                                                         + sigma_tau**2))
    assert zeta2 == pytest.approx(hand, rel=1e-12)
    var_mc = float(np.mean(phase**2))
    se = float(np.std(phase**2)) / math.sqrt(N_MC)  # kurtosis differs from the Gaussian's
    assert abs(var_mc - zeta2) < MC_SIGMAS * se
    assert se < 0.01 * zeta2  # the test resolves 1 % (a sign flip of nu moves zeta2 by > 20 %)


def test_physical_variance_scales_quadratically_in_sigma_tau_and_sigma_nu_horizon():
    def z(st, sn, th):
        return float(physical_phase_variance(0.0, carrier_hz=F0, sigma_tau_s=st, sigma_nu_hz=sn,
                                             horizon_s=th))

    assert z(20e-12, 0, 0) == pytest.approx(4 * z(10e-12, 0, 0), rel=1e-12)
    assert z(0, 10.0, 2e-3) == pytest.approx(4 * z(0, 5.0, 2e-3), rel=1e-12)
    assert z(0, 10.0, 4e-3) == pytest.approx(4 * z(0, 10.0, 2e-3), rel=1e-12)
    # hand value: 2 pi * 2e9 Hz * 10 ps = 0.12566 rad -> 0.0157914 rad^2
    assert z(10e-12, 0, 0) == pytest.approx((2 * math.pi * 2e9 * 10e-12) ** 2, rel=1e-12)
    # the two contributions add (independent errors)
    assert z(10e-12, 10.0, 2e-3) == pytest.approx(z(10e-12, 0, 0) + z(0, 10.0, 2e-3), rel=1e-9)


def test_phase_error_variance_per_link_from_geometry_doppler():
    g = make_geometry(np.full((2, 3), 35.0), np.random.default_rng(4))
    cfg = ChannelConfig(phase_model="physical", sigma_tau_s=40e-12, sigma_nu_hz=5.0,
                        prediction_horizon_s=8e-3, subcarrier_index=12)
    got = phase_error_variance(g, cfg)
    expected = physical_phase_variance(g.doppler_hz, carrier_hz=F0, sigma_tau_s=40e-12,
                                       sigma_nu_hz=5.0, horizon_s=8e-3, subcarrier_index=12)
    assert got.shape == (2, 3)
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    assert np.ptp(got) > 0  # depends on the link through its Doppler
    gauss = phase_error_variance(g, ChannelConfig(zeta2=0.7))
    np.testing.assert_array_equal(gauss, 0.7)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"sigma_tau_s": -1e-12}, "sigma_tau_s"),
        ({"sigma_nu_hz": math.nan}, "sigma_nu_hz"),
        ({"horizon_s": -1.0}, "horizon_s"),
        ({"subcarrier_index": 1.5}, "subcarrier_index"),
        ({"subcarrier_index": -1}, "subcarrier_index"),
    ],
)
def test_physical_model_rejects_bad_parameters(kwargs, field):
    base = {"carrier_hz": F0, "sigma_tau_s": 0.0, "sigma_nu_hz": 0.0, "horizon_s": 0.0}
    with pytest.raises(ValueError, match=field):
        physical_phase_variance(0.0, **{**base, **kwargs})


@pytest.mark.parametrize("bad", [-0.1, math.nan, math.inf])
def test_gaussian_phibar_rejects_bad_zeta2(bad):
    with pytest.raises(ValueError, match="zeta2"):
        gaussian_phibar(np.array([0.5, bad]))
