"""GeoPackage store: round trip, plan filter, integrity, atomic replace."""

from __future__ import annotations

import pandas as pd
import pytest
from shapely.geometry import LineString, Point, box

from atlas import store
from atlas.errors import InputError, SchemaError
from atlas.schema import COLUMNS, PLAN_COLUMNS, frame, indicator_table


def row(plan, layer, name, geom, precision="derived", line=5):
    return {
        "id": f"{plan}:{layer}:{name}",
        "plan_id": plan,
        "layer": layer,
        "layout": "一核两翼" if layer == "layout" else "",
        "component": "一核" if layer == "layout" else "",
        "role": "core",
        "name": name,
        "precision": precision,
        "confidence": 0.7 if geom is not None else 0.0,
        "anchors": "甲镇;乙镇",
        "source_line": line,
        "source_quote": f"“{name}”即……",
        "provenance": "extracted",
        "rule": "union_of_areas",
        "note": "",
        "area_km2": 5.3483 if name == "南翼" else None,
        "geometry": geom,
    }


@pytest.fixture(scope="module")
def frames():
    lay = frame(
        [
            row("a-2021", "layout", "核心", box(121, 41, 121.1, 41.1)),
            row("a-2021", "layout", "南翼", Point(121.05, 41.0)),
            row("a-2021", "layout", "双廊", None, "unresolved"),
            row("b-2021", "layout", "轴", LineString([(120, 40), (121, 41)])),
        ]
    )
    ind = indicator_table(
        [
            {
                "id": "a-2021:indicator:gdp",
                "plan_id": "a-2021",
                "adcode": "210781",
                "name": "GDP",
                "unit": "亿元",
                "base_year": 2020,
                "base_value": 147.0,
                "target_year": 2025,
                "target_value": 200.0,
                "source_line": 27,
                "source_quote": "地区生产总值",
            },
            {
                "id": "b-2021:indicator:gdp",
                "plan_id": "b-2021",
                "adcode": "210700",
                "name": "GDP",
                "unit": "亿元",
                "source_line": 9,
                "source_quote": "x",
            },
        ]
    )
    plans = pd.DataFrame(
        [
            {
                "plan_id": "b-2021",
                "jurisdiction": "锦州市",
                "adcode": "210700",
                "text_path": "geodata/plans/b.txt",
            },
            {
                "plan_id": "a-2021",
                "jurisdiction": "凌海市",
                "adcode": "210781",
                "text_path": "geodata/plans/a.txt",
            },
        ],
        columns=list(PLAN_COLUMNS),
    )
    plans = plans.astype(object).where(plans.notna(), "")
    return {"layout": lay, "indicators": ind, "plans": plans}


@pytest.fixture(scope="module")
def gpkg(frames, tmp_path_factory):
    return store.write_atlas(tmp_path_factory.mktemp("store") / "atlas.gpkg", frames)


def test_round_trip_keeps_schema_values_and_nulls(gpkg, frames):
    back = store.read_layer(gpkg, "layout")
    assert tuple(c for c in back.columns if c != "geometry") == COLUMNS
    assert back.crs.to_epsg() == 4326
    assert list(back["id"]) == list(frames["layout"]["id"])
    south = back[back["name"] == "南翼"].iloc[0]
    assert south.geometry.equals(Point(121.05, 41.0))
    assert south["area_km2"] == pytest.approx(5.3483)
    assert south["source_quote"] == "“南翼”即……"
    assert back[back["precision"] == "unresolved"].geometry.isna().all()
    assert str(back["source_line"].dtype) == "int64"


def test_plan_filter_is_pushed_down(gpkg):
    a = store.read_layers(gpkg, plan_id="a-2021")
    assert set(a) == {"layout"} and set(a["layout"]["plan_id"]) == {"a-2021"}
    assert len(a["layout"]) == 3
    assert store.read_layer(gpkg, "layout", plan_id="o'brien").empty  # quotes are escaped
    assert store.read_layer(gpkg, "park").empty  # absent layer → empty frame with the schema
    assert list(store.read_layer(gpkg, "park").columns)[: len(COLUMNS)] == list(COLUMNS)


def test_indicators_and_plans(gpkg):
    ind = store.read_indicators(gpkg, plan_id="a-2021")
    assert len(ind) == 1 and ind.iloc[0]["target_value"] == 200.0
    assert str(ind["target_year"].dtype) == "Int64" and ind.iloc[0]["target_year"] == 2025
    assert len(store.read_indicators(gpkg)) == 2
    plans = store.list_plans(gpkg)
    assert list(plans["plan_id"]) == ["a-2021", "b-2021"]
    assert plans.iloc[0]["text_path"] == "geodata/plans/a.txt"


def test_integrity_and_tables(gpkg):
    assert store.integrity_check(gpkg) == "ok"
    assert set(store.list_tables(gpkg)) == {"layout", "indicators", "plans"}


def test_failed_write_keeps_the_previous_store(gpkg, frames):
    before = gpkg.read_bytes()
    broken = dict(frames, layout=frames["layout"].drop(columns=["rule"]))
    with pytest.raises(SchemaError):
        store.write_atlas(gpkg, broken)
    assert gpkg.read_bytes() == before
    assert not [p for p in gpkg.parent.iterdir() if p.name.startswith(".")]


def test_missing_store_and_unknown_layer_are_input_errors(gpkg, tmp_path):
    with pytest.raises(InputError, match="atlas build"):
        store.read_layer(tmp_path / "none.gpkg", "layout")
    with pytest.raises(InputError, match="unknown layer"):
        store.read_layer(gpkg, "rivers")
