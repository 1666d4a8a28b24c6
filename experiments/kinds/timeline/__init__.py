"""Kind "timeline" (beyond the paper): one coverage area followed as the constellation moves."""
