"""A small hand-built atlas of 锦州 in the DESIGN §4 schema, for the presentation tests.

The geometry is made here from the bundled county polygons and a few fixed coordinates, so
the renderers' tests do not depend on what extraction finds today.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
from shapely.geometry import LineString, Point, box
from shapely.ops import unary_union

from atlas.places import geodata
from atlas.render.mapdata import PlanMeta

PLAN = "jinzhou-2021"
META = PlanMeta(
    plan_id=PLAN,
    title="锦州市国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要",
    jurisdiction="辽宁省锦州市",
    adcode="210700",
    level="prefecture city",
    period="2021-2025;2035",
)


def _row(
    layer,
    slug,
    geom,
    *,
    layout="",
    component="",
    role="",
    name="",
    precision="derived",
    line=1,
    quote="",
    anchors="",
):
    return {
        "id": f"{PLAN}:{layer}:{slug}",
        "plan_id": PLAN,
        "layer": layer,
        "layout": layout,
        "component": component,
        "role": role,
        "name": name,
        "precision": precision,
        "confidence": 0.8 if precision != "unresolved" else 0.0,
        "anchors": anchors,
        "source_line": line,
        "source_quote": quote or f"{name}（示例原文）。",
        "provenance": "fixture",
        "geometry": geom,
    }


def frames() -> dict[str, gpd.GeoDataFrame]:
    """Layers of the fixture atlas, keyed by layer name (EPSG:4326)."""
    counties = geodata.counties().set_index("name")
    core = unary_union([counties.loc[n, "geometry"] for n in ("古塔区", "凌河区", "太和区")])
    city = geodata.cities().set_index("adcode").loc["210700", "geometry"]
    coast_line = LineString([(120.95, 40.86), (121.1, 40.82), (121.3, 40.85), (121.55, 40.92)])
    belt = coast_line.buffer(0.06).intersection(city)
    lay = "一核一带三轴三片区"
    q = "构建“一核一带三轴三片区”的空间发展格局。"
    c = city.centroid
    north = city.intersection(box(c.x - 2, c.y, c.x + 2, c.y + 2))
    south = city.intersection(box(c.x - 2, c.y - 2, c.x + 2, c.y))
    layout_rows = [
        _row(
            "layout",
            "core",
            core,
            layout=lay,
            component="一核",
            role="core",
            name="锦州主城区",
            line=120,
            quote=q,
            anchors="古塔区;凌河区;太和区",
            precision="admin",
        ),
        _row(
            "layout",
            "belt",
            belt,
            layout=lay,
            component="一带",
            role="belt",
            name="沿海经济带",
            line=121,
            quote=q,
            anchors="辽东湾",
        ),
        _row(
            "layout",
            "axis-fx",
            LineString([(121.13, 41.10), (121.67, 42.02)]),
            layout=lay,
            component="三轴",
            role="axis",
            name="锦阜发展轴",
            line=122,
            anchors="锦州;阜新",
        ),
        _row(
            "layout",
            "axis-cy",
            LineString([(121.13, 41.10), (120.45, 41.57)]),
            layout=lay,
            component="三轴",
            role="axis",
            name="锦朝发展轴",
            line=122,
            anchors="锦州;朝阳",
        ),
        _row(
            "layout",
            "axis-pj",
            LineString([(121.13, 41.10), (122.07, 41.12)]),
            layout=lay,
            component="三轴",
            role="axis",
            name="锦盘发展轴",
            line=122,
            anchors="锦州;盘锦",
        ),
        _row(
            "layout",
            "zone-n",
            north,
            layout=lay,
            component="三片区",
            role="zone",
            name="北部山林片区",
            precision="schematic",
            line=123,
        ),
        _row(
            "layout",
            "zone-s",
            south,
            layout=lay,
            component="三片区",
            role="zone",
            name="南部滨海片区",
            precision="schematic",
            line=123,
        ),
        _row(
            "layout",
            "zone-x",
            None,
            layout=lay,
            component="三片区",
            role="zone",
            name="",
            precision="unresolved",
            line=123,
            quote=q,
        ),
        _row(
            "layout",
            "wing-core",
            Point(121.12, 41.12).buffer(0.08),
            layout="一核两翼",
            component="一核",
            role="core",
            name="锦州城区",
            line=300,
        ),
        _row(
            "layout",
            "wing-e",
            Point(121.4, 41.2).buffer(0.1),
            layout="一核两翼",
            component="东翼",
            role="wing",
            name="凌海新区",
            line=301,
        ),
        _row(
            "layout",
            "wing-w",
            Point(120.85, 41.0).buffer(0.1),
            layout="一核两翼",
            component="西翼",
            role="wing",
            name="龙栖湾新区",
            line=302,
        ),
    ]
    park = [
        _row(
            "park",
            "etdz",
            Point(121.08, 40.88),
            role="park",
            name="锦州经济技术开发区",
            precision="surveyed",
            line=410,
        )
    ]
    port = [
        _row(
            "port",
            "jzport",
            Point(121.06, 40.81),
            role="port",
            name="锦州港",
            precision="surveyed",
            line=420,
        )
    ]
    water = [
        _row(
            "water",
            "xlh",
            LineString([(120.6, 41.35), (120.9, 41.2), (121.1, 41.08), (121.2, 40.9)]),
            role="river",
            name="小凌河",
            precision="schematic",
            line=430,
        )
    ]
    transport = [
        _row(
            "transport",
            "jznz",
            Point(121.15, 41.15),
            role="station",
            name="锦州南站",
            precision="surveyed",
            line=440,
        )
    ]
    out = {}
    for name, rows in (
        ("layout", layout_rows),
        ("park", park),
        ("port", port),
        ("water", water),
        ("transport", transport),
    ):
        out[name] = gpd.GeoDataFrame(pd.DataFrame(rows), geometry="geometry", crs=4326)
    return out


def indicators() -> pd.DataFrame:
    """A few indicator rows in the DESIGN §4 indicator schema."""
    rows = [
        (
            "地区生产总值",
            "gdp",
            "亿元",
            2020,
            1073.0,
            2025,
            1500.0,
            "1500左右",
            "左右",
            6.0,
            "预期性",
        ),
        ("常住人口城镇化率", "urbanization", "%", 2020, 62.0, 2025, 68.0, "68", "", None, "预期性"),
        ("森林覆盖率", "forest_cover", "%", 2020, 32.5, 2025, 33.0, "33", "", None, "约束性"),
        (
            "单位GDP能耗降低",
            "energy",
            "%",
            None,
            None,
            2025,
            None,
            "完成省下达任务",
            "",
            None,
            "约束性",
        ),
    ]
    cols = [
        "name",
        "key",
        "unit",
        "base_year",
        "base_value",
        "target_year",
        "target_value",
        "target_text",
        "qualifier",
        "growth",
        "attribute",
    ]
    df = pd.DataFrame(rows, columns=cols)
    df["kind"] = "target"
    df["source_line"] = [200, 201, 202, 203]
    df["source_quote"] = [f"{n}指标。" for n in df["name"]]
    df["plan_id"] = PLAN
    df["adcode"] = "210700"
    return df
