"""Golden geometry: what every published feature looks like on the map, coarsely.

For each plan, one CSV ``tests/golden/geometry/<plan_id>.csv`` with a row per feature of every
layer (admin included): its centroid and bounding box rounded to 0.01° (about 1 km), and a size
class: the area in km² or the length in km binned by powers of two (``area 8-16``), ``point`` or
``unresolved``. A 30 km shift, a 10 km wider sea strip or a doubled belt changes rows; noise
below the rounding does not.

Plans: the five seeds (``geodata/plans``), the own test plans (``tests/fixtures/plans``) and the
unseen corpus (``tests/corpus/plans``). Rewrite the goldens with ``python -m tests.regen_geometry``
(it prints the diff); the test ``tests/test_geometry_golden.py`` only compares.
"""

from __future__ import annotations

import math
from pathlib import Path

from golden_diff import csv_text

from atlas import build, store
from atlas.manifest import default_plans
from atlas.placement import geometry as geo

TESTS = Path(__file__).resolve().parent
GOLDEN = TESTS / "golden" / "geometry"
GROUPS: dict[str, list[Path]] = {
    "seeds": default_plans(),
    "fixtures": sorted((TESTS / "fixtures" / "plans").glob("*.txt")),
    "corpus": sorted((TESTS / "corpus" / "plans").glob("*.txt")),
}
COLUMNS = ["layer", "id", "name", "size", "cx", "cy", "minx", "miny", "maxx", "maxy"]
KEY = ["layer", "id"]
REGEN = "python -m tests.regen_geometry"


def plan_ids(group: str) -> list[str]:
    """Plan ids of a group (the seeds' ids come from the manifest, the others are file stems)."""
    if group == "seeds":
        from atlas.manifest import manifest_rows

        return [r["plan_id"] for r in manifest_rows()]
    return [p.stem for p in GROUPS[group]]


def size_class(g) -> str:
    if g.geom_type in ("Point", "MultiPoint"):
        return "point"
    if "Polygon" in g.geom_type:
        value, what = geo.area_km2(g), "area"
    else:
        value, what = geo.to_metric(g).length / 1000.0, "length"
    if value < 0.25:
        return f"{what} <0.25"
    k = math.floor(math.log2(value))
    return f"{what} {2.0**k:g}-{2.0 ** (k + 1):g}"


def _r(x: float) -> str:
    return f"{round(x, 2):.2f}"


def rows(layers: dict, plan_id: str) -> list[dict]:
    out = []
    for layer, gdf in sorted(layers.items()):
        sel = gdf[gdf["plan_id"] == plan_id]
        for r in sel.itertuples():
            g = r.geometry
            row = {"layer": layer, "id": r.id, "name": r.name}
            if g is None or g.is_empty:
                row["size"] = "unresolved"
            else:
                c = g.centroid
                x0, y0, x1, y1 = g.bounds
                row.update(size=size_class(g), cx=_r(c.x), cy=_r(c.y))
                row.update(minx=_r(x0), miny=_r(y0), maxx=_r(x1), maxy=_r(y1))
            out.append(row)
    return sorted(out, key=lambda r: (r["layer"], r["id"]))


def build_group(group: str, out: Path) -> dict:
    """Build a group's plans into ``out`` (curated corrections applied, as published)."""
    build.build_atlas(GROUPS[group], out)
    return store.read_layers(out / "atlas.gpkg")


def table(layers: dict, plan_id: str) -> str:
    return csv_text(rows(layers, plan_id), COLUMNS)
