#!/usr/bin/env python3
"""Run scripts/dev/fused_floor.sql on a message export into a fresh DuckDB file (the benchmark's fused floor).

Example: python scripts/dev/fused_floor.py floor.duckdb data/benchmark/messages_20000_<hash>.csv
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

SCRIPT = Path(__file__).with_name("fused_floor.sql")


def statements(text: str) -> list[str]:
    """The script's statements without their comment lines, in order."""
    bodies = (
        "\n".join(line for line in chunk.splitlines() if not line.lstrip().startswith("--"))
        for chunk in text.split(";\n")
    )
    return [body.strip() for body in bodies if body.strip()]


def main(argv: list[str]) -> int:
    database, export = argv
    with duckdb.connect(database) as con:
        for statement in statements(SCRIPT.read_text(encoding="utf-8")):
            con.execute(statement, {"path": export} if "$path" in statement else None)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
