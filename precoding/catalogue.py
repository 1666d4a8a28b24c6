"""One record per precoder name: what it is called, which family it belongs to, how it is drawn.

Tables, figures and tests read the names, labels and styles from here (``SCHEME_INFO``), so a
scheme is described once. The runners themselves live in ``schemes`` (statistical-CSI designs)
and ``reference`` (the instantaneous-CSI reference); a test checks that every runner has a
record and every record a runner.

Families: "single" (the master satellite alone), "separate" (every satellite on its own),
"joint" (Algorithm 1's loop with the per-user split of problem (31)), "joint-psc" (the same loop
with exact per-satellite power constraints), "linear" (closed-form joint precoders) and
"reference" (needs every channel realisation: a bound on what statistical CSI can reach, not a
scheme a system could run).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

FAMILIES = ("single", "separate", "joint", "joint-psc", "linear", "reference")


@dataclass(frozen=True)
class SchemeInfo:
    """How one precoder is named and drawn.

    Attributes
    ----------
    name : str
        The registry name, e.g. "ms-jomwmmse" (tables' ``scheme`` column, config values).
    label : str
        The short label of figures and summaries, e.g. "MS-JoMWMMSE".
    description : str
        One line saying what it does.
    family : str
        One of ``FAMILIES``.
    paper : bool
        One of the paper's five schemes.
    colour, linestyle, marker : str
        matplotlib colour, line style and marker of its curves.
    filled : bool
        Whether its markers are filled (the exact per-satellite variants are drawn open, so they
        stay apart from their base scheme in grey print as well as by hue).
    """

    name: str
    label: str
    description: str
    family: str
    paper: bool
    colour: str
    linestyle: str
    marker: str
    filled: bool = True

    def __post_init__(self) -> None:
        if self.family not in FAMILIES:
            raise ValueError(f"SchemeInfo.family = {self.family!r}; allowed: {FAMILIES}")


_RECORDS = (
    SchemeInfo("ss-mmse", "SS-MMSE", "SS-MMSE: master satellite alone, MMSE on its mean channel",
               "single", True, "tab:gray", ":", "v"),
    SchemeInfo("ss-wmmse", "SS-WMMSE",
               "SS-WMMSE: master satellite alone, WMMSE on its mean channel",
               "single", True, "tab:green", "-.", "^"),
    SchemeInfo("ms-sepwmmse", "MS-SepWMMSE",
               "MS-SepWMMSE: every satellite runs SS-WMMSE with its own budget",
               "separate", True, "tab:purple", "--", "s"),
    SchemeInfo("ms-jowmmse", "MS-JoWMMSE",
               "MS-JoWMMSE: Algorithm 1 with the conventional MSE (23), per-user split (31)",
               "joint", True, "tab:blue", "-", "o"),
    SchemeInfo("ms-jomwmmse", "MS-JoMWMMSE",
               "MS-JoMWMMSE: Algorithm 1 (modified MSE (27), per-user split (31)), the paper's",
               "joint", True, "tab:red", "-", "D"),
    SchemeInfo("ms-jowmmse-psc", "MS-JoWMMSE-PSC",
               "MS-JoWMMSE-PSC: conventional MSE, exact per-satellite power constraints",
               "joint-psc", False, "tab:cyan", "--", "o", filled=False),
    SchemeInfo("ms-jomwmmse-psc", "MS-JoMWMMSE-PSC",
               "MS-JoMWMMSE-PSC: modified MSE, exact per-satellite power constraints",
               "joint-psc", False, "tab:orange", "--", "D", filled=False),
    SchemeInfo("ms-mrt", "MS-MRT",
               "MS-MRT: joint matched filter on the mean channel, each satellite at its budget",
               "linear", False, "tab:brown", ":", "x"),
    SchemeInfo("ms-rzf", "MS-RZF",
               "MS-RZF: joint regularised zero forcing on the mean channel, each satellite at "
               "its budget", "linear", False, "tab:olive", "-.", "P"),
    SchemeInfo("ic-wmmse", "IC-WMMSE (inst.-CSI ref.)",
               "IC-WMMSE: instantaneous-CSI reference (knows every channel realisation; an "
               "upper reference, not a scheme a system could run)",
               "reference", False, "black", "-", "*"),
)

SCHEME_INFO: MappingProxyType[str, SchemeInfo] = MappingProxyType({r.name: r for r in _RECORDS})
"""Every precoder name -> its record, in the order figures and tables list them."""

LABELS: MappingProxyType[str, str] = MappingProxyType(
    {r.name: r.description for r in _RECORDS}
)
"""Every precoder name -> its one-line description."""

SCHEMES: tuple[str, ...] = tuple(r.name for r in _RECORDS if r.paper)
"""The paper's five schemes."""

REFERENCES: tuple[str, ...] = tuple(r.name for r in _RECORDS if r.family == "reference")
"""Designs that need every channel realisation (not schemes a system could run)."""

ALL_SCHEMES: tuple[str, ...] = tuple(r.name for r in _RECORDS if r.family != "reference")
"""Every statistical-CSI scheme, the paper's five first."""

EXTENDED_SCHEMES: tuple[str, ...] = tuple(s for s in ALL_SCHEMES if s not in SCHEMES)
"""The schemes beyond the paper."""
