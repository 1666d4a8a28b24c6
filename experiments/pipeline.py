"""One drop, end to end: geometry -> statistical CSI -> precoders -> rates -> table rows.

Every drop is a pure function of (config, drop index, root seed). Its random streams come from
``SeedSequence(seed, spawn_key=(drop, attempt))`` spawned into four children, one per stage:

    epoch (offset within drop.epoch_spread_s) | geometry | channel (large-scale draws) | Monte Carlo

so a table does not depend on the number of workers or on the order in which drops finish. The
Monte Carlo generator is rebuilt from the same child for every (sweep point, scheme): all schemes
are evaluated on the same channel samples (common random numbers), which makes their differences
less noisy. A drop whose attempt finds too few visible satellites is recorded as skipped and
re-drawn with the next attempt index, up to ``run.max_attempts``; nothing is padded.

The constellation is built once per process (``functools.lru_cache`` on its frozen config), so a
worker pays for it once, not once per drop.
"""

from __future__ import annotations

import functools
import itertools
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import numpy as np

from channel.csi import StatisticalCSI
from experiments.config import (
    ChannelSection,
    ConstellationConfig,
    ExperimentConfig,
    read_tle_checked,
)

# --- seeds ---------------------------------------------------------------------------------------
STAGES = ("epoch", "geometry", "channel", "mc")


def drop_seeds(seed: int, drop: int, attempt: int = 0) -> dict[str, np.random.SeedSequence]:
    """Per-stage seed sequences: children of SeedSequence(seed, spawn_key=(drop, attempt))."""
    root = np.random.SeedSequence(seed, spawn_key=(drop, attempt))
    return dict(zip(STAGES, root.spawn(len(STAGES)), strict=True))


# --- lower layers, built from the config ---------------------------------------------------------
@functools.lru_cache(maxsize=4)
def constellation_for(cfg: ConstellationConfig):
    """The satellite shell of ``cfg``, built once per process."""
    import constellation

    if cfg.source == "tle":
        return read_tle_checked(cfg.tle_path, cfg.tle_sha256)[0]
    return constellation.WalkerDelta(
        inclination_deg=cfg.inclination_deg,
        n_satellites=cfg.n_satellites,
        n_planes=cfg.n_planes,
        phasing=cfg.phasing,
        altitude_m=cfg.altitude_m,
        epoch_utc=cfg.epoch_utc,
    ).build()


@functools.lru_cache(maxsize=1)
def _timescale():
    import constellation

    return constellation.timescale()


def channel_config(cfg: ChannelSection):
    """channel.ChannelConfig of the ``[channel]`` section (link budget of Table I)."""
    import channel

    budget = channel.LinkBudget(
        carrier_hz=cfg.carrier_hz,
        subcarrier_spacing_hz=cfg.subcarrier_spacing_hz,
        bandwidth_hz=cfg.bandwidth_hz,
        noise_figure_db=cfg.noise_figure_db,
        antenna_temperature_k=cfg.antenna_temperature_k,
        tx_element_gain_dbi=cfg.tx_element_gain_dbi,
        rx_gain_dbi=cfg.rx_gain_dbi,
    )
    return channel.ChannelConfig(
        nv=cfg.nv,
        nh=cfg.nh,
        link_budget=budget,
        scenario=cfg.scenario,
        band=cfg.band,
        kappa_db=cfg.kappa_db,
        zeta2=cfg.zeta2,
        phase_model=cfg.phase_model,
        sigma_tau_s=cfg.sigma_tau_s,
        sigma_nu_hz=cfg.sigma_nu_hz,
        prediction_horizon_s=cfg.prediction_horizon_s,
        subcarrier_index=cfg.subcarrier_index,
        scintillation=cfg.scintillation,
        array_gain=cfg.array_gain,
    )


def _epoch(config: ExperimentConfig, seeds) -> datetime:
    base = datetime.fromisoformat(config.constellation.epoch_utc.replace("Z", "+00:00"))
    base = base.astimezone(UTC)
    spread = config.drop.epoch_spread_s
    offset = np.random.default_rng(seeds["epoch"]).uniform(0.0, spread) if spread > 0 else 0.0
    return base + timedelta(seconds=float(offset))


def skyfield_time(dt: datetime):
    """skyfield Time of a timezone-aware datetime (the constellation package's timescale)."""
    return _timescale().from_datetime(dt)


