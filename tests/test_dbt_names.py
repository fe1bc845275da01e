"""Names dbt turns into relations on every engine: PostgreSQL cuts identifiers at 63 bytes and refuses a
unit test whose name is longer (its fixture relation is named after it)."""

from __future__ import annotations

import yaml
from conftest import ROOT

POSTGRES_IDENTIFIER_BYTES = 63


def test_every_unit_test_name_fits_a_postgres_identifier() -> None:
    names = [
        unit_test["name"]
        for path in (ROOT / "models").rglob("*.yml")
        for unit_test in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("unit_tests", [])
    ]
    assert names, "no unit tests found"
    too_long = [name for name in names if len(name.encode()) > POSTGRES_IDENTIFIER_BYTES]
    assert too_long == []
