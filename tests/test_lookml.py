"""LookML generated from the dbt yml parses, and has a dimension for every documented mart column."""

from __future__ import annotations

import json
from pathlib import Path

import lkml
from conftest import ROOT, intercom_sla


def test_generated_views_parse_and_cover_every_column(tmp_path: Path) -> None:
    run = intercom_sla("lookml", "--out", tmp_path / "lookml")
    assert run.returncode == 0, run.stderr
    manifest = ROOT / "target" / "manifest.json"
    nodes = {n["name"]: n for n in json.loads(manifest.read_text())["nodes"].values() if n["resource_type"] == "model"}
    files = sorted((tmp_path / "lookml").glob("*.view.lkml"))
    assert {path.name.removesuffix(".view.lkml") for path in files} == {
        name for name in nodes if name.startswith(("fct_", "mart_", "bridge_"))
    }
    for path in files:
        [parsed] = lkml.load(path.read_text())["views"]
        fields = {item["name"] for item in parsed.get("dimensions", []) + parsed.get("dimension_groups", [])}
        assert fields == set(nodes[parsed["name"]]["columns"]), parsed["name"]
        measure_names = {item["name"] for item in parsed.get("measures", [])}
        assert not fields & measure_names, f"{parsed['name']}: field names must be unique in a view"
        if parsed["name"].startswith("mart_first_response_breach_rate_by_"):
            assert "overall_breach_rate_pct" in measure_names, parsed["name"]
    [fact] = lkml.load((tmp_path / "lookml" / "fct_conversations.view.lkml").read_text())["views"]
    assert {"breach_rate_pct", "median_response_minutes", "median_resolution_hours", "breaches"} <= {
        m["name"] for m in fact["measures"]
    }
