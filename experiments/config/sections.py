"""The sections every experiment has: ``[run]``, ``[drop]``, ``[precoding]`` and ``[sweep]``.

Each is a frozen dataclass whose fields declare their TOML keys and allowed values
(``coopsat.constellation.params``); ``[channel]`` is ``coopsat.channel.ChannelConfig`` itself and
``[constellation]`` is in ``config.constellation``. Experiment kinds declare their own sections
beside their drop functions; the config never imports them (``config.loading`` receives them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from coopsat import constellation
from coopsat.channel.config import ChannelConfig
from coopsat.constellation.drops import DropSpec
from coopsat.constellation.params import (
    ParameterError,
    choice,
    choices,
    list_like,
    number,
    numbers,
    text,
    validate,
)
from coopsat.precoding import (
    ALL_SCHEMES,
    ESTIMATORS,
    REFERENCES,
    SCHEMES,
    SolverOptions,
)

if TYPE_CHECKING:
    from coopsat.experiments.config.loading import ExperimentConfig

MAX_SEED = 2**63 - 1
MAX_NAME_CHARS = 100  # a run name is a directory and the stem of its figure files


def _plain_name(value: str) -> bool:
    return (
        0 < len(value) <= MAX_NAME_CHARS
        and value not in (".", "..")
        and all(c.isalnum() or c in "_.-" for c in value)
    )


@dataclass(frozen=True)
class RunSection:
    """``[run]``: what to compute, how many drops, the seed."""

    name: str = text(
        "paper", _plain_name,
        f"a plain file name of at most {MAX_NAME_CHARS} letters, digits, '_', '.', '-' "
        "(not '.' or '..')",
        doc="run directory and figure name",
    )
    kind: str = text(
        "sweep", lambda v: v != "" and v.replace("-", "").replace("_", "").isalnum(),
        "the name of an experiment kind (the registry's names are checked when the config is "
        "built)", doc="experiment kind",
    )
    drops: int = number(100, lo=1, hi=10_000_000, integer=True, doc="number of drops")
    first_drop: int = number(0, lo=0, hi=10_000_000, integer=True, doc="index of the first drop")
    seed: int = number(20250101, lo=0, hi=MAX_SEED, integer=True, doc="root seed")
    chunk_drops: int = number(1, lo=1, hi=10_000, integer=True, doc="drops per checkpoint part")
    max_attempts: int = number(
        1, lo=1, hi=100, integer=True, doc="attempts of a drop without enough satellites"
    )

    def __post_init__(self) -> None:
        validate(self)

    @property
    def drop_indices(self) -> range:
        """The drops of the run: first_drop .. first_drop + drops - 1."""
        return range(self.first_drop, self.first_drop + self.drops)

@dataclass(frozen=True)
class DropSection(constellation.DropSpec):
    """``[drop]``: a ``constellation.DropSpec`` (UTs, cooperative set, coverage centre; its
    fields and allowed values) plus how the drops' epochs spread in time."""

    epoch_spread_s: float = number(
        0.0, lo=0, hi=1e8, unit="s",
        doc="each drop's epoch is uniform in [epoch, epoch + spread)",
    )



P_TX_DBM = {"lo": -30.0, "hi": 80.0, "unit": "dBm"}
"""Allowed per-satellite transmit power on the subcarrier, for every key that sets one."""
DESIGNS = ALL_SCHEMES + REFERENCES


@dataclass(frozen=True)
class PrecodingSection(SolverOptions):
    """``[precoding]``: the solver options I_max and chi (``precoding.SolverOptions``, declared
    there), the schemes (``precoding.ALL_SCHEMES`` and the reference "ic-wmmse"), the Monte
    Carlo size and the reference's realisations."""

    schemes: tuple[str, ...] = choices(list(SCHEMES), DESIGNS, doc="schemes to run")
    mc_samples: int = number(1000, lo=1, hi=1_000_000, integer=True, doc="R_E samples")
    estimator: str = choice(
        "mean", ESTIMATORS,
        doc="R_E estimator: the sample mean, or the cross-fitted control variate (lower error)",
    )
    ic_realisations: int = number(
        64, lo=1, hi=1_000_000, integer=True,
        doc="realisations of the ic-wmmse reference (the first of the R_E draws)",
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.estimator == "control-variate" and self.mc_samples < 4:
            raise ParameterError(
                "PrecodingSection", "mc_samples", self.mc_samples,
                "mc_samples >= 4 with estimator = 'control-variate' (two halves of >= 2)",
                "is too small",
            )
        if self.ic_realisations > self.mc_samples:
            raise ParameterError(
                "PrecodingSection", "ic_realisations", self.ic_realisations,
                f"1 <= ic_realisations <= mc_samples = {self.mc_samples} (the reference "
                "designs on the first of the R_E realisations)", "is out of range",
            )

    def check(self, config: ExperimentConfig) -> None:
        """Cross-section check: the reference is a sweep-only design (it has no precoder)."""
        refs = [s for s in self.schemes if s in REFERENCES]
        if refs and config.run.kind != "sweep":
            raise ParameterError(
                "PrecodingSection", "schemes", list(self.schemes),
                f"precoders only ({', '.join(map(repr, ALL_SCHEMES))}); the reference "
                f"{refs[0]!r} runs in run.kind = 'sweep' only", "is not allowed here",
            )


@dataclass(frozen=True)
class SweepSection:
    """``[sweep]``: the swept inputs; the rows are their Cartesian product.

    An empty ``zeta2`` / ``kappa_db`` / ``n_satellites`` / ``array_size`` list means "the single
    value of the channel / drop section"; ``power_offset_db`` lowers every satellite but the
    master (P_s = p_tx_dbm - offset for s > 0; empty: 0 dB).
    """

    p_tx_dbm: tuple[float, ...] = numbers(
        [20.0, 25.0, 30.0, 35.0, 40.0, 45.0, 50.0], nonempty=True, distinct=True, **P_TX_DBM
    )
    zeta2: tuple[float, ...] = list_like(ChannelConfig, "zeta2", [], distinct=True)
    kappa_db: tuple[float, ...] = list_like(ChannelConfig, "kappa_db", [], distinct=True)
    n_satellites: tuple[int, ...] = list_like(DropSpec, "n_satellites", [], distinct=True)
    array_size: tuple[int, ...] = list_like(
        ChannelConfig, "nv", [], distinct=True, doc="Nv = Nh of the satellites' square arrays"
    )
    power_offset_db: tuple[float, ...] = numbers(
        [], lo=0, hi=60, distinct=True, unit="dB",
        doc="budget of the non-master satellites below P_TX",
    )

    def __post_init__(self) -> None:
        validate(self)


