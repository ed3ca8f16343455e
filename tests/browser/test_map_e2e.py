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
from browser_support import (
    CHROMIUM,
    FLAGS,
    free_port,
    is_local,
    start_app,
    stop,
    wait_healthy,
    wait_settled,
)

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


_OPEN: list = []  # pages of the running test, closed after it (a live page keeps using CPU)


@pytest.fixture(autouse=True)
def _close_pages():
    yield
    while _OPEN:
        _OPEN.pop().close()


def _page(browser, remote: list[str]):
    page = browser.new_page(viewport={"width": 1400, "height": 950})
    _OPEN.append(page)

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

    # layers drawn: SVG paths (basemap + areas + axis); the plan's 核 layout alone at first
    n_paths = frame.locator(".leaflet-overlay-pane path").count()
    assert n_paths > 20
    assert frame.locator(".atlas-icon").count() == 0  # parks and port are off at first
    assert frame.evaluate("window.map.atlas.visible()") == ["layout:一核两翼一轴"]
    frame.locator('.atlas-layers input[value="park"]').check()
    frame.locator('.atlas-layers input[value="port"]').check()
    frame.wait_for_function("document.querySelectorAll('.atlas-icon').length === 3")
    assert "港" in frame.locator(".atlas-icon").all_inner_texts()
    legend = frame.locator(".atlas-legend").inner_text()
    assert "核心/中心" in legend and "发展轴" in legend and "示意" in legend
    assert frame.locator(".leaflet-control-minimap").count() == 1
    assert frame.locator(".leaflet-control-zoom-fullscreen").count() == 1

    # the screenshot: not blank, planning colours present, loosely like the baseline
    shot = page.screenshot()
    (tmp_path / "map.png").write_bytes(shot)
    assert _colour_share(shot, (124, 58, 237), 60) > 0.0003  # axis violet
    assert _colour_share(shot, (207, 227, 243), 25) > 0.003  # offline sea (under the legend)
    _compare_with_baseline(shot)

    # toggle the port layer off in the map: the 港 icon disappears at once (no rerun: the
    # same Leaflet map object), the URL remembers it
    frame.evaluate("window.__same_map = window.map")
    frame.locator('.atlas-layers input[value="port"]').uncheck()
    frame.wait_for_function("document.querySelectorAll('.atlas-icon').length === 2")
    assert "港" not in frame.locator(".atlas-icon").all_inner_texts()
    assert frame.evaluate("window.__same_map === window.map")
    page.wait_for_function("location.search.indexOf('layers=') >= 0")
    assert "layers=layout" in page.url and "park" in page.url and "port" not in page.url

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

    assert BASELINE.exists(), f"baseline {BASELINE} missing: save a reviewed screenshot there"
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
    frame.evaluate("void window.map.setView([40.95, 121.2], 10)")
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
    frame.evaluate("void map_div.setView([41.0, 121.3], 10, {animate: false})")
    frame.wait_for_function("Math.abs(map_div2.getCenter().lat - 41.0) < 0.01")
    assert frame.evaluate("map_div2.getZoom()") == 10
    assert remote == [], f"requests to remote hosts: {remote}"


# --------------------------------------------------------------------------- issue 15 items


def _boxes_overlap(a, b) -> bool:
    return a[0] < b[2] and a[2] > b[0] and a[1] < b[3] and a[3] > b[1]


def test_layout_picker_toggles_client_side_fast(server, browser):
    remote: list[str] = []
    page = _page(browser, remote)
    page.goto(f"{server}/?plan=fixture-city")
    frame = _map_frame(page)
    frame.evaluate("window.__same_map = window.map")
    radios = frame.eval_on_selector_all('input[name="atlas-layout"]', "e => e.map(x => x.value)")
    assert radios == ["layout:一核两翼一轴", "__all", "__none"]
    ms = frame.evaluate(
        """() => new Promise(done => { const t0 = performance.now();
        document.querySelector('input[value="park"]').click();
        requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - t0)));
        })"""
    )
    assert frame.locator(".atlas-icon").count() == 2
    assert ms < 500  # the bench's target is 150 ms; generous on a shared test machine
    frame.locator('input[value="__none"]').check()
    assert frame.evaluate("window.map.atlas.visible()") == ["park"]
    frame.locator('input[value="layout:一核两翼一轴"]').check()
    assert frame.evaluate("window.map.atlas.visible()") == ["layout:一核两翼一轴", "park"]
    assert frame.evaluate("window.__same_map === window.map")  # never rebuilt
    assert remote == []


def test_labels_stay_attached_and_never_overlap_at_any_zoom(server, browser):
    remote: list[str] = []
    page = _page(browser, remote)
    page.goto(f"{server}/?plan=fixture-city")
    frame = _map_frame(page)
    frame.evaluate("window.map.atlas.layout('__all')")
    for key in ("park", "port"):
        frame.evaluate(f"window.map.atlas.show('{key}', true)")
    first = frame.evaluate("window.map.atlas.labels()")[0]  # a layout label's anchor
    for zoom in (7, 8, 9, 10, 11, 12):
        frame.evaluate(
            f"void window.map.setView([{first['lat']}, {first['lng']}], {zoom}, {{animate: false}})"
        )
        frame.wait_for_timeout(150)
        labels = frame.evaluate("window.map.atlas.labels()")
        shown = [lab for lab in labels if lab["shown"]]
        assert shown, f"no label at zoom {zoom}"
        for i, a in enumerate(shown):
            for b in shown[i + 1 :]:
                assert not _boxes_overlap(a["box"], b["box"]), (zoom, a["text"], b["text"])
        # attached: each shown label touches (or sits within 40 px of) its anchor point
        pts = frame.evaluate(
            "(ls) => { const r = window.map.getContainer().getBoundingClientRect();"
            " return ls.map(l => { const p = window.map.latLngToContainerPoint([l.lat, l.lng]);"
            " return [p.x + r.left, p.y + r.top]; }); }",
            shown,
        )
        for lab, (x, y) in zip(shown, pts, strict=True):
            x0, y0, x1, y1 = lab["box"]
            dx, dy = max(x0 - x, 0, x - x1), max(y0 - y, 0, y - y1)
            assert (dx * dx + dy * dy) ** 0.5 < 40, (zoom, lab["text"])
    assert remote == []


