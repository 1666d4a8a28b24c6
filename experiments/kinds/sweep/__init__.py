"""Kind "sweep" (Fig. 3, 4, 6): average sum rate of every scheme over a grid of swept inputs."""
