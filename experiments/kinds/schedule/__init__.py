"""Kind "schedule": a terminal population served over time by schedulers and precoders."""
