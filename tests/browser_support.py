"""Shared helpers of the tests that drive a browser or a live Streamlit server.

Used by tests/browser/test_map_e2e.py, tests/test_concurrency.py and
tests/render/test_standalone.py:
the Chromium binary and headless flags, the offline request filter, and starting, waiting for
and stopping ``streamlit run app.py`` on a free port.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from atlas.paths import ROOT

CHROMIUM = "/usr/bin/chromium"
#: headless Chromium without background traffic (the page must not need the network)
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL = ("http://localhost", "http://127.0.0.1", "ws://localhost", "ws://127.0.0.1")


def is_local(url: str) -> bool:
    """True for requests a page may make offline (this server, data:, blob:, about:)."""
    return url.startswith(LOCAL) or url.startswith(("data:", "blob:", "about:"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(
    gpkg: Path, port: int, *, stdout, stderr, extra_env: dict[str, str] | None = None
) -> subprocess.Popen:
    """``atlas serve`` headless on 127.0.0.1:``port`` (the product server: its security
    headers, no error details), serving the atlas ``gpkg``."""
    env = dict(os.environ, ATLAS_GPKG=str(gpkg), PYTHONPATH=str(ROOT), **(extra_env or {}))
    return subprocess.Popen(
        [sys.executable, "-m", "atlas.cli", "serve", "--port", str(port), "--headless"],
        cwd=ROOT,
        env=env,
        stdout=stdout,
        stderr=stderr,
    )


def wait_healthy(url: str, seconds: float) -> bool:
    """Poll the server's health endpoint until it answers 200 (False after ``seconds``)."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as r:
                if r.status == 200:
                    return True
        except OSError:
            time.sleep(0.3)
    return False


def stop(proc: subprocess.Popen) -> None:
    """Terminate a server; kill it if it has not exited within 10 s."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


#: true once the page's script run has finished and every frame has loaded
_SETTLED = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.dataset.testScriptState !== 'notRunning') { return false; }
  return [...document.querySelectorAll('iframe')].every(f => {
    try { return f.contentDocument && f.contentDocument.readyState === 'complete'; }
    catch (e) { return true; }  // a cross-origin frame: not ours to wait for
  });
}"""


def wait_settled(page, timeout_ms: float = 120_000, quiet_ms: int = 500) -> None:
    """Wait until the Streamlit script run is over, every iframe has loaded and the network
    has been quiet for ``quiet_ms`` (instead of a fixed sleep: faster when the page is quick,
    longer when the machine is slow)."""
    page.wait_for_function(_SETTLED, timeout=timeout_ms)
    page.wait_for_load_state("networkidle", timeout=timeout_ms)
    page.wait_for_timeout(quiet_ms)
    page.wait_for_function(_SETTLED, timeout=timeout_ms)  # no rerun started meanwhile
