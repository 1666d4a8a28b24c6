"""Kind "convergence" (Fig. 5): R_E, R_AP1 and R_AP2 at every iterate of the iterative schemes."""
