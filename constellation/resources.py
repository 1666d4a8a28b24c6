"""Location of the shipped data files (the ``coopsat.data`` package: ``data/`` in a checkout)."""

from importlib import resources
from pathlib import Path


def data_path(*parts: str) -> Path:
    """Return the path of a shipped data file, e.g. ``data_path("tables", "k_factor.csv")``.

    Raises ``FileNotFoundError`` naming the place looked at when the file is missing.
    """
    candidate = Path(str(resources.files("coopsat.data").joinpath(*parts)))
    if not candidate.exists():
        raise FileNotFoundError(f"shipped data file {'/'.join(parts)!r} not found at {candidate}")
    return candidate
