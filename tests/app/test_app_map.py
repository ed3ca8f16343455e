"""AppTest of the 地图 page: layer tree, side panel with sources, unresolved list, URL state."""

import statistics
import time

import pytest
from app_fixture import EVIL_NAME, app_test, fixture_atlas, real_atlas


def _html(at) -> str:
    return "\n".join(h.proto.body for h in at.get("html"))


def test_map_page_layer_tree_and_unresolved(monkeypatch):
    at = app_test("map", fixture_atlas(), monkeypatch, plan="fixture-city")
    at.run()
    assert not at.exception
    assert at.header[0].value == "地图"
    # the layer tree is in the map (toggled in the browser): every group is in the page, the
    # plan's 核 layout alone is shown at first
    assert not at.checkbox
    script = _map_args(at)["script"]
    assert (
        '"key": "layout:一核两翼一轴", "label": "一核两翼一轴", "kind": "layout", "n": 3' in script
    )
    assert '"key": "park", "label": "园区", "kind": "layer", "n": 2' in script
    assert '"visible": ["layout:一核两翼一轴"]' in script
    assert '"defaults": ["layout:一核两翼一轴"]' in script
    unres = at.dataframe[0].value  # unresolved, listed (dataframe cells are never HTML)
    assert unres["名称"].tolist() == ["东翼"]
    assert unres["原文"].tolist() == ["两翼中的东翼尚待研究确定。"]
    assert unres["行"].tolist() == ["第 7 行"]
    cells = unres.astype(str).to_numpy().ravel().tolist()
    assert not {"None", "nan", "NaN", "<NA>"} & set(cells)
    assert not any(c.isascii() and c.strip() for c in unres["原因"])  # Chinese reasons
    assert at.selectbox(key="map_plan").value == "fixture-city"


def test_selected_feature_panel_shows_source_escaped(monkeypatch):
    fid = f"fixture-city:park:{EVIL_NAME}"
    at = app_test("map", fixture_atlas(), monkeypatch, plan="fixture-city", feature=fid)
    at.run()
    assert not at.exception
    body = _html(at)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;测试园" in body
    assert "<script>alert" not in body and "<img" not in body
    assert "onerror=&quot;alert(2)&quot;" in body  # the verbatim quote, escaped
    assert "第 11 行" in body and "reader?plan=fixture-city&amp;line=11" in body
    assert "示意" in body  # precision label


def test_panel_for_a_plain_feature(monkeypatch):
    at = app_test(
        "map", fixture_atlas(), monkeypatch, plan="fixture-city", feature="fixture-city:port:锦州港"
    )
    at.run()
    body = _html(at)
    assert '<b class="atlas-name">锦州港</b>' in body
    assert "推进锦州港扩能改造，建设区域性枢纽港。" in body and "第 10 行" in body


@pytest.mark.timing
def test_layers_in_the_url_are_shown_first_and_reruns_are_fast(monkeypatch):
    at = app_test("map", fixture_atlas(), monkeypatch, plan="fixture-city", layers="park~port")
    at.run()
    assert not at.exception
    assert '"visible": ["park", "port"]' in _map_args(at)["script"]
    assert at.query_params["layers"] == "park~port"
    times = []
    for _ in range(3):  # a rerun (e.g. a click) keeps the map and the layers
        t = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - t)
        assert at.query_params["layers"] == "park~port"
    assert statistics.median(times) < 1.0  # generous here; bench/app_bench.py measures


def test_layers_reported_by_the_map_reach_the_url():
    import pages._support as sup

    grouped = {"layout:一核两翼一轴": 0, "park": 0, "port": 0}
    rep = [{"name": "__set", "url": ""}, {"name": "port", "url": ""}, {"name": "park"}]
    assert sup.layers_from_map(rep, grouped) == ("park", "port")  # in layer-tree order
    assert sup.layers_from_map([{"name": "__set"}], grouped) == ()
    assert sup.layers_from_map(None, grouped) is None  # not reported yet
    assert sup.layers_from_map([{"name": "port"}], grouped) is None  # not ours
    assert sup.layers_from_map([{"name": "__set"}, {"name": "x"}], grouped) is None


def test_url_state_restores_view(monkeypatch):
    at = app_test(
        "map",
        fixture_atlas(),
        monkeypatch,
        plan="fixture-county",
        layers="-",
        basemap="osm",
        overlay="gdp:growth",
    )
    at.run()
    assert not at.exception
    assert at.selectbox(key="map_plan").value == "fixture-county"
    assert '"visible": []' in _map_args(at)["script"]
    assert at.radio(key="map_bm").value == "osm"
    assert at.selectbox(key="map_overlay").value == "gdp"
    assert at.query_params["overlay"] == "gdp:growth"


def test_search_finds_feature(monkeypatch):
    at = app_test("map", fixture_atlas(), monkeypatch, plan="fixture-city")
    at.run()
    at.text_input(key="map_search").input("高新").run()
    assert not at.exception
    options = at.sidebar.radio[-1].options
    assert any("锦州高新技术产业开发区" in o for o in options)
    assert "center" in at.query_params and at.query_params["zoom"] == "12"


