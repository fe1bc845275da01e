"""Property test for SPEC §6: random office-hours schedules (several time zones, DST changes, overnight
and overlapping intervals, holidays) and random spans go through the real loader and dbt; the business
minutes in fct_conversations must equal tests/reference_business_hours.py's day-by-day calculation.

Spans fall around the 2026 DST changes of New York (8 March), Europe (29 March) and Sydney (5 April).
Opening times avoid 01:00 to 03:30 local, where a DST change makes a wall-clock time skipped or repeated
and the answer is a convention (documented in seeds/_seeds.yml), not arithmetic.
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
from conftest import load, query, run_dbt
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from reference_business_hours import Opening, Schedule, business_seconds

TIMEZONES = ["America/New_York", "Europe/London", "Europe/Berlin", "Australia/Sydney", "Asia/Kolkata", "UTC"]
FIRST_DAY = datetime(2026, 3, 1, tzinfo=UTC)
DAYS = 40
CLOCK_TIMES = [f"{hour:02d}:{minute:02d}" for hour in [0, *range(4, 24)] for minute in (0, 15, 30, 45)] + ["03:30"]
CLOSING_TIMES = [*CLOCK_TIMES, "24:00"]
POLICIES = {"pa": ("schedule_a", 60.0), "pb": ("schedule_b", 240.0), "normal": (None, 15.0)}


@st.composite
def schedules(draw: st.DrawFn, name: str) -> Schedule:
    openings = draw(
        st.lists(
            st.builds(Opening, st.integers(1, 7), st.sampled_from(CLOCK_TIMES), st.sampled_from(CLOSING_TIMES)),
            min_size=1,
            max_size=8,
        )
    )
    holidays = draw(st.frozensets(st.integers(0, DAYS).map(lambda offset: FIRST_DAY.date() + timedelta(offset))))
    return Schedule(name, draw(st.sampled_from(TIMEZONES)), tuple(openings), holidays)


@st.composite
def spans(draw: st.DrawFn) -> tuple[str, datetime, datetime, datetime | None]:
    start = FIRST_DAY + timedelta(minutes=draw(st.integers(0, DAYS * 1440)))
    reply = start + timedelta(minutes=draw(st.integers(1, 9 * 1440)), seconds=draw(st.sampled_from([0, 30])))
    close = draw(st.none() | st.integers(0, 5 * 1440).map(lambda minutes: reply + timedelta(minutes=minutes)))
    return draw(st.sampled_from(sorted(POLICIES))), start, reply, close


def write_messages(path: Path, conversations: list[tuple[str, datetime, datetime, datetime | None]]) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["conversation_id", "message_id", "sender_type", "part_type", "created_at", "priority"])
        for number, (priority, start, reply, close) in enumerate(conversations):
            writer.writerow([f"c{number}", f"c{number}-1", "user", "comment", start.isoformat(), priority])
            writer.writerow([f"c{number}", f"c{number}-2", "admin", "comment", reply.isoformat(), ""])
            if close:
                writer.writerow([f"c{number}", f"c{number}-3", "admin", "close", close.isoformat(), ""])


def replace_seeds(db: Path, schedule_list: list[Schedule]) -> None:
    """Swap the seeded office hours and policies for the drawn ones, as a team editing the seeds would."""
    hours = [
        (schedule.name, schedule.timezone, opening.weekday, opening.opens_at, opening.closes_at)
        for schedule in schedule_list
        for opening in schedule.openings
    ]
    holidays = [(schedule.name, day, "drawn") for schedule in schedule_list for day in sorted(schedule.holidays)]
    policies = [
        (priority, minutes, 2 * minutes, 1440.0, schedule) for priority, (schedule, minutes) in POLICIES.items()
    ]
    with duckdb.connect(str(db)) as con:
        con.execute("delete from main.business_hours")
        con.executemany("insert into main.business_hours values (?, ?, ?, ?, ?)", hours)
        con.execute("delete from main.holidays")
        if holidays:
            con.executemany("insert into main.holidays values (?, ?, ?)", holidays)
        con.execute("delete from main.priority_aliases")  # its rows name policies the drawn table lacks
        con.execute("delete from main.sla_policies")
        con.executemany(
            "insert into main.sla_policies (priority, first_response_minutes, next_response_minutes,"
            " resolution_minutes, schedule) values (?, ?, ?, ?, ?)",
            policies,
        )


@settings(
    max_examples=3,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
@given(
    schedule_a=schedules("schedule_a"),
    schedule_b=schedules("schedule_b"),
    conversations=st.lists(spans(), min_size=30, max_size=60),
)
def test_business_minutes_match_a_day_by_day_calculation(
    tmp_path_factory, schedule_a: Schedule, schedule_b: Schedule, conversations: list
) -> None:
    work = tmp_path_factory.mktemp("business_hours")
    db = work / "bh.duckdb"
    write_messages(work / "messages.csv", conversations)
    assert load(db, work / "messages.csv").returncode == 0
    assert run_dbt("seed", db=db, work=work).returncode == 0
    replace_seeds(db, [schedule_a, schedule_b])
    # normal runs on calendar time; schedule_a gives it business figures for comparison
    run = run_dbt(
        "build", "--exclude-resource-type", "unit_test", "seed",
        "--vars", "{business_hours_comparison_schedule: schedule_a}",
        db=db, work=work,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-4000:]

    by_name = {"schedule_a": schedule_a, "schedule_b": schedule_b}
    rows = query(
        db,
        "select conversation_id, business_schedule, sla_clock, response_business_minutes,"
        " resolution_business_seconds, open_business_seconds, business_hours_sla_status, sla_status"
        " from main.fct_conversations order by conversation_id",
    )
    assert len(rows) == len(conversations)
    for conversation_id, schedule_name, clock, response, resolution, open_seconds, business_status, status in rows:
        priority, start, reply, close = conversations[int(conversation_id[1:])]
        policy_schedule, threshold = POLICIES[priority]
        schedule = by_name[policy_schedule or "schedule_a"]
        assert schedule_name == schedule.name
        assert clock == ("business_hours" if policy_schedule else "calendar")
        expected_response = business_seconds(schedule, start, reply)
        assert abs(response * 60 - expected_response) < 1e-6, (conversation_id, schedule, start, reply)
        assert business_status == ("met" if expected_response <= threshold * 60 else "breached")
        if policy_schedule:
            assert status == business_status
        if close is None:
            assert resolution is None
        else:
            expected_resolution = business_seconds(schedule, start, close)
            assert abs(resolution - expected_resolution) < 1e-6, (conversation_id, schedule, start, close)
            assert abs(open_seconds - expected_resolution) < 1e-6

    # SPEC §7 in office hours: each conversation's one wait, and the moment its threshold elapsed
    waits = query(
        db,
        "select conversation_id, wait_business_seconds, status, breach_at from main.fct_customer_waits"
        " where sla_clock = 'business_hours' order by conversation_id",
    )
    assert len(waits) == sum(1 for priority, *_ in conversations if POLICIES[priority][0])
    for conversation_id, waited, status, breach_at in waits:
        priority, start, reply, _ = conversations[int(conversation_id[1:])]
        policy_schedule, threshold = POLICIES[priority]
        schedule = by_name[policy_schedule]
        assert abs(waited - business_seconds(schedule, start, reply)) < 1e-6, (conversation_id, start, reply)
        if status == "breached":
            elapsed = business_seconds(schedule, start, breach_at)
            assert abs(elapsed - threshold * 60) < 1e-3, (conversation_id, start, breach_at)
            assert business_seconds(schedule, breach_at, reply) > 0 or breach_at == reply
