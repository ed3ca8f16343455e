"""The folium web map: offline assets, planning symbology, escaping, overlay, basemaps."""

import json
import re

import pandas as pd
import pytest
from app_fixture import EVIL_NAME, fixture_frames, indicator_rows

from atlas.places import geodata
from atlas.render.web import webmap
from atlas.render.web.assets import local_asset_files, remote_urls, use_local_assets


@pytest.fixture(scope="module")
def frames():
    return fixture_frames()


@pytest.fixture(scope="module")
def page(frames):
    return webmap.build_map(frames).get_root().render()


def _payload(frames, key, **kw):
    return json.loads(webmap.group_payload(webmap.groups(frames)[key], **kw))


def test_offline_page_references_only_local_assets(page):
    assert remote_urls(page) == []
    assert '<script src="/app/static/leaflet/leaflet.js">' in page
    for js in ("leaflet.fullscreen/Control.FullScreen.js", "leaflet-measure/leaflet-measure"):
        assert f"/app/static/{js}" in page
    assert "L.Control.MiniMap" in page and "leaflet-minimap/Control.MiniMap.min.js" in page
    assert "tile.openstreetmap.org" not in page and "autonavi" not in page


def test_local_asset_files_exist():
    files = local_asset_files()
    assert files[0].name == "leaflet.js"
    assert all(f.is_file() for f in files)


def test_use_local_assets_drops_unused_cdn_assets():
    import folium

    m = use_local_assets(folium.Map(tiles=None), "static")
    names = [n for n, _ in m.default_js]
    assert names == ["leaflet"] and m.default_js[0][1] == "static/leaflet/leaflet.js"
    assert folium.Map.default_js[0][1].startswith("https://")  # class default untouched


def test_features_drawn_with_names_and_sources(page):
    for name in (
        "锦州中心城区",
        "锦阜城镇发展轴",
        "锦州高新技术产业开发区",
        "锦州港",
        "沿海经济带",
    ):
        assert name in page
    assert "第 9 行" in page and "做强锦州高新技术产业开发区" in page
    assert "/reader?plan=fixture-city&amp;line=9" in page


def test_unresolved_listed_not_drawn(frames, page):
    un = webmap.unresolved(frames)
    assert un["name"].tolist() == ["东翼"]
    assert "fixture-city:layout:东翼" not in page
    assert all(len(g) for g in webmap.groups(frames).values())


def test_layer_tree_groups_layouts_by_slogan(frames):
    keys = list(webmap.groups(frames))
    assert set(keys[:2]) == {"layout:一核两翼一轴", "layout:一带"}  # layouts first
    assert {"park", "port"} <= set(keys)
    assert webmap.group_label("layout:一核两翼一轴") == "空间布局 · 一核两翼一轴"
    assert webmap.group_label("park") == "园区"


def test_visible_subset_only(frames):
    # every group is in the page (toggled in the browser); only "port" is shown at first
    html = webmap.build_map(frames, visible=["port"]).get_root().render()
    assert '"visible": ["port"]' in html
    assert "锦州港" in html and "锦州中心城区" in html


def test_plan_text_is_escaped_everywhere(page, frames):
    assert EVIL_NAME not in page
    assert "<script>alert" not in page
    assert 'onerror="alert' not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;测试园" in page
    assert "onerror=&quot;alert(2)&quot;" in page
    # the panel uses the same popup builder
    row = pd.Series(fixture_frames()["park"].iloc[-1])
    pop = webmap.popup_html(row)
    assert "&lt;img src=x onerror=&quot;alert(2)&quot;&gt;" in pop and "<img" not in pop


def test_axis_has_arrowhead_at_its_end(frames):
    feats = _payload(frames, "layout:一核两翼一轴")["features"]
    arrow = [f for f in feats if f["properties"].get("_arrow")]
    assert len(arrow) == 1
    ring = arrow[0]["geometry"]["coordinates"][0]
    tip_lat = max(p[1] for p in ring)
    assert tip_lat > 42.02  # beyond the last anchor (阜新 direction, north-east)
    assert arrow[0]["properties"]["_s"]["fillColor"] == "#7c3aed"


def test_core_halo_and_schematic_dash(frames):
    feats = _payload(frames, "layout:一核两翼一轴")["features"]
    halos = [f for f in feats if f["properties"].get("_x")]
    assert len(halos) == 1 and halos[0]["properties"]["_s"]["weight"] == 14
    assert feats[0] is halos[0] or feats.index(halos[0]) == 0  # halo drawn beneath
    wing = next(f for f in feats if "西部山区" in f["properties"].get("_t", ""))
    assert wing["properties"]["_s"]["dashArray"] == "3 3"  # schematic
    core = next(
        f
        for f in feats
        if "锦州中心城区" in f["properties"].get("_t", "") and "_p" in f["properties"]
    )
    assert "dashArray" not in core["properties"]["_s"]  # admin: solid


