"""run_timings.py sums a dbt run's node times by kind, as the engine suites print them."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_script
from run_timings import seconds_by_kind

RUN_RESULTS = {
    "elapsed_time": 9.5,
    "results": [
        {"unique_id": "model.intercom_sla.fct_conversations", "execution_time": 2.0},
        {"unique_id": "model.intercom_sla.mart_first_response_summary", "execution_time": 0.5},
        {"unique_id": "test.intercom_sla.not_null_fct_conversations_conversation_id.1a2b", "execution_time": 0.3},
        {"unique_id": "unit_test.intercom_sla.fct_conversations.reply_at_threshold_is_met", "execution_time": 1.0},
        {"unique_id": "exposure.intercom_sla.metabase", "execution_time": 0.0},
    ],
}


def test_node_times_are_summed_by_kind() -> None:
    assert seconds_by_kind(RUN_RESULTS) == {"model": 2.5, "test": 0.3, "unit_test": 1.0, "exposure": 0.0}


def test_the_line_leaves_out_kinds_that_took_no_time(tmp_path: Path) -> None:
    path = tmp_path / "run_results.json"
    path.write_text(json.dumps(RUN_RESULTS), encoding="utf-8")
    run = run_script("dev/run_timings.py", path)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "model 2.5 s, test 0.3 s, unit_test 1.0 s; whole run 9.5 s"


def test_a_missing_file_is_a_one_line_error(tmp_path: Path) -> None:
    run = run_script("dev/run_timings.py", tmp_path / "run_results.json")
    assert run.returncode == 2
    assert "run_results.json" in run.stderr and "Traceback" not in run.stderr