# --- outcome of one drop -------------------------------------------------------------------------
@dataclass(frozen=True)
class DropOutcome:
    """Rows and skipped records of one drop (plain dicts matching experiments.tables)."""

    drop: int
    rows: list[dict]
    skipped: list[dict]


@dataclass(frozen=True)
class _Found:
    geometry: object
    attempt: int
    seeds: dict
    epoch: datetime
    time_geometry_s: float


def _find_drop(config: ExperimentConfig, drop: int, n_satellites: int, skipped: list[dict]):
    """Draw attempts of drop ``drop`` until one has ``n_satellites`` visible satellites."""
    import constellation

    const = constellation_for(config.constellation)
    run_id = config.hash()[:12]
    t0 = time.perf_counter()
    for attempt in range(config.run.max_attempts):
        seeds = drop_seeds(config.run.seed, drop, attempt)
        epoch = _epoch(config, seeds)
        try:
            geometry = constellation.sample_drop(
                const,
                skyfield_time(epoch),
                n_users=config.drop.n_users,
                n_satellites=n_satellites,
                rng=np.random.default_rng(seeds["geometry"]),
                radius_m=config.drop.radius_m,
                min_elevation_deg=config.drop.min_elevation_deg,
                carrier_hz=config.channel.carrier_hz,
                centre_lat_deg=config.drop.centre_lat_deg,
                centre_lon_deg=config.drop.centre_lon_deg,
            )
        except constellation.NotEnoughSatellitesError as exc:
            skipped.append(
                {
                    "run_id": run_id,
                    "drop": drop,
                    "attempt": attempt,
                    "seed": config.run.seed,
                    "step": -1,
                    "epoch_utc": epoch,
                    "reason": str(exc),
                }
            )
            continue
        return _Found(geometry, attempt, seeds, epoch, time.perf_counter() - t0)
    return None


def _common(config: ExperimentConfig, drop: int, found: _Found, geometry, epoch=None) -> dict:
    return {
        "run_id": config.hash()[:12],
        "drop": drop,
        "attempt": found.attempt,
        "seed": config.run.seed,
        "epoch_utc": epoch or found.epoch,
        "centre_lat_deg": math.degrees(geometry.centre_lat_rad),
        "centre_lon_deg": math.degrees(geometry.centre_lon_rad),
        "n_users": geometry.n_users,
    }


# --- sweep points --------------------------------------------------------------------------------
def csi_at(
    base: StatisticalCSI, n_satellites: int, zeta2: float | None, kappa_db: float | None
) -> StatisticalCSI:
    """The drop's CSI restricted to its ``n_satellites`` nearest satellites, with an optional
    fixed phase-error variance ``zeta2`` (rad^2) and fixed K-factor ``kappa_db`` on every link.

    The cooperative set of S' < S satellites is the first S' of the drop's (nearest first), so
    the swept sets are nested and share their large-scale draws.
    """
    s = n_satellites
    gamma = np.asarray(base.gamma)[:s]
    kappa = np.asarray(base.kappa)[:s]
    if kappa_db is not None:
        kappa = np.full_like(kappa, 10.0 ** (kappa_db / 10.0))
    z2 = np.asarray(base.zeta2)[:s]
    if zeta2 is not None:
        z2 = np.full_like(z2, zeta2)
    return replace(base, gamma=gamma, kappa=kappa, zeta2=z2, steering=np.asarray(base.steering)[:s])


def sweep_points(config: ExperimentConfig) -> list[dict]:
    """The Cartesian product of the swept inputs, in table order (point index = position)."""
    values = config.sweep_values()
    zeta2_fixed = bool(config.sweep.zeta2) or config.channel.phase_model == "gaussian"
    points = []
    for kappa_db, zeta2, s, p in itertools.product(
        values["kappa_db"], values["zeta2"], values["n_satellites"], values["p_tx_dbm"]
    ):
        points.append(
            {
                "kappa_db": kappa_db,
                "zeta2": zeta2 if zeta2_fixed else None,
                "n_satellites": s,
                "p_tx_dbm": p,
            }
        )
    return points


def dbm_to_w(p_dbm: float) -> float:
    """P[W] = 10^((P[dBm] - 30) / 10)."""
    return 10.0 ** ((p_dbm - 30.0) / 10.0)


