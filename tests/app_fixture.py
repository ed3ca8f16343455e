"""A small hand-built atlas (GeoPackage + plan texts) for the app and web-map tests.

Two plans on the same ground (a city and a county inside it), every symbol class of the style
spec, one unresolved element, and hostile text (``<script>``, ``onerror=``) in a name and a
quote to prove that popups, tooltips and panels escape plan text.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.geometry import LineString, Point, Polygon

FIXTURE_DIR = Path(__file__).parent / "fixtures" / "app"
EVIL_NAME = "<script>alert(1)</script>测试园"
EVIL_QUOTE = '建设测试园<img src=x onerror="alert(2)">，打造示范基地。'

CITY_TEXT = [
    "锦州示例市国民经济和社会发展第十四个五年规划纲要",  # 1
    "第一章 总体布局",  # 2
    "构建“一核两翼一轴”的空间发展格局。",  # 3
    "一核：以古塔区、凌河区、太和区为主体的中心城区，建设区域中心城市。",  # 4
    "西翼：西部山区生态发展区，发展特色农业和文旅产业。",  # 5
    "一轴：锦阜城镇发展轴，串联锦州、阜新两市。",  # 6
    "两翼中的东翼尚待研究确定。",  # 7
    "第二章 产业园区",  # 8
    "做强锦州高新技术产业开发区，打造光伏和半导体产业集群。",  # 9
    "推进锦州港扩能改造，建设区域性枢纽港。",  # 10
    EVIL_QUOTE,  # 11
    "主要指标：地区生产总值年均增长6%，2025年达到1500亿元。",  # 12
    "森林覆盖率达到38%。",  # 13
]
COUNTY_TEXT = [
    "凌海示例市国民经济和社会发展第十四个五年规划纲要",  # 1
    "构建“一带”格局：沿海经济带，依托滨海公路发展临港产业。",  # 2
    "北部片区：北部丘陵农业发展片区。",  # 3
    "地区生产总值2025年达到300亿元，年均增长7%。",  # 4
]


def _disc(lon: float, lat: float, r: float) -> Polygon:
    return Point(lon, lat).buffer(r, quad_segs=16)


def _row(plan, layer, name, geom, line, quote, **kw) -> dict:
    base = {
        "id": f"{plan}:{layer}:{name}",
        "plan_id": plan,
        "layer": layer,
        "layout": "",
        "component": "",
        "role": layer,
        "name": name,
        "precision": "surveyed",
        "confidence": 0.9,
        "anchors": "",
        "source_line": line,
        "source_quote": quote,
        "provenance": "extracted",
        "rule": "",
        "note": "",
        "area_km2": None,
        "geometry": geom,
    }
    base.update(kw)
    return base


def feature_rows() -> list[dict]:
    """Hand-built feature rows in the DESIGN §4 schema."""
    c, k = "fixture-city", "fixture-county"
    lay = {"layout": "一核两翼一轴"}
    return [
        _row(
            c,
            "layout",
            "锦州中心城区",
            _disc(121.12, 41.12, 0.06),
            4,
            CITY_TEXT[3],
            component="一核",
            role="core",
            precision="admin",
            anchors="古塔区;凌河区;太和区",
            **lay,
        ),
        _row(
            c,
            "layout",
            "西部山区生态发展区",
            Polygon([(120.6, 41.0), (121.0, 41.0), (121.0, 41.5), (120.6, 41.5)]),
            5,
            CITY_TEXT[4],
            component="西翼",
            role="wing",
            precision="schematic",
            confidence=0.4,
            **lay,
        ),
        _row(
            c,
            "layout",
            "锦阜城镇发展轴",
            LineString([(121.12, 41.12), (121.4, 41.6), (121.65, 42.02)]),
            6,
            CITY_TEXT[5],
            component="一轴",
            role="axis",
            precision="derived",
            confidence=0.6,
            anchors="锦州市;阜新市",
            **lay,
        ),
        _row(
            c,
            "layout",
            "东翼",
            None,
            7,
            CITY_TEXT[6],
            component="东翼",
            role="wing",
            precision="unresolved",
            confidence=0.0,
            note="named but never defined",
            **lay,
        ),
        _row(
            c,
            "park",
            "锦州高新技术产业开发区",
            Point(121.17, 41.08),
            9,
            CITY_TEXT[8],
            role="park",
            anchors="太和区",
        ),
        _row(c, "port", "锦州港", Point(121.08, 40.81), 10, CITY_TEXT[9], role="port"),
        _row(
            c,
            "park",
            EVIL_NAME,
            Point(121.3, 41.2),
            11,
            EVIL_QUOTE,
            role="park",
            precision="schematic",
            confidence=0.3,
        ),
        _row(
            k,
            "layout",
            "沿海经济带",
            LineString([(121.2, 40.85), (121.6, 40.95)]).buffer(0.04),
            2,
            COUNTY_TEXT[1],
            layout="一带",
            component="一带",
            role="belt",
            precision="derived",
            confidence=0.6,
        ),
        _row(
            k,
            "layout",
            "北部丘陵农业发展片区",
            Polygon([(121.1, 41.3), (121.6, 41.3), (121.6, 41.6), (121.1, 41.6)]),
            3,
            COUNTY_TEXT[2],
            layout="一带",
            component="北部片区",
            role="zone",
            precision="schematic",
            confidence=0.4,
        ),
    ]


def indicator_rows() -> list[dict]:
    """Indicator rows (DESIGN §4) for both plans; gdp is comparable across them."""

    def ind(plan, adcode, jur, name, key, unit, base, target, growth, line, quote, attr=""):
        return {
            "id": f"{plan}:indicator:{key}",
            "plan_id": plan,
            "adcode": adcode,
            "jurisdiction": jur,
            "name": name,
            "key": key,
            "unit": unit,
            "base_year": 2020,
            "base_value": base,
            "target_year": 2025,
            "target_value": target,
            "target_text": str(target),
            "qualifier": "",
            "growth": growth,
            "attribute": attr,
            "kind": "target",
            "category": "经济发展",
            "table": "prose",
            "source_line": line,
            "source_quote": quote,
        }

    return [
        ind(
            "fixture-city",
            "210700",
            "辽宁省锦州市",
            "地区生产总值",
            "gdp",
            "亿元",
            1100.0,
            1500.0,
            6.0,
            12,
            CITY_TEXT[11],
            "预期性",
        ),
        ind(
            "fixture-city",
            "210700",
            "辽宁省锦州市",
            "森林覆盖率",
            "forest_cover",
            "%",
            35.0,
            38.0,
            None,
            13,
            CITY_TEXT[12],
            "约束性",
        ),
        ind(
            "fixture-county",
            "210781",
            "辽宁省锦州市凌海市",
            "地区生产总值",
            "gdp",
            "亿元",
            210.0,
            300.0,
            7.0,
            4,
            COUNTY_TEXT[3],
            "预期性",
        ),
    ]


def make_fixture_atlas(folder: Path = FIXTURE_DIR) -> Path:
    """Write the fixture atlas (``atlas.gpkg``) and plan texts into ``folder``."""
    from atlas import store
    from atlas.schema import COLUMNS, INDICATOR_COLUMNS, PLAN_COLUMNS

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    texts = {"fixture-city": CITY_TEXT, "fixture-county": COUNTY_TEXT}
    for pid, lines in texts.items():
        (folder / f"{pid}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    rows = feature_rows()
    gdf = gpd.GeoDataFrame(rows, geometry="geometry", crs=4326)
    for col in COLUMNS:
        if col not in gdf:
            gdf[col] = ""
    gdf = gdf[[*COLUMNS, "geometry"]]
    frames: dict[str, pd.DataFrame] = {
        layer: gdf[gdf["layer"] == layer].reset_index(drop=True) for layer in gdf["layer"].unique()
    }
    ind = pd.DataFrame(indicator_rows())
    for col in INDICATOR_COLUMNS:  # columns the schema grew since this fixture was written
        if col not in ind:
            ind[col] = None
    frames["indicators"] = ind[list(INDICATOR_COLUMNS)]
    plans = pd.DataFrame(
        [
            {
                "plan_id": "fixture-city",
                "jurisdiction": "辽宁省锦州市",
                "adcode": "210700",
                "level": "prefecture city",
                "kind": "plan",
                "period": "2021-2025",
                "title": "锦州示例市十四五规划纲要",
                "text_path": str(folder / "fixture-city.txt"),
            },
            {
                "plan_id": "fixture-county",
                "jurisdiction": "辽宁省锦州市凌海市",
                "adcode": "210781",
                "level": "county-level city",
                "kind": "plan",
                "period": "2021-2025",
                "title": "凌海示例市十四五规划纲要",
                "text_path": str(folder / "fixture-county.txt"),
            },
        ]
    )
    for col in PLAN_COLUMNS:
        if col not in plans:
            plans[col] = ""
    frames["plans"] = plans[list(PLAN_COLUMNS)]
    return store.write_atlas(folder / "atlas.gpkg", frames)


def fixture_frames() -> dict[str, gpd.GeoDataFrame]:
    """The fixture features as layer frames (no GeoPackage round trip)."""
    gdf = gpd.GeoDataFrame(feature_rows(), geometry="geometry", crs=4326)
    return {layer: gdf[gdf["layer"] == layer] for layer in gdf["layer"].unique()}


# ---------------------------------------------------------------- atlases for the AppTests

_CACHE: dict[str, Path | None] = {}
APP = Path(__file__).resolve().parent.parent / "app.py"


def _scratch(prefix: str) -> Path:
    """A temporary folder removed when the test process exits."""
    import atexit
    import shutil
    import tempfile

    path = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, path, True)
    return path


def fixture_atlas() -> Path:
    """The fixture GeoPackage, written once per test process into a temporary folder."""
    if "fixture" not in _CACHE:
        _CACHE["fixture"] = make_fixture_atlas(_scratch("atlas-app-fx-"))
    return _CACHE["fixture"]


def real_atlas() -> Path | None:
    """The real atlas of the seed plans, built once per test process (None: no build module).

    Build errors propagate: a broken build must fail the app tests, not skip them.
    """
    if "real" not in _CACHE:
        try:
            from atlas.build import build_atlas
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.startswith("atlas"):
                _CACHE["real"] = None
                return None
            raise
        out = _scratch("atlas-app-real-")
        build_atlas(None, out=out)
        _CACHE["real"] = out / "atlas.gpkg"
    return _CACHE["real"]


def app_test(page: str, gpkg: Path, monkeypatch, **params):
    """An AppTest of ``app.py`` switched to ``pages/<page>.py`` reading ``gpkg``."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("ATLAS_GPKG", str(gpkg))
    monkeypatch.setenv("ATLAS_RAISE_ERRORS", "1")  # page tests see exceptions, not the message
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.switch_page(f"pages/{page}.py")
    for k, v in params.items():
        at.query_params[k] = v
    return at
