"""Item 4b: time to first map paint in headless Chromium against ``atlas serve``.

Offline by construction: every request to a host other than localhost is aborted (and
counted). The clock starts before navigation and stops when the folium map inside the
component iframe has drawn vector features (a path or canvas in Leaflet's overlay pane, or a
marker). Each repeat starts a fresh server, then measures the first visit (the server fills
its caches) and a second visit in a fresh browser context (caches warm); both are broken down
into milestones (app shell, script output, map iframe, Leaflet container).
"""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

from bench.items import Context, NotAvailable, load1, require
from bench.machine import ROOT
from bench.report import Row, Target, failed

ITEM = "4 app"
PLAN = "jinzhou-2021"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PAINTED = (
    ".leaflet-overlay-pane path, .leaflet-overlay-pane canvas, "
    ".leaflet-marker-pane .leaflet-marker-icon"
)
#: intermediate milestones (name → selector, in any frame), reported for the warm visits
MILESTONES = {
    "app shell": '[data-testid="stApp"]',
    "script output (layer tree)": '[data-testid="stCheckbox"]',
    "map iframe": "iframe",
    "Leaflet container": ".leaflet-container",
}
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def _served(cmd: list[str], port: int, log, what: str, timeout: float, **popen):
    """Run a Streamlit server ``cmd`` listening on ``port``; yield (base URL, seconds until its
    health endpoint answers); terminate it afterwards."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, **popen)
    base = f"http://127.0.0.1:{port}"
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{what} exited with {proc.returncode}")
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.perf_counter() - t0 > timeout:
                raise RuntimeError(f"{what} did not become healthy")
            time.sleep(0.1)
        yield base, time.perf_counter() - t0
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextmanager
def streamlit_server(ctx: Context, gpkg: Path, timeout: float = 90.0):
    """Run ``atlas serve`` on a free port; yield (base URL, seconds until healthy)."""
    port = free_port()
    # the server a user starts (`atlas serve`, as the README's app command does)
    cmd = [
        ctx.python,
        "-m",
        "atlas.cli",
        "serve",
        "--headless",
        f"--port={port}",
        "--address=127.0.0.1",
    ]
    with (ctx.work / f"streamlit-{port}.log").open("wb") as log:
        what = f"streamlit (see {log.name})"
        env = ctx.env(ATLAS_GPKG=str(gpkg))
        with _served(cmd, port, log, what, timeout, cwd=ROOT, env=env) as served:
            yield served


#: the smallest Streamlit page: one line of text (the floor any Streamlit page pays)
BARE_APP = 'import streamlit as st\n\nst.write("地图")\n'
BARE_TEXT = '[data-testid="stMarkdown"]'


@contextmanager
def bare_streamlit_server(ctx: Context, timeout: float = 90.0):
    """``streamlit run`` of :data:`BARE_APP` on a free port; yield its base URL."""
    app = ctx.work / "bare_streamlit_app.py"
    app.write_text(BARE_APP, encoding="utf-8")
    port = free_port()
    cmd = [
        ctx.python,
        "-m",
        "streamlit",
        "run",
        str(app),
        f"--server.port={port}",
        "--server.address=127.0.0.1",
        "--server.headless=true",
        "--browser.gatherUsageStats=false",
    ]
    with _served(cmd, port, subprocess.DEVNULL, "bare streamlit", timeout, cwd=ctx.work) as (
        base,
        _,
    ):
        yield base


def _present(page, selector: str) -> bool:
    for frame in page.frames:
        try:
            if frame.query_selector(selector) is not None:
                return True
        except Exception:  # a frame navigating away while we look
            continue
    return False


def first_paint(
    browser, url: str, timeout: float = 60.0, painted: str = PAINTED
) -> tuple[dict[str, float], list[str]]:
    """Seconds from navigation to each milestone and to ``"paint"`` (the first drawn map
    feature, or the first element matching ``painted``), and the remote hosts whose requests
    were blocked."""
    blocked: list[str] = []
    context = browser.new_context(viewport={"width": 1400, "height": 900})

    def gate(route) -> None:
        host = urlparse(route.request.url).hostname or ""
        if host in LOCAL_HOSTS or route.request.url.startswith(
            ("data:", "blob:", "about:", "file:")
        ):
            route.continue_()
        else:
            blocked.append(host)
            route.abort()

    context.route("**/*", gate)
    page = context.new_page()
    marks: dict[str, float] = {}
    try:
        t0 = time.perf_counter()
        page.goto(url, wait_until="commit")
        while not _present(page, painted):
            now = time.perf_counter() - t0
            if now > timeout:
                raise TimeoutError(f"no map paint within {timeout:.0f} s")
            for name, sel in MILESTONES.items():
                if name not in marks and _present(page, sel):
                    marks[name] = now
            page.wait_for_timeout(25)
        marks["paint"] = time.perf_counter() - t0
        for name, sel in MILESTONES.items():  # appeared within the last poll interval
            if name not in marks and _present(page, sel):
                marks[name] = marks["paint"]
        return marks, sorted(set(blocked))
    finally:
        context.close()


#: time from a click in the map's layer control to the next painted frame (two rAFs), ms
_CLICK_TO_PAINT = """(sel) => new Promise((done) => {
  const input = document.querySelector(sel);
  if (!input) { done(-1); return; }
  const t0 = performance.now();
  input.click();
  requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - t0)));
})"""
SWITCH_TO = "zhanqian-2021"  # the plan switched to (its layout 一核两翼 shows up in the map)
#: what one interactions() visit measures
KEYS = ("toggle", "layout", "plan", "app", "sa", "bare")


def _map_frame(page, timeout: float = 60.0):
    """The streamlit-folium iframe once Leaflet has drawn features."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        for frame in page.frames:
            try:
                if frame.query_selector(".atlas-layers") and frame.query_selector(PAINTED):
                    return frame
            except Exception:  # a frame navigating away while we look
                continue
        page.wait_for_timeout(25)
    raise TimeoutError("no map with a layer control")