def _rates(csi, weights, config: ExperimentConfig, mc_seed) -> tuple[dict, float]:
    from precoding import evaluate_rates

    t0 = time.perf_counter()
    report = evaluate_rates(
        csi, weights, n_samples=config.precoding.mc_samples, rng=np.random.default_rng(mc_seed)
    )
    p_max = float(np.max(report.power_used_w))
    out = {
        "r_e": float(report.sum_r_e),
        "r_ap1": float(report.sum_r_ap1),
        "r_ap2": float(report.sum_r_ap2),
        "power_used_max_w": p_max,
        "power_used_max_dbm": 10.0 * math.log10(p_max) + 30.0 if p_max > 0 else -math.inf,
    }
    return out, time.perf_counter() - t0


def _precode(scheme: str, csi, p_w: float, config: ExperimentConfig, *, history=False):
    from precoding import precode

    t0 = time.perf_counter()
    result = precode(
        scheme,
        csi,
        np.full(csi.n_satellites, p_w),
        max_iter=config.precoding.max_iter,
        tol=config.precoding.tol,
        record_history=history,
    )
    return result, time.perf_counter() - t0


def _sweep_like(config: ExperimentConfig, drop: int, *, convergence: bool) -> DropOutcome:
    import channel

    skipped: list[dict] = []
    found = _find_drop(config, drop, config.max_satellites(), skipped)
    if found is None:
        return DropOutcome(drop, [], skipped)
    t0 = time.perf_counter()
    base = channel.statistical_csi(
        found.geometry,
        channel_config(config.channel),
        np.random.default_rng(found.seeds["channel"]),
    )
    time_channel = time.perf_counter() - t0
    common = _common(config, drop, found, found.geometry)
    rows = []
    for point, pt in enumerate(sweep_points(config)):
        csi = csi_at(base, pt["n_satellites"], pt["zeta2"], pt["kappa_db"])
        p_w = dbm_to_w(pt["p_tx_dbm"])
        inputs = {
            "point": point,
            "n_satellites": pt["n_satellites"],
            "p_tx_dbm": pt["p_tx_dbm"],
            "zeta2": float(np.mean(csi.zeta2)),
            "kappa_db": math.nan if pt["kappa_db"] is None else pt["kappa_db"],
        }
        for scheme in config.precoding.schemes:
            result, t_pre = _precode(scheme, csi, p_w, config, history=convergence)
            stage = {"time_geometry_s": found.time_geometry_s, "time_channel_s": time_channel}
            if not convergence:
                rates, t_eval = _rates(csi, result.weights, config, found.seeds["mc"])
                rows.append(
                    {
                        **common,
                        **inputs,
                        "scheme": scheme,
                        **rates,
                        "n_iterations": int(result.n_iterations),
                        **stage,
                        "time_precoding_s": t_pre,
                        "time_evaluation_s": t_eval,
                    }
                )
                continue
            for iteration, weights in enumerate(iterates(result, np.full(csi.n_satellites, p_w))):
                rates, t_eval = _rates(csi, weights, config, found.seeds["mc"])
                rows.append(
                    {
                        **common,
                        **inputs,
                        "scheme": scheme,
                        **rates,
                        "n_iterations": int(result.n_iterations),
                        "iteration": iteration,
                        **stage,
                        "time_precoding_s": t_pre,
                        "time_evaluation_s": t_eval,
                    }
                )
    return DropOutcome(drop, rows, skipped)


def iterates(result, power_w: np.ndarray) -> list[np.ndarray]:
    """Transmitted precoders W (S, N_T, K) of every iterate of a ``record_history=True`` result,
    the initialiser first.

    The history holds the iterates before the per-satellite scaling of step 14; each is scaled
    with ``scale_per_satellite(W, power_w)`` (``power_w`` (S,), W) as it would be transmitted.
    A scheme without history (closed form) contributes its final precoder as iteration 0.
    """
    from precoding import scale_per_satellite

    if not result.history:
        return [np.asarray(result.weights)]
    return [scale_per_satellite(np.asarray(w), power_w) for w in result.history]


def sweep_drop(config: ExperimentConfig, drop: int) -> DropOutcome:
    """Rows of one drop for ``run.kind = "sweep"`` (Fig. 3, 4, 6)."""
    return _sweep_like(config, drop, convergence=False)


def convergence_drop(config: ExperimentConfig, drop: int) -> DropOutcome:
    """Rows of one drop for ``run.kind = "convergence"`` (Fig. 5): rates at every iterate."""
    return _sweep_like(config, drop, convergence=True)


