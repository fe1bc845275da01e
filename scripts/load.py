#!/usr/bin/env python3
"""Load Intercom exports into a DuckDB file without losing a record (see intercom_sla/load)."""

import sys

from intercom_sla.load.cli import main

if __name__ == "__main__":
    sys.exit(main())