def test_legend_shows_classes_on_screen_and_keeps_precision(server, browser):
    remote: list[str] = []
    page = _page(browser, remote)
    page.goto(f"{server}/?plan=fixture-city")
    frame = _map_frame(page)

    def classes():
        return frame.eval_on_selector_all(".atlas-lg", "e => e.map(x => x.dataset.class)")

    first = classes()
    assert "核心/中心" in first and "园区" not in first
    frame.locator('.atlas-layers input[value="park"]').check()
    assert "园区" in classes()  # updates on a layer toggle
    frame.locator('.atlas-layers input[value="park"]').uncheck()
    assert "园区" not in classes()
    frame.evaluate("void window.map.setView([30.0, 110.0], 9, {animate: false})")  # nothing here
    frame.wait_for_timeout(200)
    assert classes() == []
    assert "视野内无规划要素" in frame.locator(".atlas-legend").inner_text()
    # collapsible; the 精度 rows stay visible and inside the map
    frame.locator(".atlas-lg-toggle").click()
    prec = frame.locator(".atlas-lg-prec")
    assert prec.is_visible() and "示意" in prec.inner_text()
    box, mbox = prec.bounding_box(), frame.locator("#map_div, .folium-map").first.bounding_box()
    assert box["y"] >= mbox["y"] and box["y"] + box["height"] <= mbox["y"] + mbox["height"]
    legend = frame.locator(".atlas-legend").bounding_box()
    assert legend["height"] <= mbox["height"] / 2 + 1  # sized to the map
    assert remote == []


def test_online_basemap_offline_falls_back_with_a_notice(server, browser):
    remote: list[str] = []
    page = _page(browser, remote)  # every tile request is aborted: as if offline
    page.goto(f"{server}/?plan=fixture-city&basemap=osm")
    frame = _map_frame(page)
    frame.wait_for_function("window.map.atlasOffline === true", timeout=15000)
    notice = frame.locator(".atlas-notice").inner_text()
    assert "需联网" in notice and "已改用离线矢量底图" in notice
    assert frame.locator("#map_div > .leaflet-map-pane .leaflet-tile-pane img").count() == 0
    assert "atlas-offline" in frame.locator("#map_div").get_attribute("class")
    assert all("openstreetmap" in u for u in remote)  # the tiles were tried, nothing else
    # the page's online basemap choices are greyed out (the chosen one stays selected)
    page.wait_for_function(
        "[...document.querySelectorAll('[data-testid=stSidebar] label')]"
        ".some(l => l.textContent.includes('高德') && l.getAttribute('aria-disabled') === 'true')"
    )


def test_popup_quote_has_no_markdown_and_reasons_are_chinese(server, browser):
    remote: list[str] = []
    page = _page(browser, remote)
    page.goto(f"{server}/?plan=fixture-city")
    frame = _map_frame(page)
    frame.evaluate("window.map.atlas.layout('__all')")
    texts = frame.evaluate(
        "() => { const out = []; window.map.eachLayer(l => { if (l.getPopup && l.getPopup())"
        " out.push(l.getPopup().getContent()); }); return out; }"
    )
    assert texts
    for t in texts:
        assert "**" not in t and "&gt; " not in t and "None" not in t and "nan" not in t
    assert remote == []


def test_layer_choice_in_the_map_is_kept_in_a_shared_link(server, browser):
    remote: list[str] = []
    page = _page(browser, remote)
    page.goto(f"{server}/?plan=fixture-city")
    frame = _map_frame(page)
    # the map reports its first view once painted, and the page reruns for it; a user picks
    # layers after that (a pick during that rerun can be overwritten in the URL: see the note)
    wait_settled(page)
    frame.locator('.atlas-layers input[value="__none"]').check()
    frame.locator('.atlas-layers input[value="port"]').check()
    layers = "new URLSearchParams(location.search).get('layers')"
    page.wait_for_function(f"{layers} === 'port'")  # at once, without a rerun
    # a rerun (here: a pan reported by the map) keeps the choice: the page reads it back
    frame.evaluate("void window.map.setView([40.95, 121.2], 10)")
    page.wait_for_function(
        "new URLSearchParams(location.search).get('zoom') === '10'", timeout=15000
    )
    page.wait_for_timeout(1000)
    assert page.evaluate(layers) == "port"
    shared = page.url
    other = _page(browser, remote)
    other.goto(shared)
    frame2 = _map_frame(other)
    assert frame2.evaluate("window.map.atlas.visible()") == ["port"]
    assert frame2.evaluate("window.map.getZoom()") == 10
    assert frame2.locator(".atlas-layers input[value='port']").is_checked()
    assert frame2.locator(".atlas-layers input[value='__none']").is_checked()
    assert remote == []
