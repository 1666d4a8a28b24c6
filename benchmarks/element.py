"""Element patterns in the link budget at K = 1000 UTs x S = 10 satellites, measured side by side.

Prints times and ratios, never asserts them:
  1. ``link_gain_db`` with the paper's isotropic element against the array operations it has
     always done (path loss at the slant range plus the held shadow fading and clutter loss):
     the default must cost nothing measurable;
  2. ``link_gain_db`` with the "3gpp" and "cosine" patterns against the isotropic one (target:
     under 5 ms at this size), on a real drop of the paper's shell, nadir and cap-centre pointing;
  3. ``statistical_csi`` of the same drop, isotropic and patterned, for scale (the steering
     vectors dominate it).
Run from the repository root: ``python -m benchmarks.element``.
"""

from __future__ import annotations

import numpy as np

from benchmarks.timing import best_of
from coopsat.channel import ChannelConfig, draw_large_scale, link_gain_db, statistical_csi
from coopsat.channel.lsp import path_loss_db
from coopsat.constellation import WalkerDelta, sample_drop, utc_time

S, K = 10, 1000
REPEATS = 20


def main() -> None:
    shell = WalkerDelta().build()
    epoch = utc_time("2025-01-01T00:00:00Z")
    iso = ChannelConfig()
    configs = {p: ChannelConfig(element_pattern=p) for p in ("3gpp", "cosine")}
    for pointing in ("nadir", "cap_centre"):
        geometry = sample_drop(shell, epoch, n_users=K, n_satellites=S, pointing=pointing,
                               rng=np.random.default_rng(4))
        held = draw_large_scale(geometry, iso, np.random.default_rng(5))
        lb = iso.link_budget

        def baseline(geometry=geometry, held=held, lb=lb):
            loss = path_loss_db(geometry.slant_range_m, lb.carrier_hz, iso.scenario)
            return 26.0 - (loss + held.shadow_fading_db + held.clutter_loss_db)

        np.testing.assert_allclose(link_gain_db(geometry, iso, held), baseline(), rtol=0,
                                   atol=1e-12)
        t_base = best_of(baseline, REPEATS)
        t_iso = best_of(lambda geometry=geometry, held=held: link_gain_db(geometry, iso, held),
                        REPEATS)
        print(f"[{pointing}] S={S} x K={K}: link_gain_db isotropic {t_iso * 1e3:.3f} ms, "
              f"its array operations alone {t_base * 1e3:.3f} ms (ratio {t_iso / t_base:.2f})")
        for name, cfg in configs.items():
            t_pat = best_of(
                lambda geometry=geometry, held=held, cfg=cfg: link_gain_db(geometry, cfg, held),
                REPEATS,
            )
            print(f"[{pointing}]   {name:7s} pattern {t_pat * 1e3:.3f} ms "
                  f"(ratio to isotropic {t_pat / t_iso:.2f}; target < 5 ms)")
    t_csi = best_of(lambda: statistical_csi(geometry, iso, large_scale=held), 5)
    t_csi_pat = best_of(lambda: statistical_csi(geometry, configs["3gpp"], large_scale=held), 5)
    print(f"statistical_csi (N_T = {iso.n_antennas}): isotropic {t_csi * 1e3:.1f} ms, 3gpp "
          f"{t_csi_pat * 1e3:.1f} ms (ratio {t_csi_pat / t_csi:.3f})")


if __name__ == "__main__":
    main()
