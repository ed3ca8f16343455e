"""AppTest of the 实施评估 page: status table, charts, sources, county map (or its notice)."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from app_fixture import _scratch, app_test, fixture_atlas, real_atlas

#: a county report quote with Markdown and HTML in it: must be shown as typed
HOSTILE = "地区生产总值增长**5%**<b>粗</b>"


def _texts(at) -> list[str]:
    return [t.value for t in at.text]


def _links(at) -> list[str]:
    return [p.proto.label for p in at.get("page_link")]


def _charts(at) -> list:
    return at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")


def _no_empty_cells(frame: pd.DataFrame) -> None:
    cells = frame.astype(str).to_numpy().ravel().tolist()
    assert not [c for c in cells if c in ("None", "nan", "NaN", "<NA>", "")]


def county_report_atlas():
    """The fixture atlas plus a 2024 report of the county (GDP growth 5 % in 2023)."""
    from atlas import store

    src = fixture_atlas()
    frames = dict(store.read_layers(src))
    ind = store.read_indicators(src)
    row = ind[ind["plan_id"] == "fixture-county"].iloc[0].to_dict()
    row.update(
        id="fixture-county-report:indicator:gdp_growth",
        plan_id="fixture-county-report",
        key="gdp_growth",
        unit="%",
        kind="actual",
        base_year=2023,
        base_value=5.0,
        base_growth=5.0,
        target_year=None,
        target_value=None,
        target_text="",
        growth=None,
        source_line=1,
        source_quote=HOSTILE,
    )
    frames["indicators"] = pd.concat([ind, pd.DataFrame([row])], ignore_index=True)
    plans = store.list_plans(src)
    rep = plans[plans["plan_id"] == "fixture-county"].iloc[0].to_dict()
    folder = _scratch("atlas-app-mon-")
    (folder / "report.txt").write_text(HOSTILE + "\n", encoding="utf-8")
    rep.update(
        plan_id="fixture-county-report",
        kind="work-report",
        period="2023-2024",
        title="凌海示例市政府工作报告",
        text_path=str(folder / "report.txt"),
    )
    frames["plans"] = pd.concat([plans, pd.DataFrame([rep])], ignore_index=True)
    return store.write_atlas(folder / "atlas.gpkg", frames)


def test_jinzhou_gdp_and_investment_behind_with_sources(monkeypatch):
    gpkg = real_atlas()
    if gpkg is None:
        pytest.skip("atlas.build is not available yet")
    at = app_test("monitoring", gpkg, monkeypatch, plan="jinzhou-2021")
    at.run()
    assert not at.exception
    assert at.selectbox[0].value == "jinzhou-2021"
    table = at.dataframe[0].value
    _no_empty_cells(table)
    gdp = table[table["指标"] == "地区生产总值"].iloc[0]
    assert gdp["状态"] == "滞后" and "年均6.5%" in gdp["目标"] and gdp["实际"] == "2023年 增长5.4%"
    assert gdp["出处"] == "jinzhou-2021:204；jinzhou-2024-report:17"
    fai = table[table["指标"] == "固定资产投资"].iloc[0]
    assert fai["状态"] == "滞后" and "年均10%" in fai["目标"] and fai["实际"] == "2023年 增长7.5%"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"超前": "2", "符合进度": "0", "滞后": "4", "已完成": "3", "无法判断": "35"}
    links = _links(at)
    assert "目标出处：jinzhou-2021 第204行" in links
    assert "实际增速出处：jinzhou-2024-report 第17行" in links
    assert "目标出处：jinzhou-2021 第206行" in links
    texts = _texts(at)
    assert "“地区生产总值增长5.4%”" in texts and "“固定资产投资增长7.5%”" in texts
    assert any("1.地区生产总值" in t and "1500左右" in t for t in texts)  # the target line
    assert "“高新技术企业154家”" in texts  # the base filled from line 23 quotes its own row
    assert len(_charts(at)) == 9  # one per target with a later figure
    notice = " ".join(i.value for i in at.info)
    assert "无法按县绘制" in notice  # no county report in the bundled plans: no empty map


def test_page_links_open_the_reader_at_the_line(monkeypatch):
    gpkg = real_atlas()
    if gpkg is None:
        pytest.skip("atlas.build is not available yet")
    at = app_test("monitoring", gpkg, monkeypatch, plan="jinzhou-2021")
    at.run()
    link = next(p for p in at.get("page_link") if p.proto.label.endswith("第204行"))
    assert link.proto.page == "reader"
    assert link.proto.query_string == "plan=jinzhou-2021&line=204"


def test_fixture_without_later_documents(monkeypatch):
    at = app_test("monitoring", fixture_atlas(), monkeypatch, plan="fixture-city")
    at.run()
    assert not at.exception
    table = at.dataframe[0].value
    _no_empty_cells(table)
    assert set(table["状态"]) == {"无法判断"}
    assert "没有可比较的实际值" in " ".join(i.value for i in at.info)
    assert _texts(at)[0].startswith("对照文件：无")


def test_county_report_gives_a_status_map(monkeypatch):
    at = app_test("monitoring", county_report_atlas(), monkeypatch, plan="fixture-county")
    at.run()
    assert not at.exception
    table = at.dataframe[0].value
    gdp = table[table["指标"] == "地区生产总值"].iloc[0]
    assert gdp["状态"] == "滞后" and gdp["实际"] == "2023年 增长5%"  # 5 % against 7 %/yr
    assert f"“{HOSTILE}”" in _texts(at)  # plan text as typed, never rendered
    assert not [m for m in at.markdown if "粗" in m.value]
    assert at.selectbox(key="mon_county_key").value == "gdp"
    charts = _charts(at)
    spec = json.loads(charts[-1].proto.spec)
    assert spec["mark"]["type"] == "geoshape"
    status = {f["properties"]["名称"]: f["properties"]["状态"] for f in spec["data"]["values"]}
    assert status["凌海市"] == "滞后" and status["古塔区"] == "无数据"
    scale = spec["encoding"]["color"]["scale"]
    assert dict(zip(scale["domain"], scale["range"], strict=True))["滞后"] == "#d73027"
    assert not [i for i in at.info if "无法按县绘制" in i.value]
