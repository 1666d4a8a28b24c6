"""Kind "arrays": the element gain each member of the cooperative set gets towards its UTs."""
