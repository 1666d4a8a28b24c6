"""Kind "constellations" (``coopsat constellations``): the same drops served by several
constellations, per coverage latitude."""
