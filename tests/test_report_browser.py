"""The HTML review pack in a real headless Chromium: no console errors, every chart drawn, a screenshot.

Chromium and ChromeDriver are Debian's (scripts/install_browser.sh, run by `make test`). Without them
the test skips with its reason, except under CI=true, where a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, intercom_sla, load, run_dbt
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.ui import WebDriverWait

if not (shutil.which("chromium") and shutil.which("chromedriver")) and os.environ.get("CI") != "true":
    pytestmark = pytest.mark.skip(reason="no Chromium and ChromeDriver here (apt-get install chromium chromium-driver)")

CHARTS = (
    "breach-by-priority",
    "breach-by-assignee",
    "breach-by-week",
    "response-distribution",
    "resolution-daily",
    "breach-by-tag",
    "next-reply-by-week",
    "next-reply-owners",
    "business-hours",
)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("report")
    db = work / "intercom.duckdb"
    export = work / "messages.csv"
    assert intercom_sla("sample", "--out", export, "--conversations", "600").returncode == 0
    assert load(db, export, FIXTURES / "seed_example.csv", FIXTURES / "hostile_text.csv").returncode == 0
    build = run_dbt(
        "build", "--exclude-resource-type", "test", "--exclude-resource-type", "unit_test",
        "--vars", "{business_hours_comparison_schedule: us_office}",
        db=db, work=work,
    )  # fmt: skip
    assert build.returncode == 0, build.stdout[-2000:]
    rendered = intercom_sla("report", "--db", db, "--out", work, "--format", "html")
    assert rendered.returncode == 0, rendered.stderr
    return work / "sla_review.html"


@pytest.fixture(scope="module")
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,2400",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))
    yield driver
    driver.quit()


def test_report_renders_every_chart_without_console_errors(report: Path, browser, tmp_path: Path) -> None:
    browser.get(report.as_uri())
    WebDriverWait(browser, 30).until(
        lambda driver: all(
            driver.execute_script(f"return document.querySelectorAll('#{chart} .main-svg').length") > 0
            for chart in CHARTS
        )
    )
    for chart in CHARTS:
        drawn = browser.execute_script(
            f"return document.querySelectorAll('#{chart} .main-svg .trace, #{chart} .main-svg .point').length"
        )
        assert drawn > 0, f"chart {chart} has no drawn traces"
    errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert not errors, errors
    screenshot = tmp_path / "sla_review.png"
    assert browser.save_screenshot(str(screenshot)) and screenshot.stat().st_size > 10_000


def test_text_from_the_data_is_escaped(report: Path, browser) -> None:
    """tests/fixtures/hostile_text.csv carries markup in a tag, a priority and an assignee id."""
    page = report.read_text(encoding="utf-8")
    for raw in ("</script><img", "<img src=x", "<b>P9</b>", "<i onmouseover"):
        assert raw not in page, raw
    browser.get(report.as_uri())
    WebDriverWait(browser, 30).until(
        lambda driver: driver.execute_script("return document.querySelectorAll('#breach-by-tag .main-svg').length") > 0
    )
    assert browser.execute_script("return document.querySelectorAll('img, i, b').length") == 0

    # shown literally in the charts instead of being read as plotly's label markup
    def chart_text(chart: str) -> str:
        return browser.execute_script(f"return document.querySelector('#{chart}').textContent")

    assert "<b>P9</b>" in chart_text("breach-by-priority")
    assert "<i onmouseover=alert(2)>agent</i>" in chart_text("breach-by-assignee")
    assert "onerror=alert(1)" in chart_text("breach-by-tag")
