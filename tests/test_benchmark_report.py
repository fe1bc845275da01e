"""The benchmark's growth table (the exponent k of seconds ~ conversations^k between two sizes, so that a
step growing faster than the data shows) and its runs with default settings (issue 29)."""

from __future__ import annotations

import pytest
from benchmark import DefaultRun, SizeResult, Step, default_memory_markdown, growth_exponent, growth_markdown


def sized(conversations: int, **seconds: float) -> SizeResult:
    return SizeResult(conversations, steps={name: Step(value, 100.0) for name, value in seconds.items()})


def test_a_linear_step_grows_with_exponent_one_and_a_quadratic_one_with_two() -> None:
    small, large = sized(1_000_000, load=10.0, waits=4.0), sized(5_000_000, load=50.0, waits=100.0)
    assert growth_exponent(small, large, "load") == pytest.approx(1.0)
    assert growth_exponent(small, large, "waits") == pytest.approx(2.0)
    assert growth_exponent(small, large, "not measured") is None


def test_the_growth_table_has_a_column_per_pair_of_consecutive_sizes_and_skips_unmeasured_steps() -> None:
    results = [sized(5_000_000, load=40.0), sized(100_000, load=1.0), sized(1_000_000, load=10.0)]
    table = growth_markdown(results, ["load", "pandas loop"])
    assert "| step | 100,000 -> 1,000,000 | 1,000,000 -> 5,000,000 |" in table
    assert "| load | 1.00 | 0.86 |" in table
    assert not any(line.startswith("| pandas loop") for line in table)
    assert growth_markdown(results[:1], ["load"]) == []


def test_a_default_run_is_under_4_gib_only_when_both_its_steps_are_and_a_failed_run_says_so() -> None:
    runs = [
        DefaultRun(Step(300.0, 3500.0), Step(90.0, 3900.0)),
        DefaultRun(Step(300.0, 3500.0), Step(90.0, 4100.0)),
        DefaultRun(Step(300.0, 3500.0), None, "Out of Memory Error: could not allocate block"),
    ]
    table = default_memory_markdown(5_000_000, runs)
    assert "| 1 | 300.0 | 3500 | 90.0 | 3900 | yes |" in table
    assert "| 2 | 300.0 | 3500 | 90.0 | 4100 | no |" in table
    assert "| 3 | 300.0 | 3500 | failed | - | failed: Out of Memory Error: could not allocate block |" in table
    assert default_memory_markdown(5_000_000, []) == []
