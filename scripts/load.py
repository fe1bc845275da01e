#!/usr/bin/env python3
"""Load Intercom exports into a DuckDB file without losing a record: `intercom-sla load` as a script."""

import sys

if __name__ == "__main__":
    try:
        from intercom_sla.cli import load, main
    except KeyboardInterrupt:  # a Ctrl-C while Python still imports DuckDB: one line, as any interruption
        sys.stderr.write("interrupted\n")
        sys.exit(130)
    sys.exit(main(command=load, prog_name="load.py"))
