"""Kind "waveform": waveform-level OFDM validation of eq. (10), (13) and Remark 1."""
