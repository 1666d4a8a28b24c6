"""Waveform-level CP-OFDM simulator: a check of the paper's signal model (eq. 4-10, 13, Remark 1).

``waveform``: numerology, QAM symbols, link waveforms with exact fractional delays and Doppler,
demodulation, the analytic ICI of eq. (10) and the window-overlap correlation of Remark 1.
``link``: drop-level simulation of precoded streams over every (satellite, UT) link with
residual compensation errors. ``linklevel``: the ICI and correlation measurements of one link
or one pair of links.
"""

from coopsat.channel.ofdm.link import (
    ISI_POLICIES,
    MIN_SYMBOLS_PER_BLOCK,
    CompensationErrorModel,
    LinkTiming,
    WaveformMeasurement,
    known_symbol_split,
    simulate_drop,
)
from coopsat.channel.ofdm.linklevel import interference_correlation, measure_ici
from coopsat.channel.ofdm.waveform import (
    MODULATIONS,
    OfdmNumerology,
    demodulate,
    ici_coefficient,
    ici_power_analytic,
    link_waveforms,
    qam_symbols,
    window_overlap_correlation,
)

__all__ = [
    "ISI_POLICIES",
    "MIN_SYMBOLS_PER_BLOCK",
    "MODULATIONS",
    "CompensationErrorModel",
    "LinkTiming",
    "OfdmNumerology",
    "WaveformMeasurement",
    "demodulate",
    "ici_coefficient",
    "ici_power_analytic",
    "interference_correlation",
    "known_symbol_split",
    "link_waveforms",
    "measure_ici",
    "qam_symbols",
    "simulate_drop",
    "window_overlap_correlation",
]
