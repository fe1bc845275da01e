"""Write reports/sla_review.html: the quarterly review pack, one self-contained file that opens offline.

Charts (plotly, whose JavaScript is embedded once, so no CDN is needed): breach rate by priority;
by assignee with volumes (worst and best ten); the weekly breach-rate trend; first-response times
against each priority's threshold; the daily resolution median with its trailing 7-day line; breach
rate by tag (the most used tags, the rest pooled in one row); subsequent reply time by week and the
worst owners at breach (SPEC §7). Every number comes from a mart; this module only draws, and a chart
with nothing to draw says so in words. Text from the data is escaped.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import plotly.graph_objects as go
from intercom_sla.database import connect_read_only
from intercom_sla.errors import UserError, unreadable_database
from intercom_sla.reports.atomic_files import write_atomically
from intercom_sla.reports.data_quality import ISSUES, issue_counts
from intercom_sla.reports.marts import records, require_marts
from plotly.offline import get_plotlyjs
from plotly.subplots import make_subplots

MET, BREACHED, NEUTRAL, LINE = "#2e7d32", "#c62828", "#90a4ae", "#1565c0"
# Tags are free text: beyond this many, the least used are pooled so the chart keeps a readable height.
TAG_CHART_LIMIT = 30
NOT_IN_SCOPE = "No conversation in this data has a customer message, so there is no first response to measure."
PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
body {{ font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 1100px;
       color: #212121; padding: 0 1rem; }}
h1 {{ margin-bottom: .2rem; }} .as-of {{ color: #616161; margin-top: 0; }}
.tiles {{ display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: .8rem; margin: 1.5rem 0; }}
.tile {{ border: 1px solid #e0e0e0; border-radius: 8px; padding: .8rem 1rem; }}
.tile .value {{ font-size: 1.6rem; font-weight: 600; }} .tile .label {{ color: #616161; font-size: .85rem; }}
section {{ margin: 2rem 0; }} .note {{ color: #616161; font-size: .9rem; }}
.empty-state {{ border: 1px dashed #bdbdbd; border-radius: 8px; padding: 1.5rem; color: #616161; text-align: center; }}
@media print {{ body {{ margin: 0; max-width: none; }} section {{ page-break-inside: avoid; }} }}
</style>
<script>{plotly_js}</script>
</head>
<body>
<h1>{title}</h1>
<p class="as-of">Data as of {as_of}. Generated {generated} by intercom-sla.</p>
<div class="tiles">{tiles}</div>
{sections}
</body>
</html>
"""