# --- Fig. 2: differential delays -----------------------------------------------------------------
def delay_thresholds(config: ExperimentConfig) -> list[tuple[float, str]]:
    """(threshold_s, label): the log grid plus T = 1 / subcarrier spacing and T_sym = T + T_cp."""
    d = config.delay
    grid = np.geomspace(d.threshold_min_s, d.threshold_max_s, d.n_thresholds)
    t_data = 1.0 / config.channel.subcarrier_spacing_hz
    return [(float(t), "grid") for t in grid] + [(t_data, "T"), (t_data + d.cp_s, "T_sym")]


def exceed_fraction(delta_tau_s: np.ndarray, thresholds_s: np.ndarray) -> tuple[np.ndarray, int]:
    """Fraction of distinct pairs (s1 < s2, l < k) with Delta tau > T, for each threshold T.

    ``delta_tau_s`` is DropGeometry.differential_delay_s(), shape (S, S, K, K); it is symmetric
    in (s1, s2) and in (l, k) and zero on their diagonals, so the distinct pairs are the strict
    upper triangles of both. Returns (fractions (n_thresholds,), number of pairs).
    """
    s, _, k, _ = delta_tau_s.shape
    i1, i2 = np.triu_indices(s, 1)
    l1, l2 = np.triu_indices(k, 1)
    values = np.sort(delta_tau_s[i1, i2][:, l1, l2].ravel())
    n = values.size
    if n == 0:
        return np.full(len(thresholds_s), math.nan), 0
    above = n - np.searchsorted(values, thresholds_s, side="right")
    return above / n, n


def delay_drop(config: ExperimentConfig, drop: int) -> DropOutcome:
    """Rows of one drop for ``run.kind = "delay"`` (Fig. 2)."""
    skipped: list[dict] = []
    found = _find_drop(config, drop, config.drop.n_satellites, skipped)
    if found is None:
        return DropOutcome(drop, [], skipped)
    g = found.geometry
    thresholds = delay_thresholds(config)
    frac, n_pairs = exceed_fraction(
        np.asarray(g.differential_delay_s()), np.array([t for t, _ in thresholds])
    )
    common = _common(config, drop, found, g)
    rows = [
        {
            **common,
            "n_satellites": g.n_satellites,
            "threshold_s": t,
            "threshold_label": label,
            "p_exceed": float(f),
            "n_pairs": n_pairs,
            "time_geometry_s": found.time_geometry_s,
            "time_channel_s": 0.0,
        }
        for (t, label), f in zip(thresholds, frac, strict=True)
    ]
    return DropOutcome(drop, rows, skipped)


