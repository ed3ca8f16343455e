"""Benchmark of the Streamlit map page (issue 5 acceptance numbers).

Run: ``python bench/app_bench.py [--build DIR] [--runs N]``. Prints, per seed plan, the size
of the map HTML the browser receives (offline basemap, all layers) and the server time of a
map-page rerun when one layer is toggled (AppTest, warm caches), median and p90.

Targets: rerun on a toggle ≤ 300 ms median; 锦州 map payload ≤ 2 MB.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def atlas_gpkg(build: str | None) -> Path:
    """Use ``DIR/atlas.gpkg`` when given/existing, else build the seeds into a temp folder."""
    if build and (Path(build) / "atlas.gpkg").exists():
        return Path(build) / "atlas.gpkg"
    from atlas.build import build_atlas

    out = Path(tempfile.mkdtemp(prefix="atlas-bench-"))
    build_atlas(None, out=out)
    return out / "atlas.gpkg"


def payload_bytes(gpkg: Path, plan: str) -> int:
    """Bytes of the rendered map page (HTML + inline script) for all layers of a plan."""
    from atlas import store
    from atlas.render import webmap

    m = webmap.build_map(store.read_layers(gpkg, plan))
    return len(m.get_root().render().encode("utf-8"))


def toggle_times(gpkg: Path, plan: str, runs: int) -> list[float]:
    """Seconds per map-page rerun when a layer checkbox is toggled (warm caches)."""
    from streamlit.testing.v1 import AppTest

    os.environ["ATLAS_GPKG"] = str(gpkg)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.switch_page("pages/map.py")
    at.query_params["plan"] = plan
    at.run()
    boxes = [c for c in at.checkbox if c.key and c.key.startswith("lyr_")]
    if not boxes:
        return []
    key = boxes[-1].key
    at.checkbox(key=key).uncheck().run()  # warm the cache for both states
    at.checkbox(key=key).check().run()
    times = []
    for i in range(runs):
        box = at.checkbox(key=key)
        t = time.perf_counter()
        (box.uncheck() if i % 2 == 0 else box.check()).run()
        times.append(time.perf_counter() - t)
    if at.exception:
        raise RuntimeError(at.exception[0].message)
    return times


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--build", default=str(ROOT / "build"))
    p.add_argument("--runs", type=int, default=20)
    args = p.parse_args(argv)
    gpkg = atlas_gpkg(args.build)
    from atlas import store

    plans = store.list_plans(gpkg)["plan_id"].tolist()
    rows = []
    for plan in plans:
        size = payload_bytes(gpkg, plan)
        t = sorted(toggle_times(gpkg, plan, args.runs))
        med = statistics.median(t) * 1000 if t else float("nan")
        p90 = t[int(0.9 * (len(t) - 1))] * 1000 if t else float("nan")
        rows.append((plan, size / 1e6, med, p90))
    w = max(len(r[0]) for r in rows)
    sys.stdout.write(f"{'plan':<{w}}  map HTML (MB)  toggle rerun median (ms)  p90 (ms)\n")
    for plan, mb, med, p90 in rows:
        sys.stdout.write(f"{plan:<{w}}  {mb:13.2f}  {med:24.0f}  {p90:8.0f}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
