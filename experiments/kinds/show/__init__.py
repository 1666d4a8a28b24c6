"""Kind "show" (``coopsat show``): the scenario of a drop, drawn as a map and a sky plot."""
