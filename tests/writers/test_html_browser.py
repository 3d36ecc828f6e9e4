"""The HTML output in a real headless Chromium (Debian's ``chromium`` and ``chromium-driver``,
driven by selenium): no console error, a screenshot that is not blank, every chart drawn, the
findings filter working.

``.ci/run`` installs the browser; on a machine without it the test is skipped, except under CI,
where a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

from vqr_metrics.api import render, run
from vqr_metrics.config import load_config
from vqr_metrics.result import Result

ROOT = Path(__file__).parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,2000",
)


def _browser_missing() -> bool:
    missing = not (os.path.exists(CHROMIUM) and os.path.exists(DRIVER))
    if missing and os.environ.get("CI"):
        pytest.fail(f"CI needs {CHROMIUM} and {DRIVER} (apt-get install chromium chromium-driver)")
    return missing


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    if _browser_missing():
        pytest.skip("no chromium/chromedriver on this machine")
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(DRIVER))
    try:
        yield driver
    finally:
        driver.quit()


def _page(tmp_path: Path, config: str) -> tuple[Path, Result]:
    loaded = load_config(ROOT / "configs" / config)
    result = run(attrs.evolve(loaded, plugins=attrs.evolve(loaded.plugins, entry_points=False)))
    path = tmp_path / "report.html"
    path.write_text(str(render(result, "html")), encoding="utf-8")
    return path, result


def _png_pixels(data: bytes) -> tuple[int, int, int, list[bytes]]:
    """Width, height, bytes per pixel and unfiltered rows of an 8-bit RGB(A) PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    at, idat, width = 8, b"", 0
    height = channels = 0
    while at < len(data):
        (size,) = struct.unpack(">I", data[at : at + 4])
        kind, body = data[at + 4 : at + 8], data[at + 8 : at + 8 + size]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6)
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        at += 12 + size
    raw, stride, rows, previous = zlib.decompress(idat), width * channels, [], bytearray(width * channels)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up, corner = previous[i], previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        rows.append(bytes(line))
        previous = line
    return width, height, channels, rows


_CHARTS = """
return Array.from(document.querySelectorAll('svg.chart')).map(function (svg) {
  var box = svg.getBoundingClientRect(), marks = svg.querySelectorAll('rect.bar, polyline.line');
  var drawn = Array.from(marks).filter(function (m) {
    var b = m.getBBox(); return b.width > 0 || b.height > 0;
  });
  return {width: box.width, height: box.height, marks: marks.length, drawn: drawn.length,
          labels: Array.from(svg.querySelectorAll('text')).map(function (t) { return t.textContent; })};
});
"""


def test_the_html_report_renders_in_chromium(browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    path, result = _page(tmp_path, "national_index.toml")
    driver = browser
    driver.get(path.as_uri())
    errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []
    charts = driver.execute_script(_CHARTS)
    cards = result.to_records()["scorecards"]
    # a ranked bar chart per scorecard and year, and a trend where an entity has several years
    years = {(card["name"], r["year"]) for card in cards for r in card["results"]}
    assert len(charts) == len(years) + len(cards)
    for chart in charts:
        assert chart["width"] > 100 and chart["height"] > 40
        assert chart["marks"] > 0 and chart["drawn"] == chart["marks"], chart
    labels = {label for chart in charts for label in chart["labels"]}
    assert {"内蒙古自治区", "呼和浩特市", "2022", "2023"} <= labels
    score = next(r["score"] for r in cards[0]["results"] if r["entity"] == "呼和浩特市")
    assert f"{score:.2f}" in labels  # 68.06, the real seed score, printed by its bar

    # the findings filter hides what does not match, as the reader types
    rows = driver.find_elements(By.CSS_SELECTOR, "#findings tbody tr")
    assert len(rows) == sum(result.summary.findings.values())
    from selenium.webdriver.support.ui import Select

    Select(driver.find_element(By.ID, "finding-severity")).select_by_value("error")
    shown = [r for r in rows if r.is_displayed()]
    assert len(shown) == result.summary.findings["error"] == 14
    driver.find_element(By.ID, "finding-text").send_keys("96?")
    shown = [r.text for r in rows if r.is_displayed()]
    assert len(shown) == 1 and "unparsable_value" in shown[0]  # the seed's 生均校内实践教学工位数 '96?'

    width, height, channels, pixels = _png_pixels(driver.get_screenshot_as_png())
    assert width > 600 and height > 400
    painted = sum(
        1
        for row in pixels[::8]
        for x in range(0, width * channels, channels * 8)
        if row[x : x + 3] != b"\xff" * 3
    )
    assert painted > 0.02 * (width // 8) * (height // 8)  # text, table fills and bars, not a white page
    colours = {row[x : x + 3] for row in pixels[::8] for x in range(0, width * channels, channels * 8)}
    assert len(colours) > 5


def test_the_console_check_sees_a_script_error(browser: Any, tmp_path: Path) -> None:
    """The control: a page whose script fails is caught, so an empty log above means no error."""
    page = tmp_path / "broken.html"
    page.write_text("<!DOCTYPE html><title>x</title><script>missing_function()</script>", encoding="utf-8")
    driver = browser
    driver.get(page.as_uri())
    errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert len(errors) == 1 and "missing_function" in errors[0]["message"]
