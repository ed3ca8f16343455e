"""Escaping (issue 7): plan text and YAML values are inert wherever they are shown as HTML.

A hostile plan goes through the real pipeline: its layout definitions name
``＜script＞alert(1)＜/script＞新城`` (full-width brackets become ``<script>`` when the text is
normalised, so *names* really carry tags), a park is named ``＜script＞…＜/script＞经济开发区``,
and quotes carry ``<img src=x onerror=alert(1)>``. A curated spec (YAML) adds a park named
``<script>alert(1)</script>测试园`` and renames a layout to ``<img src=x onerror=alert(7)>…``
(the layer-tree label). The outputs checked:

- the folium HTML of :func:`atlas.render.web.webmap.build_map` (popups, tooltips, layer control,
  legend), statically (no executable markup, escaped text present) and in headless Chromium
  (every popup and tooltip opened, the layer control expanded: ``alert`` never runs);
- the plan reader page and the map page's side panel (Streamlit AppTest);
- the unresolved list of the upload page;
- ``atlas webmap`` output, once that command has landed.
"""

from __future__ import annotations

import functools
import http.server
import threading
from html.parser import HTMLParser
from pathlib import Path

import pytest
from app_fixture import app_test

from atlas import paths, store
from atlas.build import build_atlas
from atlas.cli import main
from atlas.render.web import webmap