# --- time-epoch study ----------------------------------------------------------------------------
def timeline_drop(config: ExperimentConfig, drop: int) -> DropOutcome:
    """Rows of one coverage area stepped through time (``run.kind = "timeline"``).

    At each step the nearest-S set and its CSI are recomputed; mode "recomputed" precodes on that
    CSI, mode "reused" keeps the step-0 satellites and precoders and evaluates them on the CSI of
    the drifted geometry. Large-scale parameters: the reused set keeps its step-0 draws
    (``large_scale=``, the held statistical CSI); a recomputed set draws with the drop's channel
    seed at every step. At step 0 both modes are the same computation.

    Age of the statistical CSI (mode "aged"): every ``timeline.age_origin_every`` steps, the
    precoders recomputed at that step (the origin) are also evaluated at the origin epoch plus
    each age of ``timeline.csi_age_s`` (log-spaced, sub-second to minutes): the same satellites
    and held large-scale draws, the geometry (steering vectors, path loss) of the later epoch.
    This resolves the decay that the step hides (the UT directions seen from a 600 km satellite
    turn at about v / h = 0.0126 rad/s). ``set_changed`` of an aged row says whether the nearest-S
    set at the evaluation epoch differs from the origin's set (a handover would be due).
    """
    import channel
    import constellation

    skipped: list[dict] = []
    s = config.drop.n_satellites
    found = _find_drop(config, drop, s, skipped)
    if found is None:
        return DropOutcome(drop, [], skipped)
    const = constellation_for(config.constellation)
    g0 = found.geometry
    chcfg = channel_config(config.channel)
    p_w = dbm_to_w(config.timeline.p_tx_dbm)
    n_steps = math.floor(config.timeline.duration_s / config.timeline.step_s + 1e-9) + 1

    def geometry_at(epoch: datetime, sat_index=None):
        return constellation.drop_geometry(
            const,
            skyfield_time(epoch),
            np.asarray(g0.ut_lat_rad),
            np.asarray(g0.ut_lon_rad),
            centre_lat_rad=g0.centre_lat_rad,
            centre_lon_rad=g0.centre_lon_rad,
            n_satellites=None if sat_index is not None else s,
            sat_index=sat_index,
            min_elevation_deg=config.drop.min_elevation_deg,
            carrier_hz=config.channel.carrier_hz,
        )

    def channel_rng() -> np.random.Generator:
        return np.random.default_rng(found.seeds["channel"])

    held = channel.draw_large_scale(g0, chcfg, channel_rng())

    def csi_of(geometry) -> StatisticalCSI:  # new set: fresh draws from the drop's channel seed
        return channel.statistical_csi(geometry, chcfg, channel_rng())

    def csi_held(geometry) -> StatisticalCSI:  # step-0 set: its step-0 draws, held
        return channel.statistical_csi(geometry, chcfg, large_scale=held)

    rows: list[dict] = []
    reused: dict[str, object] = {}
    set0 = np.asarray(g0.sat_index)
    prev_set: frozenset | None = None
    for step in range(n_steps):
        t_off = step * config.timeline.step_s
        epoch = found.epoch + timedelta(seconds=t_off)
        common = {
            **_common(config, drop, found, g0, epoch),
            "step": step,
            "time_s": t_off,
            "csi_age_s": 0.0,
            "p_tx_dbm": config.timeline.p_tx_dbm,
            "kappa_db": math.nan if config.channel.kappa_db is None else config.channel.kappa_db,
        }
        t0 = time.perf_counter()
        try:
            g = g0 if step == 0 else geometry_at(epoch)
        except constellation.NotEnoughSatellitesError as exc:
            skipped.append(
                {
                    "run_id": common["run_id"],
                    "drop": drop,
                    "attempt": found.attempt,
                    "seed": config.run.seed,
                    "step": step,
                    "epoch_utc": epoch,
                    "reason": str(exc),
                }
            )
            g = None
        t_geo = time.perf_counter() - t0
        cur_set = frozenset(np.asarray(g.sat_index).tolist()) if g is not None else None
        changed = prev_set is not None and cur_set != prev_set
        prev_set = cur_set if cur_set is not None else prev_set
        if g is not None:
            t0 = time.perf_counter()
            csi = csi_of(g)
            t_ch = time.perf_counter() - t0
            extra = {
                "sat_set": _set_str(g.sat_index),
                "set_changed": changed,
                "min_elevation_deg": float(np.degrees(np.min(g.elevation_rad))),
                "valid": True,
                "n_satellites": g.n_satellites,
                "zeta2": float(np.mean(csi.zeta2)),
                "time_geometry_s": t_geo,
                "time_channel_s": t_ch,
            }
            fresh: dict[str, object] = {}
            for scheme in config.precoding.schemes:
                result, t_pre = _precode(scheme, csi, p_w, config)
                fresh[scheme] = result
                if step == 0:
                    reused[scheme] = result
                rates, t_eval = _rates(csi, result.weights, config, found.seeds["mc"])
                rows.append(
                    {
                        **common,
                        **extra,
                        "mode": "recomputed",
                        "scheme": scheme,
                        **rates,
                        "n_iterations": int(result.n_iterations),
                        "time_precoding_s": t_pre,
                        "time_evaluation_s": t_eval,
                    }
                )
            if config.timeline.csi_age_s and step % config.timeline.age_origin_every == 0:
                rows.extend(_aged_rows(config, common, g, fresh, geometry_at, found, chcfg))
        rows.extend(
            _reused_rows(
                config,
                common,
                changed,
                set0,
                geometry_at,
                csi_held,
                reused,
                found.seeds["mc"],
                epoch,
                step,
                g0,
            )
        )
    return DropOutcome(drop, rows, skipped)


def _set_str(sat_index) -> str:
    return ",".join(str(int(i)) for i in np.asarray(sat_index))