def escaped_records(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    """Rows as dicts, every string escaped: plotly reads a subset of HTML in labels, and the figure JSON
    sits inside a <script> element, so data text must never reach it raw."""
    return [
        {name: html.escape(value) if isinstance(value, str) else value for name, value in row.items()}
        for row in records(con, sql)
    ]


def tile(value: object, label: str) -> str:
    return (
        f'<div class="tile"><div class="value">{html.escape(str(value))}</div>'
        f'<div class="label">{html.escape(label)}</div></div>'
    )


def section(chart_id: str, title: str, figure: go.Figure | None, note: str = "", empty: str = "") -> str:
    """A chart with its title and note; where there is no figure, `empty` says why in their place."""
    if figure is None:
        body = f'<p class="empty-state">{html.escape(empty)}</p>'
    else:
        chart = figure.to_html(
            full_html=False, include_plotlyjs=False, div_id=chart_id, config={"displayModeBar": False}
        )
        body = (f'<p class="note">{html.escape(note)}</p>' if note else "") + chart
    return f'<section data-chart="{chart_id}"><h2>{html.escape(title)}</h2>{body}</section>'


def styled(figure: go.Figure, height: int = 380) -> go.Figure:
    figure.update_layout(height=height, margin={"l": 60, "r": 20, "t": 30, "b": 60}, template="plotly_white")
    return figure


def by_priority_chart(rows: list[dict]) -> go.Figure | None:
    if not rows:
        return None
    figure = go.Figure(
        go.Bar(
            x=[row["priority"] for row in rows],
            y=[row["breach_rate_pct"] for row in rows],
            text=[f"{row['breaches']} of {row['conversations']}" for row in rows],
            marker_color=BREACHED,
        )
    )
    return styled(figure.update_yaxes(title="breach rate %", rangemode="tozero"))


def clock_comparison_chart(rows: list[dict]) -> go.Figure:
    """Calendar and business-hours breach rates side by side per priority."""
    priorities = [row["priority"] for row in rows]
    figure = go.Figure(
        [
            go.Bar(x=priorities, y=[row["calendar_breach_rate_pct"] for row in rows], name="calendar time"),
            go.Bar(x=priorities, y=[row["business_hours_breach_rate_pct"] for row in rows], name="business hours"),
        ]
    )
    return styled(figure.update_layout(barmode="group").update_yaxes(title="breach rate %", rangemode="tozero"))


def ranked_bars(labels: list[str], values: list[float], texts: list[str], colour: str) -> go.Bar:
    """Horizontal bars listed top-down in the order given (plotly draws the first at the bottom)."""
    return go.Bar(
        y=labels[::-1], x=values[::-1], text=texts[::-1], orientation="h", marker_color=colour, showlegend=False
    )


def by_assignee_chart(rows: list[dict]) -> go.Figure | None:
    ranked = [row for row in rows if row["breach_rate_rank"] is not None]
    if not ranked:
        return None
    worst, best = ranked[:10], ranked[-10:][::-1]
    figure = make_subplots(rows=1, cols=2, subplot_titles=("worst 10", "best 10"), horizontal_spacing=0.18)
    for column, group, colour in ((1, worst, BREACHED), (2, best, MET)):
        bars = ranked_bars(
            [row["assignee_id"] for row in group],
            [row["breach_rate_pct"] for row in group],
            [f"{row['breaches']}/{row['conversations']}" for row in group],
            colour,
        )
        figure.add_trace(bars, row=1, col=column)
    return styled(figure.update_xaxes(title="breach rate % (breaches / conversations)"), height=420)


def weekly_chart(rows: list[dict]) -> go.Figure | None:
    if not rows:
        return None
    figure = make_subplots(specs=[[{"secondary_y": True}]])
    weeks = [row["week_start"] for row in rows]
    figure.add_trace(
        go.Bar(x=weeks, y=[row["conversations"] for row in rows], name="conversations", marker_color=NEUTRAL),
        secondary_y=True,
    )
    figure.add_trace(
        go.Scatter(x=weeks, y=[row["breach_rate_pct"] for row in rows], name="breach rate %", line_color=BREACHED),
        secondary_y=False,
    )
    figure.update_yaxes(title="breach rate %", rangemode="tozero", secondary_y=False)
    figure.update_yaxes(title="conversations", rangemode="tozero", showgrid=False, secondary_y=True)
    return styled(figure)


def distribution_chart(rows: list[dict]) -> go.Figure | None:
    if not rows:
        return None
    priorities = sorted({row["priority"] for row in rows})
    thresholds = {row["priority"]: row["sla_threshold_minutes"] for row in rows}
    titles = [f"{name} (threshold {thresholds[name]:g} min)" for name in priorities]
    figure = make_subplots(rows=len(priorities), cols=1, subplot_titles=titles, shared_xaxes=True)
    labels = [label for _, label in sorted({(row["bucket_order"], row["bucket_label"]) for row in rows})]
    for index, name in enumerate(priorities, 1):
        group = sorted((row for row in rows if row["priority"] == name), key=lambda row: row["bucket_order"])
        within = [
            row["bucket_upper_minutes"] is not None and row["bucket_upper_minutes"] <= thresholds[name] for row in group
        ]
        figure.add_trace(
            go.Bar(
                x=[row["bucket_label"] for row in group],
                y=[row["conversations"] for row in group],
                marker_color=[MET if inside else BREACHED for inside in within],
                showlegend=False,
            ),
            row=index,
            col=1,
        )
    figure.update_xaxes(categoryorder="array", categoryarray=labels)
    return styled(figure, height=max(300, 190 * len(priorities)))


def resolution_daily_chart(rows: list[dict]) -> go.Figure | None:
    if not rows:
        return None
    days = [row["resolved_date"] for row in rows]
    figure = go.Figure()
    figure.add_trace(go.Bar(x=days, y=[row["median_hours"] for row in rows], name="daily median", marker_color=NEUTRAL))
    figure.add_trace(
        go.Scatter(
            x=days, y=[row["trailing_7d_median_hours"] for row in rows], name="trailing 7-day median", line_color=LINE
        )
    )
    return styled(figure.update_yaxes(title="resolution hours", rangemode="tozero"))


def tag_rows(con: duckdb.DuckDBPyConnection, schema: str) -> list[dict]:
    """The most used tags, then one row pooling the rest (`tag` null, `pooled_tags` how many): a
    conversation counts once under each of its tags there too, as in the mart."""
    return escaped_records(
        con,
        f"""
        with ranked as (
            select *, row_number() over (order by conversations desc, tag) as volume_rank
            from {schema}.mart_first_response_breach_rate_by_tag
        )
        select tag, conversations, breaches, breach_rate_pct, 1 as pooled_tags
        from ranked
        where volume_rank <= {TAG_CHART_LIMIT}
        union all
        select null, sum(conversations), sum(breaches), 100.0 * sum(breaches) / sum(conversations), count(*)
        from ranked
        where volume_rank > {TAG_CHART_LIMIT}
        having count(*) > 0
        """,
    )


def by_tag_chart(rows: list[dict]) -> go.Figure | None:
    """Tags by breach rate, the pooled rest at the bottom."""
    if not rows:
        return None
    ordered = sorted(rows, key=lambda row: (row["tag"] is not None, row["breach_rate_pct"] or 0))
    figure = go.Figure(
        go.Bar(
            y=[row["tag"] if row["tag"] is not None else f"({row['pooled_tags']} other tags)" for row in ordered],
            x=[row["breach_rate_pct"] for row in ordered],
            text=[f"{row['breaches']}/{row['conversations']}" for row in ordered],
            orientation="h",
            marker_color=BREACHED,
        )
    )
    return styled(figure.update_xaxes(title="breach rate %"), height=max(300, 28 * len(rows) + 100))


def subsequent_reply_weekly_chart(rows: list[dict]) -> go.Figure:
    """Median and p90 subsequent reply time per week, with the next-reply breach rate beside them."""
    figure = make_subplots(specs=[[{"secondary_y": True}]])
    weeks = [row["week_start"] for row in rows]
    for column, name, colour in (("median_reply_seconds", "median", MET), ("p90_reply_seconds", "p90", NEUTRAL)):
        minutes = [None if row[column] is None else row[column] / 60 for row in rows]
        figure.add_trace(go.Scatter(x=weeks, y=minutes, name=f"{name} reply minutes", line_color=colour))
    figure.add_trace(
        go.Scatter(
            x=weeks,
            y=[row["breach_rate_pct"] for row in rows],
            name="next-reply breach rate %",
            line={"color": BREACHED, "dash": "dot"},
        ),
        secondary_y=True,
    )
    figure.update_yaxes(title="minutes to the next reply", rangemode="tozero", secondary_y=False)
    figure.update_yaxes(title="breach rate %", rangemode="tozero", showgrid=False, secondary_y=True)
    return styled(figure)


def owners_at_breach_chart(assignees: list[dict], teams: list[dict]) -> go.Figure | None:
    """The owners holding the most next-reply breaches when the threshold ran out."""
    if not any(row["breaches"] for row in (*assignees, *teams)):
        return None
    figure = make_subplots(
        rows=1, cols=2, subplot_titles=("assignee at breach", "team at breach"), horizontal_spacing=0.22
    )
    for column, rows, key in ((1, assignees, "assignee_id"), (2, teams, "team_id")):
        worst = sorted((row for row in rows if row["breaches"]), key=lambda row: (-row["breaches"], row[key]))[:10]
        bars = ranked_bars(
            [row[key] for row in worst],
            [row["breaches"] for row in worst],
            [f"{row['breach_rate_pct']:.0f}% of {row['rated_waits']}" for row in worst],
            BREACHED,
        )
        figure.add_trace(bars, row=1, col=column)
    return styled(figure.update_xaxes(title="next-reply breaches"), height=420)


def next_reply_sections(mart: Callable[[str, str], list[dict]]) -> str:
    [summary] = mart("mart_next_reply_summary", "1")
    if not summary["subsequent_waits"]:
        empty = "No customer waited a second time in this data, so there is no next-reply figure."
        return section("next-reply-by-week", "Subsequent reply time by week", None, empty=empty)
    median = summary["median_subsequent_reply_seconds"]
    note = (
        f"Every wait after a conversation's first response: {summary['subsequent_waits']} waits, "
        f"{summary['breaches']} of {summary['rated_waits']} held to a next-reply target breached; "
        f"median subsequent reply {'n/a' if median is None else f'{median / 60:.0f} min'}. "
        f"{summary['closed_without_reply']} were closed without a reply (in no rate)."
    )
    return "\n".join(
        (
            section(
                "next-reply-by-week",
                "Subsequent reply time by week",
                subsequent_reply_weekly_chart(mart("mart_next_reply_breach_rate_by_week", "week_start")),
                note,
            ),
            section(
                "next-reply-owners",
                "Worst owners at breach (next reply)",
                owners_at_breach_chart(
                    mart("mart_next_reply_breach_rate_by_assignee", "assignee_id"),
                    mart("mart_next_reply_breach_rate_by_team", "team_id"),
                ),
                "A breach is credited to whoever owned the conversation when the threshold ran out, "
                "not to whoever replied; labels show the breach rate and the waits held to a target.",
                "No next-reply wait breached its target, so no owner is credited with a breach.",
            ),
        )
    )


def business_hours_section(sla: dict, by_priority: list[dict]) -> str:
    title = "Calendar vs business-hours breach rate"
    if not sla["business_hours_conversations"]:
        empty = "No business-hours schedule is configured, so every clock in this report is calendar time."
        return section("business-hours", title, None, empty=empty)
    note = (
        f"The same thresholds counted in calendar minutes ({sla['calendar_breach_rate_pct']:.1f}% breached) "
        f"and in office-hours minutes ({sla['business_hours_breach_rate_pct']:.1f}% breached, "
        f"{sla['business_hours_conversations']} conversations with a schedule)."
    )
    return section("business-hours", title, clock_comparison_chart(by_priority), note)


def data_quality_section(counts: dict[str, int]) -> str:
    """Conversations the marts leave out or hold doubtful figures for, counted per issue."""
    rows = "".join(f"<tr><td>{html.escape(ISSUES[issue])}</td><td>{count}</td></tr>" for issue, count in counts.items())
    return (
        '<section data-table="data-quality"><h2>Data quality</h2>'
        f"<table><tr><th>conversations</th><th>count</th></tr>{rows}</table>"
        "<p>Each is listed in mart_conversation_data_quality.</p></section>"
    )


def render(con: duckdb.DuckDBPyConnection, schema: str) -> str:
    def mart(name: str, order_by: str) -> list[dict]:
        return escaped_records(con, f"select * from {schema}.{name} order by {order_by}")

    [sla] = mart("mart_first_response_summary", "1")
    [resolution] = mart("mart_resolution_summary", "1")

    def shown(value: float | None, template: str, scale: float = 1.0) -> str:
        """A tile's figure, or n/a where the data has none (nothing answered or resolved yet)."""
        return "n/a" if value is None else template.format(value * scale)

    tiles = "".join(
        (
            tile(sla["total_conversations"], "conversations in first-response scope"),
            tile(
                shown(sla["breach_rate_pct"], "{:.1f}%"),
                f"first-response breach rate ({sla['total_breaches']} breaches)",
            ),
            tile(shown(sla["median_response_minutes"], "{:.0f} min"), "median first response"),
            tile(resolution["total_closed"], "conversations resolved"),
            tile(shown(resolution["median_hours"], "{:.1f} h"), "median resolution"),
            tile(shown(resolution["within_24h_share"], "{:.1f}%", 100), "resolved within 24 h"),
        )
    )
    sections = "\n".join(
        (
            section(
                "breach-by-priority",
                "First-response breach rate by priority",
                by_priority_chart(mart("mart_first_response_breach_rate_by_priority", "priority")),
                empty=NOT_IN_SCOPE,
            ),
            section(
                "breach-by-assignee",
                "Breach rate by assignee, with volumes",
                by_assignee_chart(mart("mart_first_response_breach_rate_by_assignee", "breach_rate_rank")),
                "Bars show the breach rate; labels show breaches / conversations. "
                "Unassigned conversations are not ranked.",
                "No conversation in first-response scope is assigned, so there is no assignee to rank.",
            ),
            section(
                "breach-by-week",
                "Weekly breach-rate trend",
                weekly_chart(mart("mart_first_response_breach_rate_by_week", "week_start")),
                empty=NOT_IN_SCOPE,
            ),
            section(
                "response-distribution",
                "First-response times against each threshold",
                distribution_chart(mart("mart_first_response_time_distribution", "priority, bucket_order")),
                "Green buckets end within the priority's threshold, red ones beyond it.",
                "No conversation has a first response yet, so there are no response times to draw.",
            ),
            section(
                "resolution-daily",
                "Resolution time: daily median and trailing 7-day median",
                resolution_daily_chart(mart("mart_resolution_daily", "resolved_date")),
                empty="No conversation is resolved in this data, so there is no resolution time to draw.",
            ),
            section(
                "breach-by-tag",
                "Breach rate by tag",
                by_tag_chart(tag_rows(con, schema)),
                f"The {TAG_CHART_LIMIT} most used tags; any others are pooled in one row at the bottom. "
                "A conversation counts under each of its tags.",
                NOT_IN_SCOPE,
            ),
            next_reply_sections(mart),
            business_hours_section(sla, mart("mart_first_response_breach_rate_by_priority", "priority")),
            data_quality_section(issue_counts(con, schema)),
        )
    )
    as_of = sla["data_as_of"].isoformat() if sla["data_as_of"] else "n/a"
    return PAGE.format(
        title="First-response SLA and resolution review",
        as_of=html.escape(as_of),
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        tiles=tiles,
        sections=sections,
        plotly_js=get_plotlyjs(),
    )


def write_review_pack(db: Path, out: Path) -> str:
    """Write the review pack of the marts in `db` to the HTML file `out`; the line to print."""
    try:
        with connect_read_only(db) as con:
            require_marts(con, db, "main")
            page = render(con, "main")
    except (duckdb.Error, LookupError, ValueError) as error:
        raise unreadable_database(db, error) from None
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(out, lambda path: path.write_text(page, encoding="utf-8"))
    except OSError as error:
        raise UserError(f"{out}: {error.strerror or error}; nothing written") from None
    return f"wrote {out} ({len(page) // 1024} KiB, opens offline)"
