"""Checks on the province-wide reference data in geodata/ (issue 13, data side).

These read the vendored files directly and must not import the ``atlas`` package.
"""

from __future__ import annotations

import math
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

GEO = Path(__file__).resolve().parents[2] / "geodata"
UTM = "EPSG:32651"


def km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


@pytest.fixture(scope="module")
def counties() -> gpd.GeoDataFrame:
    return gpd.read_file(GEO / "liaoning_counties.geojson").set_index("adcode")


@pytest.fixture(scope="module")
def towns() -> pd.DataFrame:
    return pd.read_csv(
        GEO / "liaoning_townships.csv", dtype={"code": str, "county": str, "city": str}
    )


@pytest.fixture(scope="module")
def centres() -> pd.DataFrame:
    return pd.read_csv(GEO / "centres.csv", dtype={"code": str})


# --- townships ---------------------------------------------------------------------------------


def test_townships_register(towns):
    assert len(towns) == 1406
    assert towns.code.is_unique
    assert towns.code.str.fullmatch(r"21\d{7}").all()
    assert (towns.county == towns.code.str[:6]).all()
    assert (towns.city == towns.code.str[:4] + "00").all()
    assert towns.county.nunique() == 100
    counts = towns.kind.value_counts()
    assert counts["镇"] == 639 and counts["街道"] == 510
    assert set(towns.kind) <= {"镇", "乡", "民族乡", "街道", "农场", "开发区", "other"}


def test_townships_point_share_and_precision(towns):
    has = towns.lon.notna()
    assert (has == towns.lat.notna()).all()
    assert has.mean() >= 0.70
    assert set(towns.loc[has, "precision"]) <= {"surveyed", "derived", "schematic"}
    assert towns.loc[~has, "precision"].isna().all()
    assert (towns.loc[has, "source"].str.len() > 0).all()
    # GeoNames points are the only "surveyed" ones; curated estimates stay schematic
    surveyed = towns[towns.precision == "surveyed"]
    assert surveyed.source.str.startswith("GeoNames").all()
    curated = towns[towns.source.fillna("").str.startswith("curated")]
    assert (curated.precision == "schematic").all() and len(curated) <= 43


def test_every_township_point_inside_its_county(towns, counties):
    pts = towns.dropna(subset=["lon"])
    bad = [
        r.code
        for r in pts.itertuples()
        if not counties.loc[r.county, "geometry"].contains(Point(r.lon, r.lat))
    ]
    assert bad == []


def test_township_aliases(towns):
    row = towns.set_index("name").loc["沟帮子街道"]
    assert "沟帮子" in row.aliases.split(";")
    ethnic = towns[towns.name.str.endswith("满族乡")]
    assert len(ethnic) > 0
    for r in ethnic.itertuples():
        assert r.name.replace("满族乡", "乡") in r.aliases.split(";")


def test_known_township_points(towns):
    t = towns.set_index("name")
    g = t.loc["沟帮子街道"]
    assert km(g.lon, g.lat, 121.77, 41.37) < 3
    hs = t.loc["黑山街道"]
    assert km(hs.lon, hs.lat, 122.12, 41.69) < 5


def test_regions_partition_each_county(towns, counties):
    reg = gpd.read_file(GEO / "township_regions.geojson")
    assert reg.code.is_unique
    assert set(reg.code) == set(towns.dropna(subset=["lon"]).code)
    assert (reg.precision == "schematic").all()
    reg_m = reg.to_crs(UTM)
    cty_m = counties.to_crs(UTM)
    for county, grp in reg_m.groupby("county"):
        poly = cty_m.loc[county, "geometry"]
        union = grp.geometry.union_all()
        assert union.symmetric_difference(poly).area / poly.area < 0.01, county
        overlap = grp.geometry.area.sum() - union.area
        assert overlap / poly.area < 0.01, county
    # each point lies in its own cell (5 m tolerance for the simplification)
    pts = towns.dropna(subset=["lon"]).set_index("code")
    pgs = gpd.GeoSeries(gpd.points_from_xy(pts.lon, pts.lat), index=pts.index, crs=4326)
    pgs = pgs.to_crs(UTM)
    for r in reg_m.itertuples():
        assert r.geometry.distance(pgs[r.code]) < 5, r.code


# --- centres -----------------------------------------------------------------------------------


def test_centres_table(centres):
    assert len(centres) == 114
    assert (centres.level == "city").sum() == 14
    assert (centres.level == "county").sum() == 100
    assert centres.code.is_unique


def test_centres_cross_checked(centres):
    for r in centres.itertuples():
        ok = pd.notna(r.distance_km) and r.distance_km <= 10
        assert ok or (isinstance(r.reason, str) and len(r.reason) > 20), r.name
        if pd.notna(r.lon2):
            assert abs(km(r.lon, r.lat, r.lon2, r.lat2) - r.distance_km) < 0.05


def test_centres_inside_their_unit(centres, counties):
    cities = gpd.read_file(GEO / "liaoning_cities.geojson").set_index("adcode")
    for r in centres.itertuples():
        poly = (cities if r.level == "city" else counties).loc[r.code, "geometry"]
        inside = poly.contains(Point(r.lon, r.lat))
        assert inside or "outside the unit polygon" in r.reason, r.name


