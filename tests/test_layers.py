"""Layer assembly: extraction → specs → placed rows → validated frames, on a synthetic ground.

The ground is a 40 × 44 km square county ``219901`` near 锦州 with two townships (甲镇, 乙镇),
a river 清河 crossing it west–east, a coast on its southern edge and a port; a duck-typed fake
gazetteer answers look-ups, so these tests do not depend on the bundled reference data.
"""

from __future__ import annotations

import pytest
from shapely.geometry import LineString, Point, box

from atlas import geometry as geo
from atlas.errors import SchemaError
from atlas.layers import (
    COLUMNS,
    Context,
    FeatureSpec,
    feature_rows,
    frame,
    indicator_frame,
    place,
    slug,
    specs_from_extraction,
    split_layers,
    validate,
)
from atlas.model import (
    Entity,
    Extraction,
    Indicator,
    Layout,
    LayoutElement,
    Place,
    PlanInfo,
    SourceSpan,
    Unresolved,
)

JURIS = box(121.0, 41.0, 121.48, 41.4)
WEST = box(121.0, 41.0, 121.24, 41.4)
EAST = box(121.24, 41.0, 121.48, 41.4)
RIVER = LineString([(120.9, 41.25), (121.6, 41.25)])
COAST = LineString([(120.9, 41.0), (121.6, 41.0)])
SEA = box(120.9, 40.7, 121.6, 41.0)


class FakeGazetteer:
    """The few look-ups placement needs: geocode, polygon, line, get, find_in_text."""

    def __init__(self) -> None:
        self.places = {
            "219901": (Place("测试县", "219901", "county", 121.24, 41.2), JURIS),
            "219901001": (Place("甲区", "219901001", "county", 121.12, 41.2), WEST),
            "219901002": (Place("乙区", "219901002", "county", 121.36, 41.2), EAST),
            "t1": (Place("甲镇", "t1", "township", 121.1, 41.3, precision="surveyed"), None),
            "t2": (Place("乙镇", "t2", "township", 121.4, 41.1, precision="schematic"), None),
            "r1": (Place("清河", "r1", "river", 121.2, 41.25, precision="surveyed"), RIVER),
            "p1": (Place("测试港", "p1", "port", 121.3, 41.0, precision="surveyed"), None),
            "c1": (Place("外市", "219800", "city", 121.9, 41.9), box(121.8, 41.8, 122.0, 42.0)),
            "x1": (Place("远处", "x1", "township", 110.0, 30.0, confidence=0.3), None),
        }

    def geocode(self, name, scope=None, levels=None):
        return [p for p, _ in self.places.values() if p.name == name]

    def _geom(self, code):
        for p, g in self.places.values():
            if p.code == code:
                return g
        return None

    def polygon(self, code):
        g = self._geom(code)
        return g if g is not None and g.geom_type.endswith("Polygon") else None

    def line(self, code):
        g = self._geom(code)
        return g if g is not None and g.geom_type.endswith("LineString") else None

    def get(self, code):
        return next(p for p, _ in self.places.values() if p.code == code)

    def find_in_text(self, text, scope=None):
        out = []
        for p, _ in self.places.values():
            i = text.find(p.name)
            if i >= 0:
                out.append((i, i + len(p.name), p))
        return sorted(out, key=lambda t: t[0])


@pytest.fixture(scope="module")
def ctx() -> Context:
    return Context(
        plan_id="test-2021",
        adcode="219901",
        jurisdiction=JURIS,
        gazetteer=FakeGazetteer(),
        coast=COAST,
        sea=SEA,
        marine_region=geo.clip_region(JURIS, marine=True, sea=SEA),
        siblings={"一核两翼三片区": ("南部", "北部", "东部")},
    )


def spec(role, name, anchors=(), component="", layout="一核两翼三片区", **kw) -> FeatureSpec:
    return FeatureSpec(
        "test-2021",
        kw.pop("layer", "layout"),
        role,
        name,
        SourceSpan(kw.pop("line", 10), kw.pop("quote", name)),
        layout=layout,
        component=component or name,
        anchors=tuple(anchors),
        **kw,
    )


def test_core_from_one_admin_unit_is_admin(ctx):
    p = place(spec("core", "甲区核心", ["甲区"], "一核"), ctx)
    assert p.precision == "admin" and p.rule == "union_of_areas"
    assert geo.area_km2(p.geometry) == pytest.approx(geo.area_km2(WEST), rel=1e-3)
    assert p.anchors == ("甲区",)


def test_core_from_two_units_is_derived_union(ctx):
    p = place(spec("core", "核心", ["甲区", "乙区"], "一核"), ctx)
    assert p.precision == "derived"
    assert geo.area_km2(p.geometry) == pytest.approx(geo.area_km2(JURIS), rel=1e-3)