def test_point_icons_by_role(frames):
    feats = _payload(frames, "port")["features"]
    assert "港" in feats[0]["properties"]["_i"] and "#0c4a6e" in feats[0]["properties"]["_i"]
    park = _payload(frames, "park")["features"]
    assert all("园" in f["properties"]["_i"] for f in park)


def test_coordinates_have_six_decimals(frames):
    text = webmap.group_payload(webmap.groups(frames)["layout:一带"])
    decimals = {len(m) for m in re.findall(r"\d+\.(\d+)", text.split('"_s"')[0])}
    assert max(decimals) <= 6


def test_gaode_shift_only_on_screen(frames):
    wgs = _payload(frames, "port")["features"][0]["geometry"]["coordinates"]
    gcj = _payload(frames, "port", gcj=True)["features"][0]["geometry"]["coordinates"]
    assert 0.003 < gcj[0] - wgs[0] < 0.009 and 0.0005 < gcj[1] - wgs[1] < 0.004
    assert fixture_frames()["port"].geometry.iloc[0].x == pytest.approx(121.08)  # data untouched
    html = webmap.build_map(frames, basemap="gaode").get_root().render()
    assert "autonavi.com" in html
    shifted = webmap.group_payload(webmap.groups(frames)["layout:一带"], gcj=True)
    assert max(len(d) for d in re.findall(r"\d+\.(\d+)", shifted.split('"_s"')[0])) <= 6


def test_tianditu_needs_key():
    html = webmap.build_map({}, basemap="tianditu").get_root().render()
    assert "tianditu" not in html  # no key: falls back to the offline basemap
    html = webmap.build_map({}, basemap="tianditu", tianditu_key="K123").get_root().render()
    assert "tianditu.gov.cn/vec_w" in html and "tk=K123" in html


def test_legend_from_style_spec(page):
    for label in ("图例", "核心/中心", "发展轴", "翼", "带", "片区/板块", "园区", "港口/港区"):
        assert label in page
    assert "示意" in page and "规则推算" in page  # precision legend


def test_choropleth_classifies_jurisdictions():
    polys = pd.concat([geodata.counties(), geodata.cities()], ignore_index=True)
    ind = pd.DataFrame(indicator_rows())
    ch = webmap.choropleth(ind, polys, "gdp", "target")
    assert ch.title == "地区生产总值 · 目标值（亿元）"
    vals = dict(zip(ch.frame["adcode"], ch.frame["value"], strict=True))
    assert vals == {"210700": 1500.0, "210781": 300.0}
    colors = dict(zip(ch.frame["adcode"], ch.frame["color"], strict=True))
    assert colors["210700"] != colors["210781"]
    assert len(ch.classes) == 2
    growth = webmap.choropleth(ind, polys, "gdp", "growth")
    assert set(growth.frame["value"]) == {6.0, 7.0} and "年均增速" in growth.title
    html = webmap.build_map(fixture_frames(), overlay=ch).get_root().render()
    assert "地区生产总值 · 目标值（亿元）" in html and "凌海市：300 亿元" in html
    assert webmap.choropleth(ind, polys, "no_such_key", "target") is None


def test_offline_basemap_layers():
    from atlas.render.web.basemap import offline_layers

    names = [lay.name for lay in offline_layers()]
    assert names[0] == "省域" and "市界" in names and "区县界" in names
    labels = [t for lay in offline_layers() for _, _, t in lay.labels]
    assert "锦州市" in labels


def test_template_syntax_in_plan_text_is_not_evaluated():
    import geopandas as gpd
    from shapely.geometry import Point

    row = {
        "id": "p:park:x",
        "plan_id": "p",
        "layer": "park",
        "layout": "",
        "component": "",
        "role": "park",
        "name": "{{ 7*7 }}园",
        "precision": "surveyed",
        "confidence": 0.9,
        "anchors": "",
        "source_line": 3,
        "source_quote": "{% for x in range(3) %}坏{% endfor %}",
    }
    gdf = gpd.GeoDataFrame([row], geometry=[Point(121.1, 41.1)], crs=4326)
    html = webmap.build_map({"park": gdf}).get_root().render()
    assert "{{ 7*7 }}园" in html and "49园" not in html
    assert "{% for x in range(3) %}坏{% endfor %}" in html and "坏坏坏" not in html


