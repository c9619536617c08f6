"""The benchmarks' realistic data set (issue #17): see bench.data.generate."""