_SHOWN = """() => (window.map && window.map.atlas &&
  document.querySelector('.leaflet-overlay-pane path')) ? window.map.atlas.visible() : []"""


def _shows(page, key: str) -> bool:
    """True when a map in the page has painted and shows the layer group ``key``."""
    for frame in page.frames:
        try:
            if key in frame.evaluate(_SHOWN):
                return True
        except Exception:  # a frame navigating away while we look
            continue
    return False


def interactions(browser, base: str, standalone: Path, bare: str) -> dict[str, list[float]]:
    """One visit: layer toggles and layout switches (client-side, ms to the next painted
    frame), a plan switch in the sidebar (s until the new plan's map is painted), and the
    first paint of the app next to the standalone web map of the same plan and next to a bare
    Streamlit page (one line of text: the floor of any Streamlit page)."""
    out: dict[str, list[float]] = {k: [] for k in KEYS}
    marks, _ = first_paint(browser, f"{base}/?plan={PLAN}")
    out["app"].append(marks["paint"])
    marks, _ = first_paint(browser, standalone.as_uri())
    out["sa"].append(marks["paint"])
    marks, _ = first_paint(browser, bare, painted=BARE_TEXT)
    out["bare"].append(marks["paint"])
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.route(
        "**/*",
        lambda r: (
            r.continue_()
            if (urlparse(r.request.url).hostname or "") in LOCAL_HOSTS
            or r.request.url.startswith(("data:", "blob:", "about:"))
            else r.abort()
        ),
    )
    page = context.new_page()
    try:
        page.goto(f"{base}/?plan={PLAN}", wait_until="commit")
        frame = _map_frame(page)
        page.wait_for_timeout(500)
        for key in ("park", "project", "transport"):
            for _ in range(2):  # on, then off
                out["toggle"].append(frame.evaluate(_CLICK_TO_PAINT, f'input[value="{key}"]'))
        radios = frame.eval_on_selector_all(
            'input[name="atlas-layout"]', "els => els.map(e => e.value)"
        )
        for value in [*radios[:4], "__all", radios[0]]:
            out["layout"].append(
                frame.evaluate(_CLICK_TO_PAINT, f'input[name="atlas-layout"][value="{value}"]')
            )
        for target, layout in ((SWITCH_TO, "一核两翼"), (PLAN, "一核一带三轴三片区")):
            page.get_by_test_id("stSelectbox").first.click()  # open the list (not timed)
            option = page.get_by_role("option").filter(has_text=target).first
            option.wait_for()
            t0 = time.perf_counter()
            option.click()
            while not _shows(page, f"layout:{layout}"):
                if time.perf_counter() - t0 > 30:
                    raise TimeoutError(f"plan switch to {target}: no map within 30 s")
                page.wait_for_timeout(20)
            out["plan"].append(time.perf_counter() - t0)
    finally:
        context.close()
    return out