def test_parent_or_own_unit_is_not_an_area_anchor(ctx):
    # the plan's own county as anchor would make the core the whole territory
    p = place(spec("core", "核心", ["测试县", "甲镇"], "一核"), ctx)
    assert p.rule == "default_disc" and p.precision == "derived"
    assert p.geometry.contains(Point(121.1, 41.3))


def test_core_without_place_is_a_schematic_centre_disc(ctx):
    p = place(spec("core", "核心城区", [], "一核"), ctx)
    assert p.precision == "schematic" and p.rule == "centre_disc"
    assert p.geometry.contains(JURIS.centroid)


def test_wing_with_area_is_an_equal_area_disc(ctx):
    p = place(spec("wing", "甲镇产业园", ["甲镇"], "北翼", area_km2=5.3483), ctx)
    assert p.rule == "equal_area_disc" and p.precision == "derived"
    assert geo.area_km2(p.geometry) == pytest.approx(5.3483, rel=1e-4)


def test_unknown_wing_falls_back_to_its_compass_word(ctx):
    north = place(spec("wing", "无名园", ["无名园"], "北翼"), ctx)
    south = place(spec("wing", "另一园", [], "南翼", area_km2=4.0), ctx)
    assert north.precision == south.precision == "schematic"
    assert north.geometry.centroid.y > JURIS.centroid.y > south.geometry.centroid.y
    assert geo.area_km2(south.geometry) == pytest.approx(4.0, rel=1e-3)


def test_wing_placed_beside_its_neighbours(ctx):
    quote = "“东翼”产业带,西侧邻甲镇,南侧邻清河甲镇,规划面积3平方公里。"
    p = place(spec("wing", "产业带", ["不存在园"], "东翼", quote=quote, area_km2=3.0), ctx)
    assert p.rule == "beside_neighbours"
    c = p.geometry.centroid
    assert c.x > 121.1 and c.y > 41.3  # east of and north of 甲镇


def test_compass_zones_use_sibling_directions(ctx):
    zones = {
        n: place(spec("zone", n, [], "三片区"), ctx).geometry
        for n in ("南部滨海区", "北部山林区", "东部农业区")
    }
    assert zones["南部滨海区"].centroid.y < zones["北部山林区"].centroid.y
    assert zones["东部农业区"].centroid.x > zones["北部山林区"].centroid.x
    assert zones["南部滨海区"].intersection(zones["北部山林区"]).area < 1e-9


def test_belt_along_river(ctx):
    p = place(spec("belt", "清河生态带", ["清河"], "一带"), ctx)
    assert p.rule == "buffer_belt" and p.precision == "derived"
    assert geo.distance_m(p.geometry.boundary, RIVER) <= geo.WIDTHS_M["belt"] * 1.01
    assert JURIS.buffer(1e-7).covers(p.geometry)


def test_coastal_belt_follows_the_coast_into_the_sea_strip(ctx):
    p = place(spec("belt", "滨海发展带", [], "一带"), ctx)
    assert p.rule == "buffer_coast"
    assert p.geometry.intersects(SEA)  # marine: the sea strip is kept
    assert geo.distance_m(p.geometry.boundary, COAST) <= 15_000


def test_axis_through_places_in_order(ctx):
    p = place(spec("axis", "甲外联动轴", ["甲镇", "外市"], "一轴"), ctx)
    assert p.rule == "axis_through_places"
    assert p.geometry.coords[-1] == pytest.approx((121.9, 41.9))
    for a in ((121.1, 41.3), (121.9, 41.9)):
        assert geo.distance_m(p.geometry, Point(a)) < 10_000


def test_axis_along_a_named_line(ctx):
    p = place(spec("axis", "清河发展轴", ["清河"], "一轴"), ctx)
    assert p.rule == "axis_along_line" and p.anchors == ("清河",)
    assert geo.distance_m(p.geometry, Point(121.0, 41.25)) < 100
    assert geo.distance_m(p.geometry, Point(121.48, 41.25)) < 100


def test_unresolved_element_keeps_its_row_without_geometry(ctx):
    s = spec("corridor", "双廊", [], "双廊", resolved=False, reason="never defined")
    p = place(s, ctx)
    assert p.geometry is None and p.precision == "unresolved" and p.note == "never defined"


def test_unknown_place_is_unresolved_with_a_reason(ctx):
    p = place(spec("node", "某节点", ["火星站"], "多点"), ctx)
    assert p.precision == "unresolved"
    assert "火星站" in p.note


def test_low_confidence_candidates_are_not_used(ctx):
    p = place(spec("node", "远处", ["远处"], "多点"), ctx)
    assert p.precision == "unresolved"


def test_port_point_and_river_reach(ctx):
    port = place(spec("port", "测试港", ["测试港"], layer="port", layout=""), ctx)
    assert port.geometry.equals(Point(121.3, 41.0)) and port.precision == "surveyed"
    reach = place(
        spec(
            "reach",
            "清河甲镇至乙镇段",
            ["清河"],
            layer="water",
            layout="",
            attrs=(("from", "甲镇"), ("to", "乙镇")),
        ),
        ctx,
    )
    assert reach.rule == "reach_cut" and reach.precision == "derived"
    xs = [x for x, _ in reach.geometry.coords]
    assert min(xs) == pytest.approx(121.1, abs=1e-3) and max(xs) == pytest.approx(121.4, abs=1e-3)


