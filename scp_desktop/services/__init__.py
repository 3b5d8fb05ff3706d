"""Use cases: each owns its transaction and returns plain data. No widgets."""
