"""The file formats figures are written in (kept apart from ``style`` so that the command line
can check ``--figures`` without importing pyplot)."""

from __future__ import annotations

Formats = tuple[str, ...]
"""File formats a figure is written in, as matplotlib names them (``("png", "pdf")``)."""

FIGURE_FORMATS: Formats = ("png", "pdf")
"""The formats of every figure unless ``coopsat ... --figures`` chooses others."""

KNOWN_FORMATS: Formats = ("png", "pdf", "svg")
"""The formats ``--figures`` accepts."""


def parse_formats(text: str) -> Formats:
    """``"png,pdf"`` -> ``("png", "pdf")`` (case and spaces ignored, repeats dropped);
    ``"none"`` -> ``()``, the tables only. Raises ValueError naming the allowed values."""
    if text.strip().lower() == "none":
        return ()
    formats = tuple(dict.fromkeys(part.strip().lower() for part in text.split(",")))
    bad = [f for f in formats if f not in KNOWN_FORMATS]
    if bad:
        raise ValueError(
            f"unknown figure format {bad[0]!r}; allowed: comma-separated "
            f"{', '.join(KNOWN_FORMATS)}, or none"
        )
    return formats
