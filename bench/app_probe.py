"""Child process of item 4: AppTest timings of the map page and its map payload per plan.

``python -m bench.app_probe --gpkg build/atlas.gpkg --plan jinzhou-2021 --reruns 6`` prints one
JSON object: ``cold_s`` (first render of a fresh process: server-side work a first visitor
waits for), ``rerun_s`` (reruns after toggling one layer), ``payload`` (plan → bytes of the
folium HTML/JS handed to the browser and of the whole component message), ``toggled`` (the
widget key) and ``exception`` (the page's exception text, "" when none).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
MAP_PAGE = "pages/map.py"


def map_test(plan: str, timeout: float = 300.0):
    """An AppTest of the app switched to the map page of ``plan`` (not run yet)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=timeout)
    at.switch_page(MAP_PAGE)
    at.query_params["plan"] = plan
    return at


def payload_bytes(at) -> tuple[int, int]:
    """(folium HTML+JS bytes, whole component message bytes) of the page's map, (0, 0) if none."""
    for el in at.get("component_instance"):
        proto = el.proto
        if "folium" not in proto.component_name:
            continue
        args = json.loads(proto.json_args or "{}")
        parts = (str(args.get(k) or "") for k in ("script", "html", "header"))
        html = sum(len(p.encode("utf-8")) for p in parts)
        return html, len(proto.json_args.encode("utf-8"))
    return 0, 0


def toggle_key(at) -> str:
    """The layer checkbox to toggle: a thematic layer (not a layout), else the first."""
    keys = [c.key for c in at.checkbox if c.key and c.key.startswith("lyr_")]
    plain = [k for k in keys if not k.startswith("lyr_layout:")]
    if not keys:
        return ""
    return (plain or keys)[0]


def _exc(at) -> str:
    return "; ".join(str(e.value)[:200] for e in at.exception)


def probe(plan: str, reruns: int, payload_plans: list[str]) -> dict:
    """Run the measurements described in the module docstring."""
    import streamlit.testing.v1  # noqa: F401  (the server has streamlit loaded already)

    t = time.perf_counter()
    at = map_test(plan)
    at.run()
    cold = time.perf_counter() - t
    out: dict = {"cold_s": cold, "exception": _exc(at), "rerun_s": [], "payload": {}}
    key = toggle_key(at)
    out["toggled"] = key
    if not key and not at.exception:
        # layers toggle in the browser now (no widget): time the rerun a map event (a pan or a
        # click reported by the component) causes, the page run again with the same widgets
        at.run()
        for _ in range(reruns):
            t = time.perf_counter()
            at.run()
            out["rerun_s"].append(time.perf_counter() - t)
        out["exception"] = _exc(at)
    elif key and not at.exception:
        at.checkbox(key=key).uncheck().run()  # first toggle: warms the other path too
        at.checkbox(key=key).check().run()
        for i in range(reruns):
            box = at.checkbox(key=key)
            box = box.uncheck() if i % 2 == 0 else box.check()
            t = time.perf_counter()
            box.run()
            out["rerun_s"].append(time.perf_counter() - t)
        out["exception"] = _exc(at)
    for p in payload_plans:
        pt = map_test(p)
        pt.run()
        out["payload"][p] = payload_bytes(pt) if not pt.exception else (0, 0)
    return out


def main(argv: list[str] | None = None) -> int:
    """Command-line entry (prints JSON)."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--gpkg", required=True)
    ap.add_argument("--plan", default="jinzhou-2021")
    ap.add_argument("--reruns", type=int, default=6)
    ap.add_argument("--payload-plans", default="")
    args = ap.parse_args(argv)
    os.environ["ATLAS_GPKG"] = str(Path(args.gpkg).resolve())
    plans = [p for p in args.payload_plans.split(",") if p]
    sys.stdout.write(json.dumps(probe(args.plan, args.reruns, plans)) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
