"""One-command set-up for a fresh machine with only Python 3.11 (stdlib only, no deps).

``python3.11 -m atlas.bootstrap app``   create/update ``.venv``, build the atlas, start the app
``python3.11 -m atlas.bootstrap test``  create/update ``.venv`` with test extras, ruff,
                                        lint-imports + pytest

The virtual environment is re-installed only when ``pyproject.toml`` changes (a stamp file
holds its hash). This module must not import anything outside the standard library.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = Path(os.environ.get("ATLAS_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"
CHROMIUM = Path("/usr/bin/chromium")


def _say(msg: str) -> None:
    sys.stderr.write(f"[atlas bootstrap] {msg}\n")
    sys.stderr.flush()


def _run(cmd: list[str], **kw) -> None:
    subprocess.run(cmd, check=True, cwd=ROOT, **kw)


def ensure_venv(extras: str = "") -> None:
    """Create ``.venv`` and install the project (editable) when pyproject.toml changed."""
    if sys.version_info < (3, 11):  # noqa: UP036 - runs before the venv exists
        raise SystemExit("Planning Atlas needs Python >= 3.11")
    if not PY.exists():
        _say(f"creating virtual environment in {VENV}")
        venv.EnvBuilder(with_pip=True, clear=False).create(VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    stamp = VENV / f".atlas-installed{('-' + extras) if extras else ''}"
    if stamp.exists() and stamp.read_text() == digest:
        return
    _say("installing Planning Atlas and its dependencies (first run takes a few minutes)")
    _run([str(PY), "-m", "pip", "install", "-q", "--upgrade", "pip"])
    target = f".[{extras}]" if extras else "."
    _run([str(PY), "-m", "pip", "install", "-q", "-e", target])
    stamp.write_text(digest)


def _maybe_install_chromium() -> None:
    """Browser tests need Debian's Chromium and a CJK font; install them when we can."""
    if CHROMIUM.exists():
        return
    if shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0:
        _say("installing chromium and CJK fonts for the browser tests (apt-get)")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "chromium", "fonts-noto-cjk"], check=False, env=env
        )
    if not CHROMIUM.exists():
        _say("chromium not found: browser tests will be skipped")


def app(extra_args: list[str]) -> int:
    ensure_venv()
    _say("building the atlas from the bundled plans")
    _run([str(BIN / "atlas"), "build", "--out", str(ROOT / "build")])
    _say("starting the app: open the URL Streamlit prints below")
    return subprocess.call([str(BIN / "atlas"), "serve", *extra_args], cwd=ROOT)


def test(extra_args: list[str]) -> int:
    ensure_venv("test")
    _maybe_install_chromium()
    _say("ruff")
    rc = subprocess.call([str(BIN / "ruff"), "check", "."], cwd=ROOT)
    if rc:
        return rc
    _say("import contracts (lint-imports)")
    rc = subprocess.call([str(BIN / "lint-imports")], cwd=ROOT)
    if rc:
        return rc
    _say("pytest")
    return run_pytest(extra_args)


def run_pytest(args: list[str], call=subprocess.call) -> int:
    """The suite on every core (pytest-xdist, one test file per worker at a time: the browser
    tests mostly wait, and a file's module-scoped server starts once), then the tests marked
    ``timing`` alone on a quiet machine, so that a rate or time bound is never measured next to
    another worker. Arguments that choose their own ``-n`` or ``-p no:xdist``, or a ``-m``
    selection, run as given in one pass."""
    pytest = [str(PY), "-m", "pytest"]
    own = any(a.startswith(("-n", "--numprocesses", "--dist", "-m")) for a in args)
    if own or "no:xdist" in args:
        return call([*pytest, *args], cwd=ROOT)
    workers = max(2, min(os.cpu_count() or 1, 4))
    first = call(
        [*pytest, "-n", str(workers), "--dist", "loadfile", "-m", "not timing", *args], cwd=ROOT
    )
    _say("pytest: the timing tests, alone")
    second = call([*pytest, "-p", "no:xdist", "-m", "timing", *args], cwd=ROOT)
    if second == NO_TESTS and first != NO_TESTS:
        second = 0  # the paths given hold no timing test
    if first == NO_TESTS and second != NO_TESTS:
        first = 0
    return first or second


#: pytest's exit code when it collected no test
NO_TESTS = 5


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in {"app", "test"}:
        sys.stderr.write("usage: python3.11 -m atlas.bootstrap {app|test} [args...]\n")
        return 2
    cmd, rest = argv[0], argv[1:]
    return app(rest) if cmd == "app" else test(rest)


if __name__ == "__main__":
    sys.exit(main())
