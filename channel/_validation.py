"""Small shared input checks of the channel package."""

from __future__ import annotations

import numpy as np


def check_rng(rng: object) -> np.random.Generator:
    """Return ``rng`` if it is a ``numpy.random.Generator``; otherwise raise TypeError.

    Randomness only flows through explicit generators (no global numpy state), so a legacy
    ``RandomState``, a seed or None is refused with a message saying what to pass instead.
    """
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"rng must be a numpy.random.Generator (e.g. numpy.random.default_rng(seed)), "
            f"got {type(rng).__name__}"
        )
    return rng
