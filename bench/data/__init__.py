"""The benchmarks' realistic data set (issue #17): see bench.data.generate."""

from bench.data.generate import ensure_dataset

__all__ = ["ensure_dataset"]
