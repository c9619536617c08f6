"""Run every benchmark, print its table, write its JSON under var/bench/; exit 1 if a goal is missed."""

from __future__ import annotations

import sys

from bench import business_time, case_pages, rls, sweeps

BENCHMARKS = [business_time, case_pages, rls, sweeps]


def main() -> int:
    missed = [bench.__name__ for bench in BENCHMARKS if not bench.main()]
    if missed:
        print(f"Goals missed in: {', '.join(missed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
