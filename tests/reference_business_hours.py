"""A plain-Python reading of SPEC §6, written from the spec and not from the SQL: it walks the local
calendar day by day with zoneinfo, lays each opening interval on it, merges them, and sums the
overlap with a span. The property test compares fct_conversations' business minutes with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Opening:
    weekday: int  # ISO: 1 = Monday
    opens_at: str  # "HH:MM"
    closes_at: str  # "HH:MM", "24:00" allowed; not after opens_at means the next day


@dataclass(frozen=True)
class Schedule:
    name: str
    timezone: str
    openings: tuple[Opening, ...]
    holidays: frozenset[date]


def at_wall_clock(day: date, hh_mm: str, zone: ZoneInfo) -> datetime:
    """The UTC instant of a wall-clock time (hh_mm may be 24:00, or 24h+ for the next day)."""
    hours, minutes = (int(part) for part in hh_mm.split(":"))
    day = day + timedelta(days=hours // 24)
    return datetime.combine(day, time(hours % 24, minutes), zone).astimezone(UTC)


def open_intervals(schedule: Schedule, first: date, last: date) -> list[tuple[datetime, datetime]]:
    zone = ZoneInfo(schedule.timezone)
    intervals = []
    day = first
    while day <= last:
        if day not in schedule.holidays:
            for opening in schedule.openings:
                if opening.weekday != day.isoweekday():
                    continue
                opens = at_wall_clock(day, opening.opens_at, zone)
                closes_minutes = minutes_of(opening.closes_at)
                if closes_minutes <= minutes_of(opening.opens_at):
                    closes_minutes += 1440
                closes = at_wall_clock(day, f"{closes_minutes // 60}:{closes_minutes % 60:02d}", zone)
                intervals.append((opens, closes))
        day += timedelta(days=1)
    merged: list[tuple[datetime, datetime]] = []
    for opens, closes in sorted(intervals):
        if merged and opens <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], closes))
        else:
            merged.append((opens, closes))
    return merged


def minutes_of(hh_mm: str) -> int:
    hours, minutes = (int(part) for part in hh_mm.split(":"))
    return hours * 60 + minutes


def business_seconds(schedule: Schedule, start: datetime, end: datetime) -> float:
    """Seconds of [start, end) inside the schedule's open hours."""
    first = start.astimezone(UTC).date() - timedelta(days=3)
    last = end.astimezone(UTC).date() + timedelta(days=1)
    total = 0.0
    for opens, closes in open_intervals(schedule, first, last):
        overlap = (min(closes, end) - max(opens, start)).total_seconds()
        total += max(overlap, 0.0)
    return total
