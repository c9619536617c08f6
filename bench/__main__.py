"""Run every benchmark, print its table, write its JSON under var/bench/; exit 1 if a goal is missed.
Last, the query plans of the hot pages (bench.explain) go to var/bench/explain.md.

The case pages, row-level security and background work share the generator's data set (bench.data:
BENCH_CASES cases in BENCH_DATABASE). `python -m bench.sweeps` (its own database of copies of one
case) is run on its own: it drops and makes its database, which cannot share this process."""

from __future__ import annotations

import sys

from bench import background, business_time, case_pages, explain, rls

BENCHMARKS = [business_time, case_pages, rls, background, explain]


def main() -> int:
    missed = [bench.__name__ for bench in BENCHMARKS if not bench.main()]
    if missed:
        print(f"Goals missed in: {', '.join(missed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