def test_map_page_on_real_build(monkeypatch):
    gpkg = real_atlas()
    assert gpkg is not None, "atlas.build did not produce the real atlas"
    at = app_test("map", gpkg, monkeypatch, plan="jinzhou-2021")
    at.run()
    assert not at.exception
    assert at.selectbox(key="map_plan").value == "jinzhou-2021"
    args = _map_args(at)
    assert (
        '"kind": "layout"' in args["script"]
        and '"visible": ["layout:一核一带三轴三片区"]' in (args["script"])
    )
    size = len(args["script"].encode()) + len(args["header"].encode()) + len(args["html"].encode())
    assert size < 2_000_000, f"锦州 map payload {size / 1e6:.2f} MB"  # all layers, offline basemap


def _map_args(at) -> dict:
    import json

    comp = [c for c in at.get("component_instance") if "folium" in c.proto.component_name]
    assert len(comp) == 1
    return json.loads(comp[0].proto.json_args)


def test_overlay_choropleth_reaches_the_map(monkeypatch):
    at = app_test("map", fixture_atlas(), monkeypatch, plan="fixture-city", overlay="gdp:target")
    at.run()
    assert not at.exception
    script = _map_args(at)["script"]
    assert "地区生产总值 · 目标值（亿元）" in script  # legend title
    assert "锦州市：1,500 亿元（fixture-city）" in script  # tooltip of the city polygon
    assert "凌海市：300 亿元（fixture-county）" in script
    assert all(u.startswith("/app/static/") for u in _map_args(at)["js_links"])


def test_gaode_basemap_shifts_on_screen_and_tianditu_needs_a_key(monkeypatch):
    monkeypatch.delenv("TIANDITU_KEY", raising=False)
    at = app_test("map", fixture_atlas(), monkeypatch, plan="fixture-city", basemap="gaode")
    at.run()
    assert not any("天地图" in o for o in at.radio(key="map_bm").options)
    assert "高德地图（GCJ-02，需联网）" in at.radio(key="map_bm").options
    script = _map_args(at)["script"]
    assert "autonavi.com" in script
    # offline: the tiles give way to the vector basemap, with a notice on the map
    assert "需联网，当前无法加载：已改用离线矢量底图" in script and "tileerror" in script
    assert "[121.08, 40.81]" not in script  # the port is drawn shifted to GCJ-02 ...
    assert "[121.085" in script  # ... by about +0.005° in longitude
    monkeypatch.setenv("TIANDITU_KEY", "k-test")
    at = app_test("map", fixture_atlas(), monkeypatch, plan="fixture-city", basemap="tianditu")
    at.run()
    assert "天地图（需联网）" in at.radio(key="map_bm").options
    assert "tk=k-test" in _map_args(at)["script"]


def test_search_includes_gazetteer_places(monkeypatch):
    at = app_test("map", fixture_atlas(), monkeypatch, plan="fixture-city")
    at.run()
    at.text_input(key="map_search").input("锦州").run()
    options = at.sidebar.radio[-1].options
    assert "锦州港" in options  # a feature
    assert any(o.startswith("锦州市（地级市") for o in options)  # a gazetteer place


def test_without_an_atlas_the_pages_say_how_to_build_one(monkeypatch, tmp_path):
    for page in ("map", "reader", "indicators", "compare", "export"):
        at = app_test(page, tmp_path / "missing.gpkg", monkeypatch)
        at.run()
        assert not at.exception, page
        assert "尚未生成图集" in at.warning[0].value and "atlas build" in at.warning[0].value


def test_hostile_query_parameters_are_harmless(monkeypatch):
    at = app_test(
        "map",
        fixture_atlas(),
        monkeypatch,
        plan="<script>",
        layers="<img onerror=x>",
        overlay="x:y",
        basemap="javascript:",
        center="nan,nan",
        zoom="1e309",
        feature="<script>alert(1)</script>",
    )
    at.run()
    assert not at.exception
    assert at.selectbox(key="map_plan").value == "fixture-city"  # unknown plan: the first one
    assert at.radio(key="map_bm").value == "offline"
    assert "<script>" not in "".join(h.proto.body for h in at.get("html"))


def test_feature_list_selects_and_the_url_follows(monkeypatch):
    at = app_test("map", fixture_atlas(), monkeypatch, plan="fixture-city")
    at.run()
    assert at.selectbox(key="map_pick").value == ""
    at.selectbox(key="map_pick").set_value("fixture-city:layout:锦阜城镇发展轴").run()
    assert not at.exception
    body = "".join(h.proto.body for h in at.get("html"))
    assert "一轴：锦阜城镇发展轴，串联锦州、阜新两市。" in body and "锚点：锦州市、阜新市" in body
    assert at.query_params["feature"] == "fixture-city:layout:锦阜城镇发展轴"
    at.radio(key="map_bm").set_value("osm").run()  # other interactions keep the selection
    assert at.selectbox(key="map_pick").value == "fixture-city:layout:锦阜城镇发展轴"
