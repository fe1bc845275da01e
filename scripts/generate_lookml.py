#!/usr/bin/env python3
"""Entry point kept for the commands users already run; the code is intercom_sla/generate_lookml.py."""

import sys

from intercom_sla.generate_lookml import main

if __name__ == "__main__":
    sys.exit(main())
