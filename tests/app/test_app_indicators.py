"""AppTest of the 指标 page: table values, cross-plan comparison, downloads."""

import pytest
from app_fixture import app_test, fixture_atlas, real_atlas


def test_indicator_table_and_comparison(monkeypatch):
    at = app_test("indicators", fixture_atlas(), monkeypatch, plan="fixture-city")
    at.run()
    assert not at.exception
    table = at.dataframe[0].value
    gdp = table[table["指标"] == "地区生产总值"].iloc[0]
    # shown as text: a column with gaps shows empty cells, never "None"/"nan"
    vals = [float(str(gdp[c]).replace(",", "")) for c in ("基期值", "目标值", "年均增速(%)")]
    assert vals == [1100.0, 1500.0, 6.0]
    cells = set(table.astype(str).to_numpy().ravel())
    assert not {"None", "nan", "NaN", "<NA>"} & cells
    assert gdp["属性"] == "预期性" and gdp["单位"] == "亿元"
    assert table[table["指标"] == "森林覆盖率"].iloc[0]["属性"] == "约束性"
    cmp = at.dataframe[1].value
    row = cmp[cmp["规范键"] == "gdp"].iloc[0]
    assert row["锦州市（fixture-city）"] in (1500.0, "1,500")
    assert row["锦州市凌海市（fixture-county）"] in (300.0, "300")
    assert not {"None", "nan", "NaN"} & set(cmp.astype(str).to_numpy().ravel())
    labels = [b.label for b in at.get("download_button")]
    assert "下载 CSV" in labels and "下载 XLSX" in labels


def test_comparison_switches_measure(monkeypatch):
    at = app_test("indicators", fixture_atlas(), monkeypatch, plan="fixture-county")
    at.run()
    at.radio[0].set_value("growth").run()
    cmp = at.dataframe[-1].value
    row = cmp[cmp["规范键"] == "gdp"].iloc[0]
    assert row["锦州市凌海市（fixture-county）"] == 7.0


def test_indicators_on_real_build(monkeypatch):
    gpkg = real_atlas()
    assert gpkg is not None, "atlas.build did not produce the real atlas"
    at = app_test("indicators", gpkg, monkeypatch, plan="jinzhou-2021")
    at.run()
    assert not at.exception
    table = at.dataframe[0].value
    assert "地区生产总值" in " ".join(table["指标"].astype(str))
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")  # base vs target chart


def test_base_vs_target_pairs_rows():
    import pandas as pd

    import pages._support as sup

    df = pd.DataFrame(
        [
            {
                "name": "地区生产总值",
                "unit": "亿元",
                "kind": "actual",
                "base_year": 2020,
                "base_value": "147",
                "target_year": None,
                "target_value": None,
            },
            {
                "name": "地区生产总值",
                "unit": "亿元",
                "kind": "target",
                "base_year": None,
                "base_value": None,
                "target_year": 2025,
                "target_value": 200.0,
            },
            {
                "name": "城镇登记失业率",
                "unit": "%",
                "kind": "target",
                "base_year": None,
                "base_value": None,
                "target_year": 2025,
                "target_value": 4.0,
            },
        ]
    )
    out = sup.base_vs_target(df)
    assert out.to_dict("records") == [
        {"指标": "地区生产总值（亿元）", "期": "基期", "年份": 2020, "值": 147.0},
        {"指标": "地区生产总值（亿元）", "期": "目标", "年份": 2025, "值": 200.0},
    ]


def test_timeline_of_the_jurisdiction(monkeypatch):
    gpkg = real_atlas()
    at = app_test("indicators", gpkg, monkeypatch, plan="jinzhou-2021")
    at.run()
    assert not at.exception
    tl = at.table[0].value
    assert tl.index.tolist() == ["jinzhou-2021", "jinzhou-2024-report"]  # period order
    assert tl["类型"].tolist() == ["规划纲要", "政府工作报告"]
    assert tl["期间"].tolist() == ["2021-2025;2035", "2023-2024"]
    assert tl["起"].tolist() == ["2021", "2023"] and tl["止"].tolist() == ["2025", "2024"]
    assert (tl["目标数"] > 0).all()
    cells = tl.astype(str).to_numpy().ravel().tolist()
    assert not [c for c in cells if c in ("None", "nan", "")]
    charts = at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")
    assert len(charts) == 2  # the timeline bars and base vs target


def test_timeline_of_a_single_plan(monkeypatch):
    at = app_test("indicators", fixture_atlas(), monkeypatch, plan="fixture-county")
    at.run()
    tl = at.table[0].value
    assert tl.index.tolist() == ["fixture-county"] and tl["类型"].tolist() == ["规划纲要"]


def test_xlsx_download_names_the_monitoring_sheets(monkeypatch):
    at = app_test("indicators", fixture_atlas(), monkeypatch, plan="fixture-city")
    at.run()
    button = next(b for b in at.get("download_button") if b.proto.label == "下载 XLSX")
    assert button.proto.help == "含实施评估与一致性工作表"


# --------------------------------------------------------------------------- issue 17

EVIL_ID = "plan[1]:a*b?/c\\d"


@pytest.fixture(scope="module")
def evil_id_atlas(tmp_path_factory):
    """The fixture atlas with one plan id made of every character Excel forbids in sheet
    names (an atlas built before ids were slugs, or a hand-made one)."""
    from atlas import store

    src = fixture_atlas()
    frames = {}
    for layer, g in store.read_layers(src).items():
        g = g.copy()
        g["id"] = g["id"].str.replace("fixture-city", EVIL_ID, regex=False)
        g["plan_id"] = g["plan_id"].replace("fixture-city", EVIL_ID)
        frames[layer] = g
    ind = store.read_indicators(src)
    ind["id"] = ind["id"].str.replace("fixture-city", EVIL_ID, regex=False)
    ind["plan_id"] = ind["plan_id"].replace("fixture-city", EVIL_ID)
    plans = store.list_plans(src)
    plans["plan_id"] = plans["plan_id"].replace("fixture-city", EVIL_ID)
    out = tmp_path_factory.mktemp("evil-id") / "atlas.gpkg"
    store.write_atlas(out, {**frames, "indicators": ind, "plans": plans})
    return out


@pytest.mark.parametrize("page", ["indicators", "export", "map", "reader"])
def test_pages_take_plan_ids_excel_and_paths_forbid(page, evil_id_atlas, monkeypatch):
    at = app_test(page, evil_id_atlas, monkeypatch, plan=EVIL_ID)
    at.run()
    assert not at.exception
    assert [e.value for e in at.error if "导出失败" in e.value] == []
    if page in ("indicators", "export"):
        names = [b.proto.label for b in at.get("download_button")]
        assert names, "no download buttons"


def test_xlsx_of_a_plan_id_excel_forbids():
    import io

    import openpyxl

    from atlas import export, store

    ind = store.read_indicators(fixture_atlas())
    ind["plan_id"] = ind["plan_id"].replace("fixture-city", EVIL_ID)
    wb = openpyxl.load_workbook(io.BytesIO(export.export_bytes("xlsx", {}, ind)))
    assert wb.sheetnames == ["all", "fixture-county", "plan-1--a-b--c-d"]
    assert export.file_name(EVIL_ID, "xlsx") == "plan-1-a-b-c-d-indicators.xlsx"
