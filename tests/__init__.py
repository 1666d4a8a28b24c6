"""Makes tests a package so helpers can be shared."""
