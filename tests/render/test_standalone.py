"""Standalone web map: one HTML file with inlined assets that draws offline from file://."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import render_fixture as rf
from app_fixture import real_atlas
from browser_support import CHROMIUM, FLAGS

from atlas.cli import main
from atlas.errors import InputError
from atlas.render import mapdata
from atlas.render.web import standalone


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    html = standalone.standalone_html(rf.frames(), title="锦州市 <测试>")
    return standalone.write_atomic(html, tmp_path_factory.mktemp("web") / "jz.html")


def test_assets_inlined_no_remote_reference(page):
    html = page.read_text(encoding="utf-8")
    assert standalone.remote_refs(html) == []
    assert standalone.PLACEHOLDER not in html
    assert "L.map(" in html or "L.map (" in html  # folium's map script
    assert "Leaflet" in html and ".leaflet-container" in html  # leaflet.js and css inline
    assert "url(data:image/png;base64," in html  # leaflet's layer icons as data URIs
    assert "<title>锦州市 &lt;测试&gt;</title>" in html
    assert "锦州港" in html
    assert oct(os.stat(page).st_mode & 0o777) == "0o644"


def test_inline_rejects_missing_asset():
    bad = f'<script src="{standalone.PLACEHOLDER}/nope/x.js"></script>'
    with pytest.raises(InputError, match="missing"):
        standalone.inline_assets(bad)


def test_bad_extension(tmp_path):
    with pytest.raises(InputError, match="html"):
        standalone.write_atomic("x", tmp_path / "m.htm5")
    assert not list(tmp_path.iterdir())


def test_cli_webmap(tmp_path, monkeypatch):
    monkeypatch.setattr(mapdata, "load_frames", lambda plan_id, build: rf.frames())
    monkeypatch.setattr(mapdata, "plan_meta", lambda plan_id, build=None: rf.META)
    out = tmp_path / "sub" / "m.html"
    assert main(["webmap", "--plan", rf.PLAN, "--out", str(out)]) == 0
    assert out.stat().st_size > 100_000
    assert main(["webmap", "--plan", "nope-2000", "--out", str(tmp_path / "x.png")]) == 2


@pytest.mark.browser
def test_offline_browser_shows_layers(page):
    if not Path(CHROMIUM).exists():  # a test-environment error, not a skip (issue 18)
        pytest.fail(f"test environment: headless Chromium missing at {CHROMIUM}", False)
    from playwright.sync_api import sync_playwright

    blocked: list[str] = []
    errors: list[str] = []

    def route(r):
        url = r.request.url
        if url.startswith(("file:", "data:", "blob:", "about:")):
            r.continue_()
        else:
            blocked.append(url)
            r.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            tab = browser.new_page(viewport={"width": 1000, "height": 700})
            tab.route("**/*", route)
            tab.on("pageerror", lambda e: errors.append(str(e)))
            tab.goto(page.as_uri())
            tab.wait_for_selector("path.leaflet-interactive", timeout=15_000)
            n_paths = tab.locator("path.leaflet-interactive").count()
            text = tab.inner_text("body")
        finally:
            browser.close()
    assert blocked == []
    assert errors == []
    assert n_paths >= 10  # core, belt, axes, zones, wings, river (+ offline basemap)
    assert "锦州港" in text or "发展轴" in text  # labels / legend drawn


def test_real_build_webmap(tmp_path):
    build = real_atlas().parent  # the seed atlas, built once per test process
    out = standalone.webmap("linghai-2021", tmp_path / "lh.html", build=build)
    html = out.read_text(encoding="utf-8")
    assert standalone.remote_refs(html) == []
    assert "凌海市" in html
