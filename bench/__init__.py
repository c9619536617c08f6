"""Benchmarks and data generators (not tests). `make bench` runs them all via `python -m bench`."""