def test_known_centres(centres):
    c = centres.set_index("name")
    jz = c.loc["锦州市"]
    assert km(jz.lon, jz.lat, 121.13, 41.10) < 5
    pj = c.loc["盘锦市"]
    assert km(pj.lon, pj.lat, 122.07, 41.12) < 8
    assert pj.override == "source2"
    bx = c.loc["本溪市"]
    assert km(bx.lon, bx.lat, 123.77, 41.30) < 8


# --- rail / roads / rivers ---------------------------------------------------------------------


def test_osm_stations():
    st = gpd.read_file(GEO / "osm_stations.geojson")
    assert len(st) >= 400
    assert st.name.notna().sum() >= 150
    assert (st.station == "train").all()
    assert st.source.str.contains("ODbL").all()


def test_rail_lines_pass_their_stations_in_order():
    rail = gpd.read_file(GEO / "rail_lines.geojson")
    st = gpd.read_file(GEO / "osm_stations.geojson")
    named = {n: g.geometry.iloc[0] for n, g in st[st.name.notna()].groupby("name")}
    names = set(rail.name) | {a for s in rail.aliases for a in s.split(";")}
    for want in [
        "京哈铁路",
        "哈大高铁",
        "沈山铁路",
        "秦沈客专",
        "京沈高铁",
        "沈丹铁路",
        "锦承铁路",
        "锦赤铁路",
        "魏塔铁路",
        "新义铁路",
        "大郑铁路",
        "沈吉铁路",
        "长大铁路",
        "盘营高铁",
        "沈大铁路",
        "丹大铁路",
    ]:
        assert want in names, want
    m = rail.to_crs(UTM)
    for r, rm in zip(rail.itertuples(), m.itertuples(), strict=True):
        assert r.precision == "derived"
        stops = r.stations.split(";")
        srcs = r.vertex_sources.split(";")
        assert len(stops) == len(srcs) == len(r.geometry.coords)
        pos = []
        for name, src, xy in zip(stops, srcs, r.geometry.coords, strict=True):
            if src == "OSM station":
                p = named[name]
                assert km(p.x, p.y, *xy) < 0.01, (r.name, name)
                pm = gpd.GeoSeries([p], crs=4326).to_crs(UTM).iloc[0]
                assert rm.geometry.distance(pm) < 1000, (r.name, name)
                pos.append(rm.geometry.project(pm))
        assert pos == sorted(pos), r.name


def test_road_lines():
    roads = gpd.read_file(GEO / "road_lines.geojson")
    names = set(roads.name) | {a for s in roads.aliases for a in s.split(";")}
    for want in ["G1", "G15", "G16", "G25", "G1501", "G91", "G102", "G101", "G304", "G305"]:
        assert want in names, want
    assert (roads.precision == "schematic").all()
    for r in roads.itertuples():
        assert len(r.via.split(";")) == len(r.geometry.coords)


def test_rivers_cross_listed_counties(counties):
    rivers = gpd.read_file(GEO / "river_lines.geojson")
    for want in [
        "大凌河",
        "小凌河",
        "女儿河",
        "细河",
        "绕阳河",
        "浑河",
        "太子河",
        "辽河",
        "双台子河",
        "大辽河",
        "鸭绿江",
        "七里河",
        "柳河",
        "大洋河",
        "碧流河",
        "清河",
        "蒲河",
    ]:
        assert want in set(rivers.name), want
    assert set(rivers.precision) <= {"surveyed", "schematic"}
    assert (
        rivers[
            rivers.name.isin(["大凌河", "大辽河", "双台子河", "辽河", "浑河", "鸭绿江"])
        ].precision
        == "surveyed"
    ).all()
    for r in rivers.itertuples():
        listed = r.counties.split(";")
        assert listed, r.name
        for code in listed:
            assert r.geometry.intersects(counties.loc[code, "geometry"]), (r.name, code)
        hit = set(counties[counties.intersects(r.geometry)].index)
        assert hit == set(listed), r.name


# --- development zones -------------------------------------------------------------------------


def test_dev_zones(towns, counties):
    z = pd.read_csv(GEO / "dev_zones.csv", dtype=str)
    assert z.name.is_unique
    assert set(z.level) <= {"国家级", "省级", "other"}
    assert (z.level == "国家级").sum() == 17
    t = towns.set_index("code")
    for r in z.itertuples():
        if isinstance(r.host_township_code, str):
            assert t.loc[r.host_township_code, "name"] == r.host_township
        if isinstance(r.lon, str):
            p = Point(float(r.lon), float(r.lat))
            assert counties.loc[r.county, "geometry"].contains(p), r.name
            assert r.precision == "derived"
    zone_units = towns[towns.kind == "开发区"]
    listed = set(z.host_township_code.dropna())
    assert set(zone_units.code) <= listed
    jz = z.set_index("name").loc["锦州经济技术开发区"]
    assert "滨海新区" in jz.aliases.split(";")
