"""Placement rules (atlas.placement.rules) on a synthetic ground (tests/ground_fixture.py)."""

from __future__ import annotations

import ground_fixture as ground
import pytest
from shapely.geometry import Point

from atlas.placement import geometry as geo
from atlas.placement.rules import place

spec = ground.spec
JURIS, RIVER, COAST, SEA, WEST = ground.JURIS, ground.RIVER, ground.COAST, ground.SEA, ground.WEST


@pytest.fixture(scope="module")
def ctx():
    return ground.make_ctx()


def test_core_from_one_admin_unit_is_derived_not_admin(ctx):
    # admin belongs to the admin layer only: a core drawn as a district's boundary is derived
    p = place(spec("core", "甲区核心", ["甲区"], "一核"), ctx)
    assert p.precision == "derived" and p.rule == "union_of_areas"
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
    # docs/geometry.md: a 带 is 5 km either side of its line (literal, not geo.WIDTHS_M)
    assert geo.distance_m(p.geometry.boundary, RIVER) <= 5_000 * 1.01
    assert JURIS.buffer(1e-7).covers(p.geometry)


def test_coastal_belt_follows_the_coast_into_the_sea_strip(ctx):
    p = place(spec("belt", "滨海发展带", [], "一带"), ctx)
    assert p.rule == "buffer_coast"
    assert p.geometry.intersects(SEA)  # marine: the sea strip is kept
    assert geo.distance_m(p.geometry.boundary, COAST) <= 15_000


def test_axis_runs_from_its_town_towards_the_city_beyond_and_stops_at_the_edge(ctx):
    # no railway or road in this ground: a schematic line, clipped where it leaves the
    # territory, and the city beyond named for the renderer's arrow label (→外市)
    p = place(spec("axis", "甲外联动轴", ["甲镇", "外市"], "一轴"), ctx)
    assert p.rule == "axis_schematic" and p.precision == "schematic"
    assert p.note == "→外市"
    assert geo.distance_m(p.geometry, Point(121.1, 41.3)) < 1_000  # starts at 甲镇
    end = Point(p.geometry.coords[-1])
    assert JURIS.exterior.distance(end) < 1e-6  # ends on the edge, towards 外市 (NE)
    assert end.x > 121.1 and end.y > 41.3
    assert JURIS.buffer(1e-9).covers(p.geometry)


def test_axis_follows_a_railway_that_leads_there(ctx):
    import dataclasses

    from shapely.geometry import LineString

    # a railway from 甲镇 north, then east to 外市 (a detour of 1.3× the straight line)
    rail = LineString([(121.1, 41.3), (121.2, 41.7), (121.9, 41.9)])
    ctx2 = dataclasses.replace(ctx, corridors=(geo.to_metric(rail),), cache={})
    p = place(spec("axis", "甲外联动轴", ["甲镇", "外市"], "一轴"), ctx2)
    assert p.rule == "axis_along_corridor" and p.precision == "derived"
    # inside the territory it runs along the railway, not straight towards 外市
    assert geo.distance_m(p.geometry, Point(121.125, 41.4)) < 500  # where the rail leaves
    assert (
        geo.to_metric(p.geometry).hausdorff_distance(geo.to_metric(rail.intersection(JURIS))) < 500
    )


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


def test_the_jurisdiction_itself_locates_no_point(ctx):
    p = place(spec("project", "某项目", ["测试县"], layer="project", layout=""), ctx)
    assert p.precision == "unresolved"


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


def test_ring_around_a_neighbouring_area(ctx):
    # 外市 lies north-east, outside: no ring along it inside the county (too far)
    far = place(spec("zone", "环外市区域", ["外市"], "环外市区域"), ctx)
    assert far.precision == "unresolved"
    # a neighbour touching the county's west edge gives a band along that edge
    ctx.gazetteer.places["n1"] = (
        ground.Place("西邻区", "219902", "county", 120.9, 41.2),
        ground.box(120.8, 41.0, 121.0, 41.4),
    )
    try:
        p = place(spec("zone", "环西邻区域", ["西邻区"], "环西邻区域"), ctx)
    finally:
        del ctx.gazetteer.places["n1"]
    assert p.rule == "ring_around" and p.precision == "derived"
    c = p.geometry.centroid
    assert 121.0 < c.x < 121.07  # a ~5 km band just east of the shared edge
    assert geo.area_km2(p.geometry) == pytest.approx(44 * 5, rel=0.1)


def test_a_rule_that_leaves_nothing_is_unresolved_not_empty():
    from atlas.placement import rules as placement

    p = placement._placed(None, "derived", [], "equal_area_disc")
    assert p.precision == "unresolved" and p.geometry is None
    assert "equal_area_disc" in p.note
    assert placement._worst("derived", "surveyed") == "derived"
    assert placement._worst("surveyed", "") == "derived"  # an unknown class is not trusted
