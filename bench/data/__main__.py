"""`python -m bench.data [database]`: make the data set of BENCH_CASES cases (default a million) in
the database (default BENCH_DATABASE, else helpdesk_bench_data) unless it is there."""

from __future__ import annotations

import os
import sys

from bench.data.generate import CASES, SERVER, ensure_dataset


def main() -> int:
    name = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("BENCH_DATABASE", "helpdesk_bench_data")
    print(f"Data set of {CASES:,} cases in {name}")
    made = ensure_dataset(f"{SERVER}/{name}", CASES)
    if not made["made"]:
        print("  there already")
        return 0
    rate = made["rows"] / made["copy_seconds"]
    copied = f"{made['rows']:,} rows copied in {made['copy_seconds']:.0f} s ({rate:,.0f} rows/s)"
    print(f"  {copied}, ready in {made['seconds']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
