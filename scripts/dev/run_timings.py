#!/usr/bin/env python3
"""Sum a dbt run's execution times by kind of node (seeds, models, unit tests, data tests) from its
run_results.json, to report where a build's time went on each engine."""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path


def seconds_by_kind(run_results: dict) -> dict[str, float]:
    totals: dict[str, float] = defaultdict(float)
    for result in run_results["results"]:
        kind = result["unique_id"].split(".", 1)[0]
        totals[kind] += result["execution_time"]
    return dict(totals)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.replace("\n", " "))
    parser.add_argument("run_results", type=Path, help="a dbt target folder's run_results.json")
    args = parser.parse_args(argv)
    try:
        run_results = json.loads(args.run_results.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        print(f"error: {args.run_results}: {error}", file=sys.stderr)
        return 2
    totals = seconds_by_kind(run_results)
    parts = ", ".join(f"{kind} {seconds:.1f} s" for kind, seconds in sorted(totals.items()) if seconds >= 0.05)
    print(f"{parts}; whole run {run_results['elapsed_time']:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
