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
    log = (ctx.work / f"streamlit-{port}.log").open("wb")
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=ctx.env(ATLAS_GPKG=str(gpkg)), stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {proc.returncode} (see {log.name})")
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.perf_counter() - t0 > timeout:
                raise RuntimeError("streamlit did not become healthy")
            time.sleep(0.1)
        yield base, time.perf_counter() - t0
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def _present(page, selector: str) -> bool:
    for frame in page.frames:
        try:
            if frame.query_selector(selector) is not None:
                return True
        except Exception:  # a frame navigating away while we look
            continue
    return False


def first_paint(browser, url: str, timeout: float = 60.0) -> tuple[dict[str, float], list[str]]:
    """Seconds from navigation to each milestone and to ``"paint"`` (the first drawn map
    feature), and the remote hosts whose requests were blocked."""
    blocked: list[str] = []
    context = browser.new_context(viewport={"width": 1400, "height": 900})

    def gate(route) -> None:
        host = urlparse(route.request.url).hostname or ""
        if host in LOCAL_HOSTS or route.request.url.startswith(("data:", "blob:", "about:")):
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
        while not _present(page, PAINTED):
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
    return [
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
    ] + [
        Row(ITEM, f"  {visit} visit: {name} seen", "s", values, load=lo)
        for visit, by_name in steps.items()
        for name, values in by_name.items()
        if values
    ]
