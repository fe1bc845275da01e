"""`intercom-sla pull` of many conversations from the fake Intercom (tests/fake_intercom.py) under a
simulated rate limit: is the pull limited by the rate limit or by itself? Prints a Markdown table of
requests per rate-limit window beside the window's budget.

    .venv/bin/python scripts/dev/pull_benchmark.py --conversations 10000 --budget 333 --window 2
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

from fake_intercom import FakeIntercom, conversation, part  # noqa: E402
from pytest_httpserver import HTTPServer  # noqa: E402

TOKEN = "benchmark-token"


def conversations(count: int) -> list[dict]:
    """`count` small conversations a minute apart: a customer message, a reply and a close."""
    start = 1_772_000_000
    return [
        conversation(
            f"b{number}",
            start + 60 * number,
            [
                part(f"b{number}-1", start + 60 * number + 30, "admin"),
                part(f"b{number}-2", start + 60 * number + 45, "admin", "close", None),
            ],
        )
        for number in range(count)
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--conversations", type=int, default=10_000)
    parser.add_argument("--budget", type=int, default=333, help="requests allowed per window")
    parser.add_argument("--window", type=int, default=2, help="window length in seconds (Intercom: 10)")
    args = parser.parse_args()

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one access-log line per request otherwise
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    try:
        fake = FakeIntercom(server, TOKEN, window_budget=args.budget, window_seconds=args.window)
        fake.add(*conversations(args.conversations))
        with tempfile.TemporaryDirectory() as work:
            started = time.monotonic()
            pulled = subprocess.run(
                [
                    str(Path(sys.executable).parent / "intercom-sla"),
                    "pull",
                    "--db",
                    str(Path(work) / "pull.duckdb"),
                    "--api-url",
                    fake.url,
                ],
                env={**os.environ, "INTERCOM_ACCESS_TOKEN": TOKEN},
                capture_output=True,
                text=True,
                check=False,
            )
            seconds = time.monotonic() - started
    finally:
        server.stop()
    if pulled.returncode != 0:
        print(pulled.stderr, file=sys.stderr)
        return 1

    windows = Counter(int(at // args.window) for at, *_ in fake.requests)
    full = [count for window, count in sorted(windows.items())][1:-1]  # the first and last are partial
    limited = sum(1 for *_, status in fake.requests if status == 429)
    print(
        "| conversations | requests | seconds | window | budget | requests per full window (mean, min, max) "
        "| mean / budget | 429s |"
    )
    print("|---|---|---|---|---|---|---|---|")
    print(
        f"| {args.conversations} | {len(fake.requests)} | {seconds:.1f} | {args.window} s | {args.budget} "
        f"| {statistics.mean(full):.0f}, {min(full)}, {max(full)} | {statistics.mean(full) / args.budget:.2f} "
        f"| {limited} |"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
