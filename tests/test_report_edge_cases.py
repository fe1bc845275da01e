"""Every report renders whatever the data holds: load -> build -> report on tiny datasets at the edges
(nothing at all, one conversation, nobody answered, only a bot answered, only list pages without parts).
Where a chart has nothing to draw, the review pack says so instead of failing."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import HEADER, REPORT_FILES, intercom_sla


def message_export(*rows: str) -> dict[str, str]:
    return {"messages.csv": "\n".join([HEADER, *rows]) + "\n"}


def list_page_without_parts() -> dict[str, str]:
    """A `conversation.list` page: Intercom's statistics say parts exist, none are loaded (SPEC §2)."""

    def listed(number: int, statistics: dict) -> dict:
        return {
            "type": "conversation",
            "id": f"30{number}",
            "created_at": 1772460000 + 3600 * number,
            "updated_at": 1772470000 + 3600 * number,
            "state": "open",
            "source": {"type": "conversation", "id": f"80{number}", "author": {"type": "user", "id": f"u-{number}"}},
            "statistics": {"type": "conversation_statistics", "count_conversation_parts": 3, **statistics},
        }

    page = {
        "type": "conversation.list",
        "conversations": [
            listed(1, {"first_contact_reply_at": 1772463600}),
            listed(2, {"first_contact_reply_at": 1772467200, "first_admin_reply_at": 1772468000}),
        ],
    }
    return {"list_page.json": json.dumps(page)}


DATASETS = {
    "empty": message_export(),
    "single conversation": message_export(
        "c-1,m-1,2026-01-05T09:00:00Z,user,comment,,P1,billing",
        "c-1,m-2,2026-01-05T09:10:00Z,admin,comment,agent-1,,",
    ),
    "all unanswered": message_export(
        "c-1,m-1,2026-01-05T09:00:00Z,user,comment,,,",
        "c-2,m-2,2026-01-06T09:00:00Z,user,comment,,P1,",
    ),
    "all bot-answered": message_export(
        "c-1,m-1,2026-01-05T09:00:00Z,user,comment,,,",
        "c-1,m-2,2026-01-05T09:01:00Z,bot,comment,,,",
    ),
    "all incomplete": list_page_without_parts(),
}


def run_reports(tmp_path: Path, files: dict[str, str]) -> Path:
    """load -> build -> report with `intercom-sla run`; the folder the reports went to."""
    exports, out = tmp_path / "exports", tmp_path / "reports"
    exports.mkdir()
    for name, text in files.items():
        (exports / name).write_text(text, encoding="utf-8")
    done = intercom_sla("run", "--db", tmp_path / "sla.duckdb", "--out", out, exports)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    return out


def chart_sections(page: str) -> dict[str, str]:
    return dict(re.findall(r'<section data-chart="([a-z-]+)">(.*?)</section>', page, flags=re.DOTALL))


@pytest.mark.parametrize("files", DATASETS.values(), ids=DATASETS.keys())
def test_every_report_renders_with_an_empty_state_where_a_chart_has_no_data(
    tmp_path: Path, files: dict[str, str]
) -> None:
    out = run_reports(tmp_path, files)
    assert sorted(path.name for path in out.iterdir()) == REPORT_FILES
    sections = chart_sections((out / "sla_review.html").read_text(encoding="utf-8"))
    empty = [chart for chart, body in sections.items() if 'class="empty-state"' in body]
    assert empty, "each dataset leaves some chart with nothing to draw"
    drawn = [chart for chart, body in sections.items() if 'class="plotly-graph-div"' in body]
    assert sorted(empty + drawn) == sorted(sections), "a chart neither drawn nor explained"


def test_the_tag_chart_keeps_the_most_used_tags_and_pools_the_rest(tmp_path: Path) -> None:
    rows = [f"c-{number},m-{number},2026-01-05T09:00:00Z,user,comment,,,tag-{number:03}" for number in range(100)]
    rows += [f"c-{number},r-{number},2026-01-05T09:10:00Z,admin,comment,agent-1,," for number in range(100)]
    rows += [f"c-{number},m-{number}b,2026-01-05T09:00:00Z,user,comment,,,popular" for number in range(3)]
    out = run_reports(tmp_path, message_export(*rows))
    chart = chart_sections((out / "sla_review.html").read_text(encoding="utf-8"))["breach-by-tag"]
    assert '"popular"' in chart and '"(71 other tags)"' in chart  # 101 tags: 30 drawn, 71 pooled
    assert int(re.search(r'"height":(\d+)', chart).group(1)) < 1200
