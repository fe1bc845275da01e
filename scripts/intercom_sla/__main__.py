"""`intercom-sla` (and `python -m intercom_sla`): the command, started so that a Ctrl-C while Python is still
importing click, DuckDB and dbt ends like every other interruption, with one line and exit code 130."""

from __future__ import annotations

import sys


def main() -> int:
    try:
        from intercom_sla.cli import main as command
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return 130
    return command()


if __name__ == "__main__":
    sys.exit(main())
