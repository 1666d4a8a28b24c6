"""Kind "delay" (Fig. 2): probability that inter-satellite interference is independent."""