def test_single_point_is_fitted_to_a_finite_box(frames):
    html = webmap.build_map(frames, visible=["port"]).get_root().render()
    m = re.search(r"fitBounds\(\s*\[\[([\d.]+), ([\d.]+)\], \[([\d.]+), ([\d.]+)\]\]", html)
    lat0, lon0, lat1, lon1 = (float(v) for v in m.groups())
    assert lat1 - lat0 > 0.29 and lon1 - lon0 > 0.29
    assert lat0 < 40.81 < lat1 and lon0 < 121.08 < lon1


def test_map_opens_on_the_jurisdiction_not_on_far_axes():
    import geopandas as gpd
    from shapely.geometry import LineString, box

    base = {
        "plan_id": "p",
        "layout": "",
        "component": "",
        "precision": "admin",
        "confidence": 1.0,
        "anchors": "",
        "source_line": 1,
        "source_quote": "q",
    }
    admin = gpd.GeoDataFrame(
        [{**base, "id": "p:admin:j", "layer": "admin", "role": "jurisdiction", "name": "锦州市"}],
        geometry=[box(120.6, 40.7, 122.0, 42.1)],
        crs=4326,
    )
    axis = gpd.GeoDataFrame(
        [
            {
                **base,
                "id": "p:layout:a",
                "layer": "layout",
                "layout": "一轴",
                "role": "axis",
                "name": "京沈城镇发展轴",
                "precision": "derived",
            }
        ],
        geometry=[LineString([(116.4, 39.9), (121.1, 41.1), (123.4, 41.8)])],
        crs=4326,
    )
    frames = {"admin": admin, "layout": axis}
    assert webmap.home_bounds(frames) == (120.6, 40.7, 122.0, 42.1)
    html = webmap.build_map(frames, home=webmap.home_bounds(frames)).get_root().render()
    assert re.search(r"fitBounds\(\s*\[\[40\.7, 120\.6\], \[42\.1, 122\.0\]\]", html)
    assert webmap.home_bounds({"layout": axis}) is None


def test_place_names_sit_at_the_seat_not_the_polygon_centre():
    from atlas.render.web.basemap import offline_layers

    labels = {t: (lat, lon) for lay in offline_layers() for lat, lon, t in lay.labels}
    lat, lon = labels["锦州市"]
    assert abs(lat - 41.0936) < 0.001 and abs(lon - 121.1212) < 0.001  # china_units.csv seat
    # the polygon's own interior point is tens of kilometres away
    from atlas.places import geodata

    cities = geodata.cities()
    p = cities[cities["name"] == "锦州市"].geometry.iloc[0].representative_point()
    assert abs(p.y - lat) + abs(p.x - lon) > 0.1


def test_a_jurisdiction_in_two_parts_opens_on_the_part_its_first_layout_touches():
    """营口站前区 has a detached northern part; its 一核两翼 lies in the southern one. The map
    opens on the southern part (the layout fills the view), not on both (a corner)."""
    import geopandas as gpd
    from shapely.geometry import MultiPolygon, box

    base = {"plan_id": "p", "component": "", "precision": "admin", "confidence": 1.0}
    base |= {"anchors": "", "source_line": 1, "source_quote": "q"}
    south, north = box(122.20, 40.65, 122.30, 40.74), box(122.33, 40.81, 122.41, 40.92)
    admin = gpd.GeoDataFrame(
        [
            {
                **base,
                "id": "a",
                "layer": "admin",
                "layout": "",
                "role": "jurisdiction",
                "name": "站前区",
            }
        ],
        geometry=[MultiPolygon([south, north])],
        crs=4326,
    )

    def layout(name, geom):
        row = {**base, "id": name, "layer": "layout", "layout": name, "role": "core", "name": name}
        return gpd.GeoDataFrame([{**row, "precision": "schematic"}], geometry=[geom], crs=4326)

    core = layout("一核两翼", box(122.23, 40.66, 122.26, 40.68))
    assert webmap.home_bounds({"admin": admin, "layout": core}) == (122.20, 40.65, 122.30, 40.74)
    # a later layout in the north part does not move the first view; no layout: both parts
    other = layout("两带", box(122.35, 40.85, 122.37, 40.86))
    other["source_line"] = 9
    both = gpd.GeoDataFrame(pd.concat([core, other]), crs=4326)
    assert webmap.home_bounds({"admin": admin, "layout": both}) == (122.20, 40.65, 122.30, 40.74)
    assert webmap.home_bounds({"admin": admin}) == (122.20, 40.65, 122.41, 40.92)
