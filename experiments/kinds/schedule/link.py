"""Link abstraction: the attenuated and truncated Shannon bound of 3GPP TR 36.942, Annex A.

    SE(SINR) = 0                              SINR < SINR_min
             = alpha log2(1 + SINR)           SINR_min <= SINR, alpha log2(1 + SINR) < SE_max
             = SE_max                         otherwise

in bit/s/Hz, with the downlink values given for E-UTRA in 3GPP TR 36.942 ("E-UTRA; Radio
Frequency (RF) system scenarios"), Annex A: alpha = 0.6 (implementation losses), SINR_min =
-10 dB, SE_max = 4.4 bit/s/Hz (the highest modulation and coding scheme). These three numbers
and the formula were not checked against the TR's own text: they are the values that public
system-level simulators attribute to it, which agree on the numbers but not on the clause
(A.1 or A.2) or the table number; hence the config keys. It is applied to every Monte Carlo
sample inside the expectation of R_E (``precoding.evaluate_many(..., link=...)``), never to
the expected rate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class TruncatedShannon:
    """The mapping of the module docstring; ``alpha`` in (0, 1], ``se_max`` > 0 bit/s/Hz,
    ``sinr_min_db`` in dB (-inf: no lower cut-off)."""

    alpha: float
    se_max: float
    sinr_min_db: float

    def __call__(self, sinr: np.ndarray) -> np.ndarray:
        """Spectral efficiency (bit/s/Hz) of linear SINRs (any shape)."""
        sinr = np.asarray(sinr, dtype=float)
        se = np.minimum(self.alpha * np.log2(1.0 + sinr), self.se_max)
        return np.where(sinr < 10.0 ** (self.sinr_min_db / 10.0), 0.0, se)
