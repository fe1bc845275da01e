"""compare_marts.py decides whether two engines agree: exact for counts, text and timestamps, 1e-6 for
floats, JSON compared parsed. These checks pin that it can tell a real difference from float noise."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import duckdb
from compare_marts import (
    DECIMALS,
    Column,
    normalised,
    rounded,
    same,
    sort_key,
    split_by_surplus,
    surplus_rows_sql,
)


def test_float_noise_within_a_millionth_is_the_same_number() -> None:
    assert same(47.0, 46.99999999999999)
    assert same(normalised(Decimal("14400.000000")), 14400.0)
    assert not same(47.0, 47.001)
    assert not same(0.0, 0.01)


def test_two_values_rounding_a_unit_apart_on_the_engines_are_the_same_number() -> None:
    # 0.0135455 with noise either side of the half: 0.013546 on one engine, 0.013545 on the other
    assert same(round(0.01354550000001, DECIMALS), round(0.01354549999999, DECIMALS))
    assert not same(0.013546, 0.013543)


def test_counts_text_booleans_and_timestamps_must_be_equal() -> None:
    assert not same(3, 4)
    assert not same("met", "breached")
    assert not same(True, 1)
    moment = datetime(2026, 3, 2, 14, tzinfo=UTC)
    assert same(moment, moment)
    assert not same(moment, datetime(2026, 3, 2, 14, 0, 1, tzinfo=UTC))
    assert same(None, None) and not same(None, 0)


def test_json_text_is_compared_parsed_whatever_its_spacing() -> None:
    duckdb_text = '[{"assignee_id":"a1","breach_rate_pct":100.0}]'
    postgres_text = '[{"assignee_id" : "a1", "breach_rate_pct" : 100}]'
    assert same(normalised(duckdb_text), normalised(postgres_text))
    assert not same(normalised('{"P1":1}'), normalised('{"P1" : 2}'))
    assert not same(normalised('{"P1":1}'), normalised('{"P2":1}'))


def test_rows_sort_the_same_on_both_sides_despite_float_noise() -> None:
    duckdb_rows = [("b", 1.0), ("a", 0.30000000000000004)]
    postgres_rows = [("a", 0.3), ("b", 0.9999999999999999)]
    assert [row[0] for row in sorted(duckdb_rows, key=sort_key)] == ["a", "b"]
    assert [row[0] for row in sorted(postgres_rows, key=sort_key)] == ["a", "b"]


def test_float_noise_is_rounded_away_on_the_engine_and_a_real_difference_is_not() -> None:
    columns = [Column("label", is_float=False), Column("rate", is_float=True)]
    compared = ", ".join(rounded(columns, f"round({{}}, {DECIMALS})"))
    with duckdb.connect() as engine:
        engine.execute("create table left_side as select * from (values ('a', 0.3), ('b', 47.0)) as t(label, rate)")
        engine.execute(
            "create table right_side as select * from (values ('a', 0.30000000000000004), ('b', 46.99999999999999))"
            " as t(label, rate)"
        )
        assert (
            engine.execute(f"select {compared} from left_side except all select {compared} from right_side").fetchall()
            == []
        )
        engine.execute("update right_side set rate = 47.001 where label = 'b'")
        assert engine.execute(
            f"select {compared} from left_side except all select {compared} from right_side"
        ).fetchall() == [("b", 47.0)]


def test_one_grouped_pass_returns_each_row_as_often_as_one_side_has_it_more() -> None:
    columns = [Column("label", is_float=False), Column("rate", is_float=True)]
    compared = rounded(columns, f"round(cast({{}} as double precision) * 1e{DECIMALS}) / 1e{DECIMALS}")
    with duckdb.connect() as engine:
        engine.execute(
            "create table duckdb_side as select * from (values ('a', 0.3), ('b', 47.0), ('c', 1.5), ('c', 1.5))"
            " as t(label, rate)"
        )
        engine.execute(
            "create table engine_side as select * from (values ('a', 0.30000000000000004), ('b', 47.001), ('c', 1.5))"
            " as t(label, rate)"
        )
        surplus = engine.execute(surplus_rows_sql(compared, '"label", "rate"', "duckdb_side", "engine_side")).fetchall()
    only_duckdb, only_engine = split_by_surplus(surplus)
    assert sorted(only_duckdb) == [("b", 47.0), ("c", 1.5)]
    assert only_engine == [("b", 47.001)]