PLAN_ID = "evil-2021"
EVIL_PLAN = [
    "凌海市国民经济和社会发展第十四个五年规划纲要",  # 1
    "第一章 空间布局",  # 2
    "构建“一核两翼”的空间发展格局。",  # 3
    "一核：以＜script＞alert(1)＜/script＞新城为核心，建设金城街道中心城区。",  # 4
    "两翼：南翼为＜img src=x onerror=alert(3)＞滨海新区，北翼为北部生态区。",  # 5
    "第二章 产业园区",  # 6
    "做强＜script＞alert(1)＜/script＞经济开发区，打造精细化工产业集群。",  # 7
    "建设测试园<img src=x onerror=alert(1)>，打造示范基地。",  # 8
    "推进<script>alert(1)</script>大有港扩能改造，建设区域性港口。",  # 9
    "地区生产总值年均增长6%，2025年达到<b onmouseover=alert(5)>500</b>亿元。",  # 10
    "建设{{ 7*7 }}模板园{% if x %}。",  # 11
]
EVIL_SPEC = f"""plan_id: {PLAN_ID}
changes:
  - op: add
    layer: park
    role: park
    name: "<script>alert(1)</script>测试园"
    anchors: [金城街道]
    source_line: 8
    source_quote: "建设测试园<img src=x onerror=alert(1)>，打造示范基地。"
    reason: "<img src=x onerror=alert(4)>"
  - op: add
    layer: park
    role: park
    name: "{{{{ 7*7 }}}}模板园{{% if x %}}"
    anchors: [金城街道]
    source_line: 11
    source_quote: "建设{{{{ 7*7 }}}}模板园{{% if x %}}。"
    reason: template syntax in plan text must stay text
  - op: fix
    match: {{layout: 一核两翼}}
    layout: "<img src=x onerror=alert(7)>一核两翼"
    reason: a hostile layout name from YAML
"""
#: executable forms that must never appear in generated HTML
RAW = [
    "<script>alert(1)</script>",
    "alert(1)</script>",
    "<img src=x onerror=alert(",
    "<b onmouseover=alert(5)>",
    "<img src=x onerror=alert(7)>",
]
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture(scope="module")
def evil_build(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("evil")
    plan = root / f"{PLAN_ID}.txt"
    plan.write_text("\n".join(EVIL_PLAN) + "\n", encoding="utf-8")
    layers = root / "layers"
    layers.mkdir()
    (layers / f"{PLAN_ID}.yaml").write_text(EVIL_SPEC, encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(paths, "LAYERS", layers)
        build_atlas([plan], root / "build")
    return root / "build"


@pytest.fixture(scope="module")
def frames(evil_build):
    return store.read_layers(evil_build / "atlas.gpkg", PLAN_ID)


@pytest.fixture(scope="module")
def map_html(frames) -> str:
    return webmap.build_map(frames).get_root().render()


class Inspector(HTMLParser):
    """Collects what a browser would execute: tags, event attributes, script bodies."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.imgs: list[dict] = []
        self.handlers: list[tuple[str, str, str]] = []
        self.scripts: list[str] = []
        self._in_script = False
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "img":
            self.imgs.append(a)
        for k, v in attrs:
            if k.startswith("on"):
                self.handlers.append((tag, k, v or ""))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        (self.scripts if self._in_script else self.text).append(data)


def assert_inert(html: str, expect_escaped: bool = True) -> Inspector:
    for raw in RAW:
        assert raw not in html, raw
    p = Inspector()
    p.feed(html)
    assert not [i for i in p.imgs if i.get("src") == "x"]
    assert not [h for h in p.handlers if "alert" in h[2]]
    for body in p.scripts:
        assert not body.strip().startswith("alert("), body[:80]
    if expect_escaped:
        assert ESCAPED in html or ESCAPED.replace("&", "\\u0026") in html
    return p


# --------------------------------------------------------------------------- the pipeline


def test_hostile_names_really_reach_the_layers(frames):
    """The test is only meaningful if tags survive into names, quotes and layout labels."""
    names = {n for g in frames.values() for n in g["name"]}
    quotes = {q for g in frames.values() for q in g["source_quote"]}
    layouts = set(frames["layout"]["layout"])
    assert "<script>alert(1)</script>测试园" in names
    assert "<img src=x onerror=alert(3)>滨海新区" in names  # from the text, via ＜＞
    assert "<img src=x onerror=alert(7)>一核两翼" in layouts
    assert "建设测试园<img src=x onerror=alert(1)>，打造示范基地。" in quotes


def test_folium_map_html_is_inert(map_html):
    p = assert_inert(map_html)
    assert "&lt;img src=x onerror=alert(1)&gt;" in map_html or (
        "\\u0026lt;img src=x onerror=alert(1)\\u0026gt;" in map_html
    )
    assert p.scripts  # the map itself is scripted; only plan text must not be


def test_template_syntax_in_plan_text_is_not_evaluated(map_html, frames):
    """Jinja delimiters in names and quotes reach the page as text ({{ 7*7 }} is not 49)."""
    assert "{{ 7*7 }}模板园{% if x %}" in set(frames["park"]["name"])
    assert "{{ 7*7 }}模板园{% if x %}" in map_html
    assert "49模板园" not in map_html


def test_popup_builder_escapes_every_field(frames):
    hostile = 0
    for g in frames.values():
        for _, row in g.iterrows():
            pop = webmap.popup_html(row)
            assert_inert(pop, expect_escaped=False)
            fields = (row["name"], row["layout"], row["source_quote"], row["anchors"])
            if any("<" in str(v) for v in fields):
                hostile += 1
                assert "&lt;" in pop
    assert hostile >= 4


# --------------------------------------------------------------------------- in a browser


class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # quiet
        pass

    def translate_path(self, path):
        if path.startswith("/app/static/"):
            return str(paths.STATIC / path[len("/app/static/") :].split("?")[0])
        return super().translate_path(path)


@pytest.fixture(scope="module")
def served(tmp_path_factory, map_html):
    """The map HTML and the app's static assets over local HTTP."""
    root = tmp_path_factory.mktemp("served")
    (root / "map.html").write_text(map_html, encoding="utf-8")
    handler = functools.partial(_Handler, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", root
    httpd.shutdown()


OPEN_EVERYTHING = """() => {
  const maps = Object.values(window).filter(v => v instanceof L.Map);
  let popups = 0, tips = 0, texts = [];
  for (const m of maps) {  // every group is in the page; show them all first
    if (m.atlas) {
      m.atlas.layout('__all');
      document.querySelectorAll('.atlas-layers input[type=checkbox]').forEach(
        c => m.atlas.show(c.value, true));
    }
  }
  for (const m of maps) {
    m.eachLayer(l => {
      for (const ev of ['mouseover', 'click']) {
        try { l.fire(ev, {latlng: m.getCenter()}); } catch (e) {}
      }
      if (l.getPopup && l.getPopup()) {
        l.openPopup(); popups++;
        const el = l.getPopup().getElement(); if (el) texts.push(el.innerText);
      }
      if (l.getTooltip && l.getTooltip()) {
        l.openTooltip(); tips++;
        const el = l.getTooltip().getElement(); if (el) texts.push(el.innerText);
      }
    });
  }
  document.querySelectorAll('.leaflet-control-layers').forEach(
    c => c.classList.add('leaflet-control-layers-expanded'));
  return {maps: maps.length, popups, tips, texts};
}"""


def _open_in_chromium(url: str) -> tuple[dict, list, str]:
    try:
        from playwright import sync_api as pw
    except ImportError as e:
        pytest.fail(f"test environment: playwright is not installed ({e})", False)
    if not Path("/usr/bin/chromium").exists():
        pytest.fail("test environment: headless Chromium missing at /usr/bin/chromium", False)
    with pw.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page()
        page.add_init_script("window.__xss = []; window.alert = x => window.__xss.push(String(x));")
        page.route(  # no network beyond the local server
            "**/*",
            lambda r: r.continue_() if r.request.url.startswith(url[:22]) else r.abort(),
        )
        page.goto(url)
        page.wait_for_function(
            "() => window.L && Object.values(window).some(v => v instanceof L.Map)"
        )
        result = page.evaluate(OPEN_EVERYTHING)
        page.wait_for_timeout(300)
        xss = page.evaluate("window.__xss")
        body = page.inner_text("body")
        browser.close()
    return result, xss, body


@pytest.mark.browser
def test_map_in_chromium_never_runs_plan_text(served):
    base, _ = served
    result, xss, body = _open_in_chromium(f"{base}/map.html")
    assert xss == []
    assert "Leaflet" in body  # the map really drew (attribution control)
    assert result["maps"] == 1 and result["popups"] >= 5 and result["tips"] >= 5
    shown = "\n".join(result["texts"])
    assert "<script>alert(1)</script>测试园" in shown  # shown as text, literally
    assert "<img src=x onerror=alert(1)>" in shown
    assert "布局：<img src=x onerror=alert(7)>一核两翼 · 南翼" in shown  # YAML value, as text


# --------------------------------------------------------------------------- app pages


def _html(at) -> str:
    return "\n".join(h.proto.body for h in at.get("html"))


def test_plan_reader_escapes_plan_text(evil_build, monkeypatch):
    at = app_test("reader", evil_build / "atlas.gpkg", monkeypatch, plan=PLAN_ID, line="8")
    at.run()
    assert not at.exception
    body = _html(at)
    assert_inert(body)
    assert "&lt;img src=x onerror=alert(1)&gt;" in body  # line 8, verbatim and escaped
    assert "&lt;b onmouseover=alert(5)&gt;500&lt;/b&gt;" in body  # line 10
    assert "建设{{ 7*7 }}模板园{% if x %}。" in body  # line 11, not evaluated
    assert 'title="&lt;script&gt;alert(1)&lt;/script&gt;测试园"' in body  # map link title


def test_map_side_panel_escapes_names_and_quotes(evil_build, frames, monkeypatch):
    park = frames["park"]
    fid = park.loc[park["name"] == "<script>alert(1)</script>测试园", "id"].iloc[0]
    at = app_test("map", evil_build / "atlas.gpkg", monkeypatch, plan=PLAN_ID, feature=fid)
    at.run()
    assert not at.exception
    body = _html(at)
    assert_inert(body)
    assert f"{ESCAPED}测试园" in body
    assert "建设测试园&lt;img src=x onerror=alert(1)&gt;，打造示范基地。" in body


def test_upload_page_escapes_unresolved_names(monkeypatch):
    """The unresolved list of an upload shows names and reasons as text.

    Unresolved names come from slogan components (一核, 两翼), which cannot carry tags, so the
    hostile entry is put into the upload's stored result and the page is rendered again: the
    list's rendering is what is tested, and it is tested every time (no conditional assert).
    """
    at = app_test("upload", Path("/nonexistent/atlas.gpkg"), monkeypatch)
    at.run()
    at.text_area[0].input("\n".join(EVIL_PLAN) + "\n")
    at.button[0].click().run()
    assert not at.exception and not at.error
    ups = at.session_state["atlas_uploads"]
    assert list(ups) == ["upload-plan"]
    ups["upload-plan"]["unresolved"].append(
        {
            "kind": "element",
            "name": "<img src=x onerror=alert(31)>一核",
            "reason": "<svg onload=alert(32)> never defined",
            "source_line": 3,
        }
    )
    at.run()
    assert not at.exception
    body = _html(at)
    # the name and the (untranslated) reason are shown, escaped
    assert "&lt;img src=x onerror=alert(31)&gt;一核：" in body
    assert "&lt;svg onload=alert(32)&gt; never defined" in body
    assert "<svg onload" not in body
    assert_inert(body, expect_escaped=False)


# --------------------------------------------------------------------------- atlas webmap


@pytest.mark.browser
def test_atlas_webmap_output_is_inert(evil_build, served, capsys):
    base, root = served
    out = root / "standalone.html"
    rc = main(["webmap", "--plan", PLAN_ID, "--build", str(evil_build), "--out", str(out)])
    err = capsys.readouterr().err
    assert rc == 0, err
    html = out.read_text(encoding="utf-8")
    assert_inert(html)
    assert "{{ 7*7 }}模板园{% if x %}" in html and "49模板园" not in html
    result, xss, body = _open_in_chromium(f"{base}/standalone.html")
    assert xss == []
    assert result["maps"] == 1 and result["popups"] >= 5
    shown = "\n".join(result["texts"])
    assert "<script>alert(1)</script>测试园" in shown
    assert "<img src=x onerror=alert(1)>" in shown
    assert "Leaflet" in body


def test_snapshot_and_deck_take_hostile_names(evil_build, tmp_path, capsys):
    """Static outputs: the renderers neither crash on tags nor write them as markup."""
    import zipfile

    png, pptx = tmp_path / "evil.png", tmp_path / "evil.pptx"
    base = ["--plan", PLAN_ID, "--build", str(evil_build)]
    rc = main(["snapshot", *base, "--dpi", "60", "--out", str(png)])
    err = capsys.readouterr().err
    assert rc == 0, err  # no "not available yet" escape: both renderers have landed
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    rc = main(["deck", *base, "--out", str(pptx)])
    err = capsys.readouterr().err
    assert rc == 0, err
    with zipfile.ZipFile(pptx) as z:
        xml = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))
    assert "<script>" not in xml and "<img src=x" not in xml
    assert "&lt;img src=x onerror=alert(7)&gt;一核两翼" in xml  # the YAML layout name


# --------------------------------------------------------------------------- Markdown (issue 17)

MD_IMAGE = "![x](http://example.com/x.png)"
HTML_IMAGE = "<img src=http://example.com/y>"
MD_PLAN = [
    f"凌海市国民经济和社会发展第十四个五年规划纲要{MD_IMAGE}＜img src=http://example.com/y＞",
    "第一章 空间布局",
    "构建“一核两翼”的空间发展格局。",
    "一核：以金城街道为核心，建设中心城区。",
    "两翼：南翼为＜img src=http://example.com/y＞滨海新区，北翼为北部生态区。",
    "第二章 产业园区",
    "推进大有港扩能改造，建设区域性港口。",
    "地区生产总值年均增长6%，2025年达到500亿元。",
]


def test_md_escapes_every_markdown_construct():
    from pages._support import md

    out = md(f"{MD_IMAGE} {HTML_IMAGE} :red[a] :material/home: $x$ **b** # h\n- l")
    assert md("- a") == "\\- a" and md("1. a") == "1\\. a"
    assert md("upload-linghai-test（一）") == "upload-linghai-test（一）"
    import re

    assert re.search(r"(?<!\\)[!\[\]<>:*$#`_~|]", out) is None, out  # all escaped
    assert "\n" not in out
    assert md("锦州港") == "锦州港"


@pytest.fixture(scope="module")
def md_build(tmp_path_factory) -> Path:
    """An atlas of a plan whose title holds a Markdown image and an HTML image, and whose
    features are named with them (one by extraction, one renamed in the GeoPackage)."""
    d = tmp_path_factory.mktemp("md")
    plan = d / "md-2021.txt"
    plan.write_text("\n".join(MD_PLAN) + "\n", encoding="utf-8")
    out = d / "out"
    build_atlas([plan], out)
    gpkg = out / "atlas.gpkg"
    frames = store.read_layers(gpkg)
    names = {n for g in frames.values() for n in g["name"]}
    assert any(HTML_IMAGE in n for n in names)  # extraction really carries the tag
    lay = frames["layout"].copy()
    lay.loc[lay.index[0], "name"] = f"{MD_IMAGE}新城"
    lay.loc[lay.index[0], "layout"] = f"一核两翼{MD_IMAGE}"
    frames["layout"] = lay
    plans = store.list_plans(gpkg)
    title = plans.loc[0, "title"]
    assert MD_IMAGE in title and "<img src=http://example.com/" in title
    store.write_atlas(gpkg, {**frames, "indicators": store.read_indicators(gpkg), "plans": plans})
    return d


@pytest.mark.browser
@pytest.mark.slow
def test_plan_text_never_makes_the_browser_fetch_a_remote_resource(md_build, tmp_path):
    """Every page (map, reader, indicators, compare, export, upload with the plan uploaded) in
    headless Chromium: no request leaves localhost and no ``<img>`` points at example.com."""
    import subprocess

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

    pw = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("headless Chromium not installed at /usr/bin/chromium")
    from atlas.appstate import PAGE_PATHS

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "server.log"
    remote: list[str] = []
    seen: dict[str, str] = {}
    with log.open("w") as fh:
        proc = start_app(md_build / "out" / "atlas.gpkg", port, stdout=fh, stderr=subprocess.STDOUT)
        try:
            assert wait_healthy(base, 90), log.read_text()
            with pw.sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
                page = browser.new_page(viewport={"width": 1280, "height": 900})

                def route(r):
                    if is_local(r.request.url):
                        r.continue_()
                    else:
                        remote.append(r.request.url)
                        r.abort()

                page.route("**/*", route)
                page.on("request", lambda q: None if is_local(q.url) else remote.append(q.url))
                paths = {
                    "map": "/?plan=md-2021",
                    "reader": f"/{PAGE_PATHS['reader']}?plan=md-2021",
                    "indicators": f"/{PAGE_PATHS['indicators']}?plan=md-2021",
                    "compare": f"/{PAGE_PATHS['compare']}",
                    "export": f"/{PAGE_PATHS['export']}?plan=md-2021",
                }
                for name, path in paths.items():
                    page.goto(base + path, timeout=120_000)
                    page.wait_for_selector('[data-testid="stHeading"]', timeout=120_000)
                    wait_settled(page)  # map iframe, lazy images
                    seen[name] = _imgs_and_text(page)
                page.goto(f"{base}/{PAGE_PATHS['upload']}", timeout=120_000)
                page.wait_for_selector('input[type="file"]', state="attached", timeout=120_000)
                page.set_input_files('input[type="file"]', str(md_build / "md-2021.txt"))
                page.wait_for_timeout(1500)
                page.get_by_role("button", name="生成图集").click()
                page.wait_for_selector('[data-testid="stMetric"]', timeout=120_000)
                wait_settled(page)
                seen["upload"] = _imgs_and_text(page)
                browser.close()
        finally:
            stop(proc)
    assert remote == []
    for name, (imgs, _) in seen.items():
        assert [s for s in imgs if "example.com" in s] == [], name
    # the title is shown as text, Markdown and tag included (not rendered, not dropped)
    assert MD_IMAGE in seen["upload"][1]
    assert "Traceback" not in log.read_text(errors="replace")


def _imgs_and_text(page) -> tuple[list[str], str]:
    """``src`` of every ``<img>`` in the page and its iframes, and the page's text."""
    imgs: list[str] = []
    for frame in page.frames:
        try:
            imgs += frame.eval_on_selector_all("img", "els => els.map(e => e.src)")
        except Exception:  # a frame that went away while navigating
            continue
    return imgs, page.inner_text("body")
