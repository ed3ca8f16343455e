"""End-to-end test of the map page in headless Chromium with the network blocked.

A Streamlit server runs the app on the fixture atlas. Every request that does not go to
localhost is aborted and fails the test (the app must work on an intranet). The test opens the
map page, sees the layers drawn by Leaflet, toggles a layer off, clicks a feature, reads its
source quote in the popup and in the side panel, and compares a screenshot loosely with a
baseline (not blank, planning colours present, close to the baseline).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from app_fixture import fixture_atlas  # tests/ is on sys.path (tests/browser/conftest.py)
from browser_support import CHROMIUM, FLAGS, free_port, is_local, start_app, stop, wait_healthy

pytestmark = pytest.mark.browser

BASELINE = Path(__file__).parent / "baseline" / "map_fixture.png"

if not Path(CHROMIUM).exists():  # pragma: no cover - CI installs chromium
    pytest.fail("test environment: headless Chromium missing at /usr/bin/chromium", False)


@pytest.fixture(scope="module")
def server():
    port = free_port()
    proc = start_app(fixture_atlas(), port, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://localhost:{port}"
    if not wait_healthy(url, 30):
        proc.kill()
        pytest.fail("streamlit server did not start")
    yield url
    stop(proc)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


def _page(browser, remote: list[str]):
    page = browser.new_page(viewport={"width": 1400, "height": 950})

    def route(r):
        url = r.request.url
        if is_local(url):
            r.continue_()
        else:
            remote.append(url)
            r.abort()

    page.route("**/*", route)
    return page


def _map_frame(page):
    page.wait_for_selector('iframe[title="streamlit_folium.st_folium"]', timeout=30000)
    handle = page.query_selector('iframe[title="streamlit_folium.st_folium"]')
    frame = handle.content_frame()
    frame.wait_for_selector(".leaflet-overlay-pane path", timeout=30000)
    return frame


def _colour_share(png: bytes, rgb: tuple[int, int, int], tol: int = 40) -> float:
    import io

    import numpy as np
    from PIL import Image

    img = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    d = np.abs(img - np.array(rgb)).sum(axis=2)
    return float((d < tol).mean())


def test_map_page_offline(server, browser, tmp_path):
    remote: list[str] = []
    page = _page(browser, remote)
    page.goto(f"{server}/?plan=fixture-city")
    frame = _map_frame(page)

    # layers drawn: SVG paths (basemap + areas + axis) and the point icons
    n_paths = frame.locator(".leaflet-overlay-pane path").count()
    assert n_paths > 20
    icons = frame.locator(".atlas-icon")
    assert icons.count() == 3  # two parks and the port
    assert "港" in frame.locator(".atlas-icon").all_inner_texts()
    legend = frame.locator(".atlas-legend").inner_text()
    assert "核心/中心" in legend and "发展轴" in legend and "示意" in legend
    assert frame.locator(".leaflet-control-minimap").count() == 1
    assert frame.locator(".leaflet-control-zoom-fullscreen").count() == 1

    # the screenshot: not blank, planning colours present, loosely like the baseline
    shot = page.screenshot()
    (tmp_path / "map.png").write_bytes(shot)
    assert _colour_share(shot, (124, 58, 237), 60) > 0.0003  # axis violet
    assert _colour_share(shot, (207, 227, 243), 25) > 0.01  # offline sea
    _compare_with_baseline(shot)

    # toggle the port layer off: the 港 icon disappears, the URL remembers it
    page.get_by_text("港口（1）").click()
    page.wait_for_timeout(1500)
    frame = _map_frame(page)
    frame.wait_for_function("document.querySelectorAll('.atlas-icon').length === 2")
    assert "港" not in frame.locator(".atlas-icon").all_inner_texts()
    assert "layers=" in page.url

    # click a feature: the popup and the side panel show its verbatim source quote
    frame.locator(".atlas-icon", has_text="园").first.click()
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for(timeout=10000)
    text = popup.inner_text()
    assert "来源：fixture-city" in text and "在规划文本中查看" in text
    quote = "做强锦州高新技术产业开发区，打造光伏和半导体产业集群。"
    hostile = '建设测试园<img src=x onerror="alert(2)">，打造示范基地。'
    assert quote in text or hostile in text  # escaped: shown as text, not run
    expected = quote if quote in text else hostile
    page.get_by_text(expected).first.wait_for(timeout=15000)  # side panel after the rerun
    assert "feature=" in page.url
    assert remote == [], f"requests to remote hosts: {remote}"


def test_reader_opens_at_line_offline(server, browser):
    remote: list[str] = []
    page = _page(browser, remote)
    page.goto(f"{server}/reader?plan=fixture-city&line=10")
    target = page.locator("#L10")
    target.wait_for(timeout=30000)
    assert "推进锦州港扩能改造" in target.inner_text()
    assert "tgt" in (target.get_attribute("class") or "")
    assert page.locator("#L11").inner_text().count("<img") == 1  # hostile text shown as text
    assert remote == [], f"requests to remote hosts: {remote}"


def _compare_with_baseline(png: bytes) -> None:
    """Loose comparison: mean absolute difference of 64×48 greyscale thumbnails."""
    import io

    import numpy as np
    from PIL import Image

    def thumb(data: bytes):
        img = Image.open(io.BytesIO(data)).convert("L").resize((64, 48))
        return np.asarray(img, dtype=float)

    if not BASELINE.exists():
        BASELINE.write_bytes(png)
        return
    cur, base = thumb(png), thumb(BASELINE.read_bytes())
    assert cur.std() > 10, "screenshot is blank"
    diff = float(np.abs(cur - base).mean())
    assert diff < 25, f"screenshot differs from baseline (mean abs diff {diff:.1f})"


def test_shared_url_reproduces_the_view(server, browser):
    remote: list[str] = []
    page = _page(browser, remote)
    page.goto(f"{server}/?plan=fixture-city&layers=port&zoom=11&center=40.90000,121.10000")
    frame = _map_frame(page)
    frame.wait_for_function("window.map && window.map.getZoom() === 11")
    lat, lng = frame.evaluate("[window.map.getCenter().lat, window.map.getCenter().lng]")
    assert abs(lat - 40.9) < 0.01 and abs(lng - 121.1) < 0.01
    assert frame.locator(".atlas-icon").all_inner_texts() == ["港"]  # only the port layer
    # panning is written back to the URL (centre and zoom), so the link can be shared
    frame.evaluate("window.map.setView([40.95, 121.2], 10)")
    page.wait_for_function(
        "(() => { const q = new URLSearchParams(location.search);"
        " const c = (q.get('center') || '0,0').split(',').map(Number);"
        " return q.get('zoom') === '10' && Math.abs(c[0] - 40.95) < 0.01; })()",
        timeout=15000,
    )
    from urllib.parse import parse_qs, urlparse

    q = parse_qs(urlparse(page.url).query)
    clat, clng = (float(v) for v in q["center"][0].split(","))
    assert abs(clat - 40.95) < 0.01 and abs(clng - 121.2) < 0.01 and q["layers"] == ["port"]
    assert remote == [], f"requests to remote hosts: {remote}"


def test_compare_maps_are_synchronised(server, browser):
    remote: list[str] = []
    page = _page(browser, remote)
    page.goto(f"{server}/compare?a=fixture-city&b=fixture-county")
    page.wait_for_selector('iframe[title="streamlit_folium.st_folium"]', timeout=30000)
    frame = page.query_selector('iframe[title="streamlit_folium.st_folium"]').content_frame()
    frame.wait_for_selector("#map_div .leaflet-overlay-pane path", timeout=30000)
    frame.wait_for_selector("#map_div2 .leaflet-overlay-pane path", timeout=30000)
    left = frame.locator("#map_div .atlas-icon").all_inner_texts()
    assert sorted(left) == ["园", "园", "港"]  # left: the city plan's parks and port
    assert frame.locator("#map_div2 .atlas-icon").count() == 0  # the county plan has none
    assert "沿海经济带" in frame.locator("#map_div2").inner_html()  # its belt's label
    frame.evaluate("map_div.setView([41.0, 121.3], 10, {animate: false})")
    frame.wait_for_function("Math.abs(map_div2.getCenter().lat - 41.0) < 0.01")
    assert frame.evaluate("map_div2.getZoom()") == 10
    assert remote == [], f"requests to remote hosts: {remote}"
