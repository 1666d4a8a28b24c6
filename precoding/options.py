"""Options of the iterative precoders, declared once with their allowed values (the experiment
layer's ``[precoding]`` section extends this dataclass)."""

from __future__ import annotations

from dataclasses import dataclass

from coopsat.constellation.params import number, validate


class SolverError(RuntimeError):
    """An iterative solver could not meet its own accuracy check on this input (for example the
    per-satellite multiplier search of ``precoding.dual`` on a degenerate subproblem)."""


@dataclass(frozen=True)
class SolverOptions:
    """I_max and chi of Algorithm 1 and the WMMSE loops (the paper's 10 and 0.001)."""

    max_iter: int = number(10, lo=0, hi=10_000, integer=True, doc="I_max, precoder updates")
    tol: float = number(
        1e-3, finite=False, unit="bit/s/Hz",
        doc="chi: stop when a pass gains less (inf: after one pass, -inf: never early)",
    )

    def __post_init__(self) -> None:
        validate(self)

    @classmethod
    def of(cls, **values) -> SolverOptions:
        """The options with the given values, the declared defaults for those that are None."""
        return cls(**{k: v for k, v in values.items() if v is not None})
