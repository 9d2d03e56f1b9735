"""Client side of the registration authority's API."""
