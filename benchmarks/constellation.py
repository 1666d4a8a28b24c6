"""Propagation and drop-geometry throughput of ``constellation``, measured side by side.

Prints satellite-epochs per second for the whole default shell (1680 satellites) over 1000
epochs with ``Constellation.propagate`` (SGP4 + TEME -> ITRS positions and velocities) and with
raw ``sgp4.api.SatrecArray.sgp4`` (TEME only) on the same Julian dates, their ratio, and the time
of one drop's geometry (``sample_drop``, K = 20 UTs, S = 4). Best of ``--repeats`` runs.
Targets: propagate in < 2 s and within 2x of SatrecArray's rate.

Run from the repository root: ``python -m benchmarks.constellation [--epochs 1000] [--repeats 5]``
(as a script, this file would shadow the ``constellation`` package).
"""

from __future__ import annotations

import argparse

import numpy as np
from sgp4.api import SatrecArray

from benchmarks.timing import best_of
from coopsat.constellation import WalkerDelta, epochs, sample_drop, utc_time
from coopsat.constellation.timebase import sgp4_julian_dates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    shell = WalkerDelta().build()
    times = epochs("2025-01-01T00:00:00Z", (args.epochs - 1) * 1.0, 1.0)
    whole, fraction = sgp4_julian_dates(times)
    raw = SatrecArray(list(shell.satrecs))
    n_sat_epochs = len(shell) * len(times)

    t_raw = best_of(lambda: raw.sgp4(whole, fraction), args.repeats)
    # skyfield caches the frame rotations on a Time object: "cold" gives every repeat a fresh
    # Time (rotations computed inside the timing, the honest number), "warm" reuses one.
    fresh = [epochs("2025-01-01T00:00:00Z", (args.epochs - 1) * 1.0, 1.0)
             for _ in range(args.repeats)]
    t_ours = best_of(lambda: shell.propagate(fresh.pop()), args.repeats)
    t_warm = best_of(lambda: shell.propagate(times), args.repeats)
    t_time = best_of(lambda: epochs("2025-01-01T00:00:00Z", (args.epochs - 1) * 1.0, 1.0),
                     args.repeats)
    rng = np.random.default_rng(0)
    drop_epochs = [utc_time("2025-01-01T00:00:00Z") for _ in range(args.repeats)]
    t_drop = best_of(lambda: sample_drop(shell, drop_epochs.pop(), n_users=20, n_satellites=4,
                                         rng=rng), args.repeats)

    print(f"shell: {len(shell)} satellites x {len(times)} epochs = {n_sat_epochs:,} sat-epochs")
    print(f"raw SatrecArray.sgp4 (TEME):        {t_raw:7.3f} s  "
          f"{n_sat_epochs / t_raw:12,.0f} sat-epochs/s")
    print(f"Constellation.propagate (ITRS r,v): {t_ours:7.3f} s  "
          f"{n_sat_epochs / t_ours:12,.0f} sat-epochs/s")
    print(f"  same, warm Time (rotations cached): {t_warm:7.3f} s  "
          f"{n_sat_epochs / t_warm:12,.0f} sat-epochs/s")
    print(f"ratio propagate / SatrecArray time: {t_ours / t_raw:7.2f}  (target <= 2; cold Time)")
    print(f"target < 2 s for the shell:         {'met' if t_ours < 2.0 else 'NOT met'}")
    print(f"building the {len(times)}-epoch Time array: {t_time * 1e3:7.2f} ms")
    print(f"one drop (propagate + select + geometry, K=20, S=4, fresh Time): "
          f"{t_drop * 1e3:7.2f} ms")


if __name__ == "__main__":
    main()
