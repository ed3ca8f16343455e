"""AppTest of the 导出 page: downloads of the selection; snapshot/deck availability."""

import json

from app_fixture import app_test, fixture_atlas


def test_export_selection_downloads(monkeypatch):
    at = app_test("export", fixture_atlas(), monkeypatch, plan="fixture-city")
    at.run()
    assert not at.exception
    labels = [b.label for b in at.get("download_button")]
    assert labels[:4] == ["GeoJSON", "GeoPackage", "KML", "指标 CSV"]
    assert "已选 3 个图层、7 个要素" in at.markdown[0].value
    at.multiselect[0].set_value(["port"]).run()
    assert "已选 1 个图层、1 个要素" in at.markdown[0].value
    assert at.get("download_button")[0].proto.label == "GeoJSON"


def test_export_geojson_content():
    import geopandas as gpd
    import pandas as pd

    from atlas import export, store

    fr = store.read_layers(fixture_atlas(), "fixture-city")
    data = json.loads(export.geojson_bytes(gpd.GeoDataFrame(pd.concat(fr.values()), crs=4326)))
    names = {f["properties"]["name"] for f in data["features"]}
    assert {"锦州港", "锦州中心城区", "东翼"} <= names


def test_export_snapshot_png(monkeypatch):
    at = app_test("export", fixture_atlas(), monkeypatch, plan="fixture-city")
    at.run()
    snap_button = next(b for b in at.button if b.label == "生成快照")
    snap_button.click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert "下载 PNG" in [b.label for b in at.get("download_button")]
    assert at.get("imgs") or at.image  # the PNG is previewed


def test_export_takes_the_map_selection(monkeypatch):
    at = app_test(
        "export",
        fixture_atlas(),
        monkeypatch,
        plan="fixture-city",
        layers="layout:一核两翼一轴~port",
    )
    at.run()
    assert not at.exception
    assert at.multiselect[0].value == ["layout", "port"]
    # 3 drawn layout elements + the unresolved 东翼 of that slogan + the port
    assert "已选 2 个图层、5 个要素" in at.markdown[0].value


def test_export_deck_and_its_download_button_stays(monkeypatch):
    at = app_test("export", fixture_atlas(), monkeypatch, plan="fixture-city")
    at.run()
    next(b for b in at.button if b.label == "生成 PPTX").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert "下载 PPTX" in [b.label for b in at.get("download_button")]
    # a download click reruns the page: the button must still be there afterwards
    at.run()
    assert "下载 PPTX" in [b.label for b in at.get("download_button")]