def _extraction() -> Extraction:
    src = SourceSpan(12, "构建“一核两翼三片区”")
    lay = Layout(
        "test-2021",
        "一核两翼三片区",
        src,
        (
            LayoutElement("一核", "core", "甲区", SourceSpan(13, "一核指甲区"), ("甲区",)),
            LayoutElement("北翼", "wing", "北翼", SourceSpan(14, "北翼"), resolved=False),
            LayoutElement("三片区", "zone", "南部滨海区", SourceSpan(15, "南部滨海区")),
        ),
    )
    undefined = Layout("test-2021", "一核双廊", SourceSpan(20, "构建“一核双廊”"))
    ent = Entity("test-2021", "port", "port", "测试港", SourceSpan(30, "测试港"), ("测试港",))
    ind = Indicator(
        "test-2021",
        "地区生产总值",
        "gdp",
        "亿元",
        SourceSpan(40, "地区生产总值"),
        base_year=2020,
        base_value=147.0,
        target_year=2025,
        target_value=200.0,
    )
    unres = Unresolved("test-2021", "layout", "一核双廊", "never defined", SourceSpan(20, "x"))
    plan = PlanInfo("test-2021", "", jurisdiction="测试县", adcode="219901")
    return Extraction(plan, (lay, undefined), (ent,), (ind,), (), (unres,))


def test_specs_from_extraction_keep_everything_once():
    specs = specs_from_extraction(_extraction())
    names = [(s.layer, s.layout, s.component, s.resolved) for s in specs]
    assert names == [
        ("layout", "一核两翼三片区", "一核", True),
        ("layout", "一核两翼三片区", "北翼", False),
        ("layout", "一核两翼三片区", "三片区", True),
        ("layout", "一核双廊", "一核双廊", False),  # the undefined layout: one row, not two
        ("port", "", "", True),
    ]


def test_rows_and_frames_follow_the_schema(ctx):
    rows = feature_rows(specs_from_extraction(_extraction()), ctx)
    frames = split_layers(rows)
    assert set(frames) == {"layout", "port"}
    lay = frames["layout"]
    assert tuple(c for c in lay.columns if c != "geometry") == COLUMNS
    assert list(lay["id"]) == sorted(lay["id"])
    assert "test-2021:layout:一核两翼三片区.一核.甲区" in set(lay["id"])
    unres = lay[lay["precision"] == "unresolved"]
    assert len(unres) == 2 and unres.geometry.isna().all()
    assert set(unres["source_line"]) == {14, 20}
    assert frames["port"]["precision"].iloc[0] == "surveyed"
    # ids are deterministic: a second run gives the same ids in the same order
    again = split_layers(feature_rows(specs_from_extraction(_extraction()), ctx))
    assert list(again["layout"]["id"]) == list(lay["id"])


def test_duplicate_names_get_numbered_ids(ctx):
    s = spec("node", "甲镇", ["甲镇"], "多点")
    rows = feature_rows([s, s], ctx)
    assert [r["id"] for r in rows] == [
        "test-2021:layout:一核两翼三片区.多点.甲镇",
        "test-2021:layout:一核两翼三片区.多点.甲镇-2",
    ]


def test_validate_rejects_broken_frames(ctx):
    rows = feature_rows([spec("core", "甲区", ["甲区"], "一核")], ctx)
    good = frame(rows)
    validate(good)
    with pytest.raises(SchemaError, match="columns"):
        validate(good.drop(columns=["rule"]))
    bad = good.copy()
    bad.loc[0, "precision"] = "approximate"
    with pytest.raises(SchemaError, match="precision"):
        validate(bad)
    bad = good.copy()
    bad.loc[0, "precision"] = "unresolved"
    with pytest.raises(SchemaError, match="empty exactly"):
        validate(bad)
    dup = frame(rows + rows)
    with pytest.raises(SchemaError, match="duplicate"):
        validate(dup)
    with pytest.raises(SchemaError, match="CRS"):
        validate(good.set_crs(3857, allow_override=True))


def test_indicator_frame_is_typed_and_joinable():
    df = indicator_frame(_extraction())
    row = df.iloc[0]
    assert row["adcode"] == "219901" and row["id"] == "test-2021:indicator:地区生产总值"
    assert row["base_value"] == 147.0 and row["target_year"] == 2025
    assert str(df["target_year"].dtype) == "Int64"


def test_slug_is_stable_and_readable():
    assert slug("锦-阜-盘联动发展轴") == "锦-阜-盘联动发展轴"
    assert slug("自然保护地(森林公园、湿地公园)") == "自然保护地-森林公园-湿地公园"
    assert slug("::") == slug("::") and len(slug("::")) == 8
