"""Channel package timings at the paper's size (S = 5, K = 48, N_T = 100), measured side by side.

Prints ratios, never asserts times:
  1. statistical_csi of one drop (absolute time, for scale);
  2. the quadratic forms of eq. (13), w_k^H Omega_k w_k and sum_{i != k} w_i^H Omega~_k w_i
     for every k: compact ``link_powers`` vs the dense matrices of the test oracle
     (``tests.oracle_precoding.omega``/``omega_tilde`` per user) -- the production path must win;
  3. Monte Carlo: scalar gains ``sample_link_gains`` + precomputed projections vs full vectors
     ``sample_channels`` and a per-sample product.
Run from the repository root: ``python -m benchmarks.channel`` (as a script, this file's name
would shadow the ``channel`` package).
"""

from __future__ import annotations

import numpy as np

from benchmarks.timing import best_of
from coopsat.channel import (
    ChannelConfig,
    link_powers,
    sample_channels,
    sample_link_gains,
    statistical_csi,
    steering_projections,
)
from coopsat.constellation.constants import SPEED_OF_LIGHT_MPS
from coopsat.constellation.geometry import DropGeometry
from tests.oracle_precoding import omega, omega_tilde

S, K, NV, NH = 5, 48, 10, 10
N_MC = 200


def _geometry(rng: np.random.Generator) -> DropGeometry:
    el = rng.uniform(np.radians(20), np.radians(80), (S, K))
    d = 600e3 / np.sin(el)
    rr = rng.uniform(-6e3, 6e3, (S, K))
    ty, tx = rng.uniform(0.3, 2.8, (S, K)), rng.uniform(0, 2 * np.pi, (S, K))
    return DropGeometry(
        epoch_tt_jd=2460000.5, centre_lat_rad=0.0, centre_lon_rad=0.0,
        sat_index=np.arange(S), sat_pos_m=np.ones((S, 3)), sat_vel_mps=np.ones((S, 3)),
        ut_pos_m=np.ones((K, 3)), ut_lat_rad=np.zeros(K), ut_lon_rad=np.zeros(K),
        elevation_rad=el, azimuth_rad=np.zeros((S, K)), slant_range_m=d, range_rate_mps=rr,
        delay_s=d / SPEED_OF_LIGHT_MPS, doppler_hz=-2e9 / SPEED_OF_LIGHT_MPS * rr,
        theta_x_rad=tx, theta_y_rad=ty, dir_cos_x=np.sin(ty) * np.cos(tx), dir_cos_y=np.cos(ty),
        carrier_hz=2e9,
    )


def main() -> None:
    rng = np.random.default_rng(0)
    geometry = _geometry(rng)
    cfg = ChannelConfig(nv=NV, nh=NH)
    csi = statistical_csi(geometry, cfg, rng)
    n = csi.n_antennas
    w = rng.normal(size=(S, n, K)) + 1j * rng.normal(size=(S, n, K))

    t_csi = best_of(lambda: statistical_csi(geometry, cfg, np.random.default_rng(1)))
    print(f"statistical_csi (S={S}, K={K}, N_T={n}): {t_csi * 1e3:.2f} ms")

    steering = np.asarray(csi.steering)

    def dense():
        wf = np.transpose(w, (2, 0, 1)).reshape(K, S * n)  # rows w_i^T
        out = np.empty((2, K))
        for k in range(K):
            forms = np.sum(wf.conj() * (wf @ omega(csi, k).T), axis=1).real  # BLAS products
            forms_t = np.sum(wf.conj() * (wf @ omega_tilde(csi, k).T), axis=1).real
            out[:, k] = forms[k], np.sum(forms_t) - forms_t[k]
        return out

    def compact():
        p = link_powers(csi, steering_projections(steering, w))
        return np.stack([p.signal_power, p.interference])

    np.testing.assert_allclose(compact(), dense(), rtol=1e-9)
    t_compact = best_of(compact)
    t_dense = best_of(dense, repeats=1)
    print(
        f"eq. (13) quadratic forms, all k: compact {t_compact * 1e3:.2f} ms, "
        f"dense {t_dense * 1e3:.1f} ms, ratio dense/compact = {t_dense / t_compact:.0f}x"
    )

    def scalar_mc():
        g = steering_projections(steering, w)  # once per precoder
        gains = sample_link_gains(csi, N_MC, np.random.default_rng(2))
        return np.einsum("nsk,ski->nki", gains, g)

    def vector_mc():
        h = sample_channels(csi, N_MC, np.random.default_rng(2))  # (n, S, K, N_T)
        return np.einsum("nskt,sti->nki", h, w)

    np.testing.assert_allclose(scalar_mc(), vector_mc(), rtol=1e-9, atol=1e-20)
    t_scalar = best_of(scalar_mc)
    t_vector = best_of(vector_mc, repeats=1)
    print(f"MC received amplitudes ({N_MC} samples): scalar {t_scalar * 1e3:.1f} ms, "
          f"full vectors {t_vector * 1e3:.1f} ms, ratio = {t_vector / t_scalar:.1f}x")


if __name__ == "__main__":
    main()