def _reused_rows(
    config,
    common,
    changed,
    set0,
    geometry_at: Callable,
    csi_of: Callable,
    reused: dict,
    mc_seed,
    epoch,
    step,
    g0,
) -> list[dict]:
    """Rows of mode "reused": step-0 satellites and precoders on the geometry of this step.

    ``valid`` says whether every link of the step-0 set is still above the elevation mask;
    rates are computed as long as the channel model accepts the geometry (all links above the
    horizon) and are NaN beyond that.
    """
    t0 = time.perf_counter()
    g = g0 if step == 0 else geometry_at(epoch, sat_index=set0)
    t_geo = time.perf_counter() - t0
    common = {**common, "csi_age_s": common["time_s"]}
    valid = bool(g.all_visible(math.radians(config.drop.min_elevation_deg)))
    t0 = time.perf_counter()
    csi = csi_of(g) if np.min(g.elevation_rad) > 0.0 else None  # None: a link below the horizon
    t_ch = time.perf_counter() - t0
    rows = []
    for scheme in config.precoding.schemes:
        result = reused[scheme]
        row = {
            **common,
            "sat_set": _set_str(set0),
            "set_changed": changed,
            "n_satellites": len(set0),
            "time_geometry_s": t_geo,
            "time_channel_s": t_ch,
            "time_precoding_s": 0.0,
            "n_iterations": int(result.n_iterations),
            "mode": "reused",
            "scheme": scheme,
            "min_elevation_deg": float(np.degrees(np.min(g.elevation_rad))),
            "valid": valid,
        }
        if csi is not None:
            rates, t_eval = _rates(csi, result.weights, config, mc_seed)
            row.update(rates, zeta2=float(np.mean(csi.zeta2)), time_evaluation_s=t_eval)
        else:
            nan = math.nan
            row.update(
                r_e=nan,
                r_ap1=nan,
                r_ap2=nan,
                power_used_max_w=nan,
                power_used_max_dbm=nan,
                zeta2=nan,
                time_evaluation_s=0.0,
            )
        rows.append(row)
    return rows


def _aged_rows(config, common, g_origin, fresh: dict, geometry_at, found, chcfg) -> list[dict]:
    """Rows of mode "aged": the origin's precoders ``fresh`` evaluated at each CSI age.

    The statistical CSI at age a is that of the origin's satellites at epoch t0 + a, with the
    origin's large-scale draws held (the same draws the origin's CSI was built from).
    """
    import channel
    import constellation

    held = channel.draw_large_scale(
        g_origin, chcfg, np.random.default_rng(found.seeds["channel"])
    )
    set_origin = np.asarray(g_origin.sat_index)
    origin_set = frozenset(set_origin.tolist())
    mask_rad = math.radians(config.drop.min_elevation_deg)
    rows: list[dict] = []
    for age in config.timeline.csi_age_s:
        epoch = common["epoch_utc"] + timedelta(seconds=age)
        t0 = time.perf_counter()
        g = geometry_at(epoch, sat_index=set_origin)
        try:
            nearest = frozenset(np.asarray(geometry_at(epoch).sat_index).tolist())
        except constellation.NotEnoughSatellitesError:
            nearest = frozenset()
        t_geo = time.perf_counter() - t0
        t0 = time.perf_counter()
        above = bool(np.min(g.elevation_rad) > 0.0)
        csi = channel.statistical_csi(g, chcfg, large_scale=held) if above else None
        t_ch = time.perf_counter() - t0
        base = {
            **common,
            "epoch_utc": epoch,
            "time_s": common["time_s"] + age,
            "csi_age_s": float(age),
            "mode": "aged",
            "sat_set": _set_str(set_origin),
            "set_changed": nearest != origin_set,
            "n_satellites": len(set_origin),
            "min_elevation_deg": float(np.degrees(np.min(g.elevation_rad))),
            "valid": bool(g.all_visible(mask_rad)),
            "time_geometry_s": t_geo,
            "time_channel_s": t_ch,
            "time_precoding_s": 0.0,
        }
        for scheme, result in fresh.items():
            row = {**base, "scheme": scheme, "n_iterations": int(result.n_iterations)}
            if csi is not None:
                rates, t_eval = _rates(csi, result.weights, config, found.seeds["mc"])
                row.update(rates, zeta2=float(np.mean(csi.zeta2)), time_evaluation_s=t_eval)
            else:
                row.update(dict.fromkeys(_RATE_KEYS, math.nan), zeta2=math.nan)
                row["time_evaluation_s"] = 0.0
            rows.append(row)
    return rows


_RATE_KEYS = ("r_e", "r_ap1", "r_ap2", "power_used_max_w", "power_used_max_dbm")


DROP_FUNCTIONS: dict[str, Callable[[ExperimentConfig, int], DropOutcome]] = {
    "sweep": sweep_drop,
    "convergence": convergence_drop,
    "delay": delay_drop,
    "timeline": timeline_drop,
}


def run_chunk(config: ExperimentConfig, drops: tuple[int, ...]) -> list[DropOutcome]:
    """Worker task: the outcomes of ``drops`` (module-level so process pools and Dask pickle it)."""
    fn = DROP_FUNCTIONS[config.run.kind]
    return [fn(config, d) for d in drops]
