"""The app server (issue 17): ``atlas serve`` listens on 127.0.0.1 by default, sends a CSP and
framing headers on every response, shows no error details, and can require a password.

A real server is started (``atlas serve`` in a subprocess) and asked over HTTP.
"""

from __future__ import annotations

import socket
import subprocess
import tomllib
import urllib.request
from pathlib import Path

import pytest
from app_fixture import app_test, fixture_atlas
from browser_support import free_port, start_app, stop, wait_healthy

from atlas.paths import ROOT
from atlas.serve import CSP, HEADERS


def _lan_address() -> str | None:
    """An address of this machine other than loopback, or None."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("192.0.2.1", 9))  # TEST-NET: nothing is sent
            addr = s.getsockname()[0]
    except OSError:
        return None
    return None if addr.startswith("127.") else addr


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = free_port()
    log = tmp_path_factory.mktemp("server") / "server.log"
    with log.open("w") as fh:
        proc = start_app(fixture_atlas(), port, stdout=fh, stderr=subprocess.STDOUT)
        try:
            assert wait_healthy(f"http://127.0.0.1:{port}", 90), log.read_text()
            yield port, log
        finally:
            stop(proc)


@pytest.mark.parametrize("path", ["/", "/_stcore/health", "/app/static/leaflet/leaflet.js"])
def test_every_response_has_the_security_headers(server, path):
    port, _ = server
    try:
        r = urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10)
        headers, status = r.headers, r.status
    except urllib.error.HTTPError as exc:  # a 404 must carry them too
        headers, status = exc.headers, exc.code
    assert status in (200, 404)
    for name, value in HEADERS.items():
        assert headers.get(name) == value, (path, name, headers.get(name))
    assert "frame-ancestors 'self'" in headers["Content-Security-Policy"]
    assert "default-src 'self'" in CSP and "http:" not in CSP.replace("https:", "")


def test_the_server_listens_on_loopback_only(server):
    port, _ = server
    lan = _lan_address()
    if lan is None:
        pytest.skip("this machine has no non-loopback address")
    with socket.socket() as s:
        s.settimeout(2)
        assert s.connect_ex((lan, port)) != 0  # refused: nothing listens on the LAN address


def test_serve_flags():
    from atlas.cli import build_parser

    p = build_parser()
    assert p.parse_args(["serve"]).lan is False
    assert p.parse_args(["serve", "--lan"]).lan is True


def test_config_hides_error_details_and_caps_uploads():
    cfg = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert cfg["client"]["showErrorDetails"] in ("none", False)
    assert cfg["server"]["address"] == "127.0.0.1"
    assert cfg["server"]["maxUploadSize"] == 5


# --------------------------------------------------------------------------- password gate


def test_password_gate_shows_only_the_login_page(monkeypatch):
    monkeypatch.setenv("ATLAS_PASSWORD", "s3cret-口令")
    at = app_test("map", fixture_atlas(), monkeypatch).run()
    assert not at.exception
    assert [h.value for h in at.header] == ["规划图集 · 登录"]
    at.text_input[0].input("wrong")
    at.button[0].click().run()
    assert [e.value for e in at.error] == ["密码不正确。"]
    assert [h.value for h in at.header] == ["规划图集 · 登录"]
    at.text_input[0].input("s3cret-口令")
    at.button[0].click().run()
    assert not at.exception and not at.error
    assert "地图" in "".join(h.value for h in at.header) or at.session_state["atlas_signed_in"]


def test_no_password_no_gate(monkeypatch):
    monkeypatch.delenv("ATLAS_PASSWORD", raising=False)
    at = app_test("export", fixture_atlas(), monkeypatch).run()
    assert not at.exception
    assert "规划图集 · 登录" not in [h.value for h in at.header]


def test_a_failing_page_shows_one_chinese_line_and_logs_the_traceback(monkeypatch, caplog):
    from pages import _gate

    monkeypatch.delenv("ATLAS_RAISE_ERRORS", raising=False)
    at = app_test("export", Path("/nonexistent/atlas.gpkg"), monkeypatch)
    monkeypatch.delenv("ATLAS_RAISE_ERRORS", raising=False)  # app_test sets it for page tests
    monkeypatch.setenv("ATLAS_GPKG", str(ROOT / "README.md"))  # not a GeoPackage: pages fail
    at.run()
    assert not at.exception
    assert _gate.PAGE_ERROR in [e.value for e in at.error]


@pytest.mark.browser
def test_csp_blocks_a_remote_image_in_chromium(server):
    """A second wall: even a missed escape cannot load ``http://example.com/…``."""
    from browser_support import CHROMIUM, FLAGS

    pw = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("headless Chromium not installed at /usr/bin/chromium")
    port, _ = server
    with pw.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page()
        console: list[str] = []
        page.on("console", lambda m: console.append(m.text))
        page.goto(f"http://127.0.0.1:{port}/", timeout=120_000)
        page.wait_for_selector('[data-testid="stHeading"]', timeout=120_000)
        loaded = page.evaluate(
            """() => new Promise(done => {
                const i = new Image();
                i.onload = () => done(true); i.onerror = () => done(false);
                i.src = 'http://example.com/z.png';
            })"""
        )
        browser.close()
    assert loaded is False
    assert any("Content Security Policy" in m and "example.com" in m for m in console), console