def interaction_rows(ctx: Context) -> list[Row]:
    """Client-side layer toggle and layout switch, plan switch, first paint vs standalone."""
    require("playwright", "streamlit", "streamlit_folium")
    if not CHROMIUM.exists():
        raise NotAvailable(f"{CHROMIUM} not installed (apt-get install -y chromium fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright

    gpkg = ctx.seed_build() / "atlas.gpkg"
    standalone = ctx.work / f"{PLAN}-standalone.html"
    made = ctx.atlas(
        "webmap", "--plan", PLAN, "--build", str(gpkg.parent), "--out", str(standalone)
    )
    if not standalone.exists():
        raise NotAvailable(f"atlas webmap wrote no file: {made}")
    lo = load1()
    acc: dict[str, list[float]] = {k: [] for k in KEYS}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            with streamlit_server(ctx, gpkg) as (base, _), bare_streamlit_server(ctx) as bare:
                first_paint(browser, f"{base}/?plan={PLAN}")  # fill the server's caches
                first_paint(browser, bare, painted=BARE_TEXT)
                for i in range(ctx.repeats):
                    ctx.say(f"item 4: browser interactions {i + 1}/{ctx.repeats}")
                    for k, v in interactions(browser, base, standalone, bare).items():
                        acc[k] += v
        except Exception as exc:  # report, keep the other items running
            return [failed(ITEM, "map interactions (Chromium)", f"{type(exc).__name__}: {exc}")]
        finally:
            browser.close()
    ratio = [a / s for a, s in zip(acc["app"], acc["sa"], strict=True) if s > 0]
    floor = [b / s for b, s in zip(acc["bare"], acc["sa"], strict=True) if s > 0]
    return [
        Row(
            ITEM,
            "layer toggle in the map, click to paint",
            "ms",
            acc["toggle"],
            Target("<=", 150.0),
            load=lo,
            note="client-side, no Streamlit rerun",
        ),
        Row(
            ITEM,
            "layout switch in the map, click to paint",
            "ms",
            acc["layout"],
            Target("<=", 150.0),
            load=lo,
            note="client-side, no Streamlit rerun",
        ),
        Row(
            ITEM,
            f"plan switch {PLAN} ⇄ {SWITCH_TO}, option click to new map painted",
            "s",
            acc["plan"],
            Target("<=", 1.0),
            load=lo,
        ),
        Row(
            ITEM, f"first paint, app (warm server, fresh browser), {PLAN}", "s", acc["app"], load=lo
        ),
        Row(ITEM, f"first paint, standalone web map (file://), {PLAN}", "s", acc["sa"], load=lo),
        Row(
            ITEM,
            "first paint ratio, app / standalone (same run)",
            "x",
            ratio,
            Target("<=", 2.0),
            load=lo,
        ),
        Row(
            ITEM,
            "first text, bare Streamlit page (st.write, no atlas code)",
            "s",
            acc["bare"],
            load=lo,
            note="the floor of any Streamlit page on this machine",
        ),
        Row(
            ITEM,
            "floor ratio, bare Streamlit page / standalone (same run)",
            "x",
            floor,
            load=lo,
            note="when > 2, the ≤ 2× target is out of reach for a Streamlit page",
        ),
    ]


def browser_rows(ctx: Context) -> list[Row]:
    """First-visit and warm-visit paint times over fresh servers (one per repeat)."""
    require("playwright", "streamlit", "streamlit_folium")
    if not CHROMIUM.exists():
        raise NotAvailable(f"{CHROMIUM} not installed (apt-get install -y chromium fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright

    gpkg = ctx.seed_build() / "atlas.gpkg"
    lo = load1()
    starts, first, warm, hosts = [], [], [], set()
    steps: dict[str, dict[str, list[float]]] = {
        visit: {name: [] for name in MILESTONES} for visit in ("first", "warm")
    }
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for i in range(ctx.repeats):
                ctx.say(f"item 4: browser repeat {i + 1}/{ctx.repeats}")
                with streamlit_server(ctx, gpkg) as (base, started):
                    url = f"{base}/?plan={PLAN}"
                    starts.append(started)
                    for visit, paints in (("first", first), ("warm", warm)):
                        marks, b = first_paint(browser, url)
                        paints.append(marks["paint"])
                        hosts.update(b)
                        for name in MILESTONES:
                            if name in marks:
                                steps[visit][name].append(marks[name])
        except Exception as exc:  # report, keep the other items running
            return [failed(ITEM, "first map paint (Chromium)", f"{type(exc).__name__}: {exc}")]
        finally:
            browser.close()
    note = f"blocked remote hosts: {', '.join(sorted(hosts))}" if hosts else "no remote requests"
    try:
        more = interaction_rows(ctx)
    except NotAvailable as exc:
        more = [failed(ITEM, "map interactions (Chromium)", str(exc))]
    return (
        more
        + [
            Row(ITEM, "streamlit server start until healthy", "s", starts, load=lo),
            Row(
                ITEM,
                f"first map paint, first visit after start, {PLAN} (Chromium)",
                "s",
                first,
                Target("<=", 3.0),
                load=lo,
                note=note,
            ),
            Row(
                ITEM,
                f"first map paint, warm server, fresh browser, {PLAN}",
                "s",
                warm,
                Target("<=", 3.0),
                load=lo,
                note=note,
            ),
        ]
        + [
            Row(ITEM, f"  {visit} visit: {name} seen", "s", values, load=lo)
            for visit, by_name in steps.items()
            for name, values in by_name.items()
            if values
        ]
    )
