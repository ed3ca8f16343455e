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
    labels = [c.label for c in at.checkbox]
    assert "\u3000空间布局 · 一核两翼一轴（3）" in labels
    assert "园区（2）" in labels and "港口（1）" in labels
    assert all(c.value for c in at.checkbox)
    unres = at.dataframe[0].value  # unresolved, listed (dataframe cells are never HTML)
    assert unres["名称"].tolist() == ["东翼"]
    assert unres["原文"].tolist() == ["两翼中的东翼尚待研究确定。"] and unres["行"].tolist() == [7]
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


def test_layer_toggle_updates_url_and_is_fast(monkeypatch):
    at = app_test("map", fixture_atlas(), monkeypatch, plan="fixture-city")
    at.run()
    times = []
    for _ in range(3):
        t = time.perf_counter()
        at.checkbox(key="lyr_park").uncheck().run()
        times.append(time.perf_counter() - t)
        assert at.query_params["layers"] == "layout:一核两翼一轴~port"
        t = time.perf_counter()
        at.checkbox(key="lyr_park").check().run()
        times.append(time.perf_counter() - t)
    assert not at.exception
    assert statistics.median(times) < 1.0  # generous here; bench/app_bench.py measures


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
    assert not any(c.value for c in at.checkbox)
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
    if gpkg is None:
        pytest.skip("atlas.build is not available yet")
    at = app_test("map", gpkg, monkeypatch, plan="jinzhou-2021")
    at.run()
    assert not at.exception
    assert at.selectbox(key="map_plan").value == "jinzhou-2021"
    labels = [c.label for c in at.checkbox]
    assert any(lab.startswith("\u3000空间布局 · ") for lab in labels), labels
