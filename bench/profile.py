"""Profile the slow paths with pyinstrument: ``python -m bench.profile build|map [--out DIR]``.

* ``build`` — ``atlas build`` of the seed plans in this process, imports included (as the CLI
  pays them);
* ``map`` — reruns of the map page (AppTest) after toggling a layer, profiled inside the
  script thread (pyinstrument samples one thread); ``map --cold``: its first render.

Writes ``<DIR>/profile-<what>.txt`` and ``.html`` (default DIR: build/bench/) and prints the
text tree.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
import tempfile
from pathlib import Path

from bench.machine import ROOT


def _profiler():
    try:
        from pyinstrument import Profiler
    except ImportError:
        raise SystemExit("pyinstrument is not installed (pip install -e '.[test]')") from None
    return Profiler(interval=0.001)


def profile_build(plans: list[str]):
    """Profile ``atlas build`` (CLI entry, so lazy imports count) into a scratch folder."""
    prof = _profiler()
    out = tempfile.mkdtemp(prefix="atlas-prof-build-")
    prof.start()
    from atlas.cli import main

    with contextlib.redirect_stdout(io.StringIO()):
        main(["build", *plans, "--out", out])
    prof.stop()
    return prof


def profile_map(gpkg: Path, plan: str, reruns: int, cold: bool = False):
    """Profile map-page reruns after layer toggles (warm caches, as a user clicking), or with
    ``cold`` the first render of a fresh process (imports, reads, cache fill)."""
    from streamlit.testing.v1 import local_script_runner as lsr

    from bench.app_probe import map_test, toggle_key

    os.environ["ATLAS_GPKG"] = str(gpkg)
    prof = _profiler()
    state = {"on": cold}
    original = lsr.LocalScriptRunner._run_script_thread

    def traced(self) -> None:  # runs in the script thread
        if not state["on"]:
            return original(self)
        prof.start()
        try:
            return original(self)
        finally:
            prof.stop()

    lsr.LocalScriptRunner._run_script_thread = traced
    try:
        at = map_test(plan)
        at.run()
        if cold:
            return prof
        key = toggle_key(at)
        at.checkbox(key=key).uncheck().run()
        at.checkbox(key=key).check().run()
        state["on"] = True
        for i in range(reruns):
            box = at.checkbox(key=key)
            (box.uncheck() if i % 2 == 0 else box.check()).run()
    finally:
        lsr.LocalScriptRunner._run_script_thread = original
    return prof


def main(argv: list[str] | None = None) -> int:
    """Command-line entry."""
    ap = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__)
    ap.add_argument("what", choices=["build", "map"])
    ap.add_argument("plans", nargs="*", help="plan files for `build` (default: the seeds)")
    ap.add_argument("--gpkg", default=str(ROOT / "build" / "atlas.gpkg"), help="for `map`")
    ap.add_argument("--plan", default="jinzhou-2021", help="for `map`")
    ap.add_argument("--reruns", type=int, default=10, help="for `map`")
    ap.add_argument("--cold", action="store_true", help="`map`: profile the first render instead")
    ap.add_argument("--out", default=str(ROOT / "build" / "bench"))
    args = ap.parse_args(argv)
    if args.what == "build":
        prof = profile_build(args.plans)
    else:
        prof = profile_map(Path(args.gpkg).resolve(), args.plan, args.reruns, args.cold)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    text = prof.output_text(unicode=True, color=False, show_all=False)
    (out / f"profile-{args.what}.txt").write_text(text, encoding="utf-8")
    (out / f"profile-{args.what}.html").write_text(prof.output_html(), encoding="utf-8")
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
