"""Location of the shipped data files (``data/`` in a checkout, bundled inside installed wheels)."""

from pathlib import Path

_CANDIDATES = (
    Path(__file__).resolve().parent / "_data",  # installed wheel (force-included)
    Path(__file__).resolve().parent.parent / "data",  # source checkout / editable install
)


def data_path(*parts: str) -> Path:
    """Return the path of a shipped data file, e.g. ``data_path("tables", "k_factor.csv")``.

    Raises ``FileNotFoundError`` naming every place looked at when the file is missing.
    """
    for root in _CANDIDATES:
        candidate = root.joinpath(*parts)
        if candidate.exists():
            return candidate
    looked = ", ".join(str(r.joinpath(*parts)) for r in _CANDIDATES)
    raise FileNotFoundError(f"shipped data file {'/'.join(parts)!r} not found (looked at {looked})")
