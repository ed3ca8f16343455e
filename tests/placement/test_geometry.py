"""DESIGN §5 geometry rules on small synthetic shapes (a 40 × 40 km square near 锦州)."""

from __future__ import annotations

import math

import pytest
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, box

from atlas.placement import geometry as geo

# ~40 km × 44 km box around (121.2, 41.2)
SQUARE = box(121.0, 41.0, 121.48, 41.4)
KM = 1000.0


def test_metric_round_trip_is_exact_to_a_centimetre():
    p = Point(121.13, 41.1)
    back = geo.to_wgs84(geo.to_metric(p))
    assert back.distance(p) < 1e-7


def test_distance_is_metric():
    # one degree of latitude ≈ 111.0 km
    d = geo.distance_m(Point(121.0, 41.0), Point(121.0, 42.0))
    assert d == pytest.approx(111_050, rel=0.01)


@pytest.mark.parametrize("area", [5.3483, 19.38, 0.5])
def test_equal_area_disc(area):
    d = geo.disc(122.25, 40.67, area_km2=area)
    assert d.is_valid
    assert geo.area_km2(d) == pytest.approx(area, rel=1e-6)
    assert d.centroid.distance(Point(122.25, 40.67)) < 1e-4


def test_disc_by_radius():
    d = geo.disc(121.2, 41.2, radius_m=2000)
    assert geo.area_km2(d) == pytest.approx(math.pi * 4, rel=0.01)
    with pytest.raises(ValueError):
        geo.disc(121.2, 41.2)


def test_clean_drops_stray_parts_and_repairs_bowtie():
    bowtie = Polygon([(121, 41), (121.1, 41.1), (121.1, 41), (121, 41.1)])
    assert not bowtie.is_valid
    fixed = geo.clean(bowtie, "polygon")
    assert fixed.is_valid and fixed.geom_type in ("Polygon", "MultiPolygon")
    assert geo.clean(Point(1, 1), "polygon") is None
    assert geo.clean(None) is None


def test_belt_is_clipped_and_has_the_documented_width():
    line = LineString([(120.9, 41.2), (121.6, 41.2)])  # crosses the whole square
    b = geo.belt(line, SQUARE, role="belt")
    assert SQUARE.buffer(1e-9).covers(b)
    width_km = geo.area_km2(b) / (geo.distance_m(Point(121.0, 41.2), Point(121.48, 41.2)) / KM)
    # docs/geometry.md: a 带 is "5 km either side (10 km band)" (the documented fact, written
    # here as a literal: reading geo.WIDTHS_M would move the expectation with the code)
    assert width_km == pytest.approx(10.0, rel=0.02)
    # every point of the belt lies within the documented 5 km half-width of its line
    assert geo.distance_m(b.boundary, line) <= 5_000 * 1.01


def test_corridor_narrower_than_belt():
    line = LineString([(121.1, 41.05), (121.3, 41.35)])
    assert geo.area_km2(geo.belt(line, SQUARE, role="corridor")) < geo.area_km2(
        geo.belt(line, SQUARE, role="belt")
    )


def test_axis_all_inside_is_extended_to_the_edge():
    a, b = (121.15, 41.2), (121.3, 41.2)
    ax = geo.axis_line([a, b], SQUARE)
    xs = [x for x, _ in ax.coords]
    assert min(xs) == pytest.approx(121.0, abs=1e-3)
    assert max(xs) == pytest.approx(121.48, abs=1e-3)
    for p in (a, b):
        assert geo.distance_m(ax, Point(p)) < 1.0


def test_linkage_axis_reaches_outside_cities_in_order():
    inside, out1, out2 = (121.2, 41.2), (121.65, 42.0), (122.07, 41.12)
    ax = geo.axis_line([inside, out1, out2], SQUARE)
    coords = list(ax.coords)
    assert coords[0] == pytest.approx(inside)
    assert coords[-1] == pytest.approx(out2)
    assert geo.distance_m(ax, Point(out1)) < 1.0


def test_axis_without_inside_anchor_crosses_the_jurisdiction():
    ax = geo.axis_line([(123.4, 41.8)], SQUARE)  # only 沈阳 named
    assert ax is not None and ax.intersects(SQUARE)
    assert geo.axis_line([(121.2, 41.2)], SQUARE) is None


def test_compass_partition_is_disjoint_and_ordered():
    words = ["南部", "北部", "东部", "西北部", "中部"]
    zones = geo.compass_partition(SQUARE, words)
    assert set(zones) == set(words)
    assert zones["南部"].centroid.y < zones["中部"].centroid.y < zones["北部"].centroid.y
    assert zones["东部"].centroid.x > zones["中部"].centroid.x
    nw = zones["西北部"].centroid
    assert nw.x < SQUARE.centroid.x and nw.y > SQUARE.centroid.y
    total = 0.0
    for i, a in enumerate(words):
        assert SQUARE.buffer(1e-7).covers(zones[a])
        total += geo.area_km2(zones[a])
        for b in words[i + 1 :]:
            assert geo.area_km2(zones[a].intersection(zones[b])) < 0.01
    assert total <= geo.area_km2(SQUARE) * 1.001


def test_compass_three_zones_cover_named_directions_only():
    zones = geo.compass_partition(SQUARE, ["南部", "北部", "东部"])
    # west is not named: the westmost strip stays blank
    west = box(121.0, 41.15, 121.02, 41.25)
    assert all(geo.area_km2(z.intersection(west)) < 0.05 for z in zones.values())


def test_compass_bearing_words():
    assert geo.compass_bearing("南部") == (270.0, False)
    assert geo.compass_bearing("中西部") == (180.0, True)
    assert geo.compass_bearing("中部") == (None, True)
    assert geo.compass_bearing("滨海") == (None, False)


def test_reach_cut_between_endpoints():
    river = LineString([(121.0, 41.0), (121.5, 41.2), (122.0, 41.0)])
    r = geo.reach(river, Point(121.2, 41.1), Point(121.8, 41.05))
    assert r.coords[0][0] == pytest.approx(121.21, abs=0.01)
    assert r.coords[-1][0] == pytest.approx(121.82, abs=0.01)
    assert r.length < river.length
    # reversed endpoints give the same reach
    r2 = geo.reach(river, Point(121.8, 41.05), Point(121.2, 41.1))
    assert r2.length == pytest.approx(r.length)
    assert geo.reach(river, Point(121.3, 41.1), Point(121.3, 41.1)) is None


def test_main_centre_prefers_the_part_with_the_seats():
    core = box(122.2, 40.64, 122.3, 40.70)
    exclave = box(122.3, 40.8, 122.45, 40.92)  # bigger, but with one seat only
    juris = MultiPolygon([core, exclave])
    seats = [Point(122.23, 40.67), Point(122.25, 40.66), Point(122.27, 40.68), Point(122.36, 40.85)]
    c = geo.main_centre(juris, seats)
    assert core.contains(c)
    assert c.x == pytest.approx(122.25, abs=0.005)
    assert exclave.contains(geo.centre(juris))  # without seats: the largest part


def test_beside_neighbours():
    west = Point(122.25, 40.68)
    south = Point(122.27, 40.66)
    c = geo.beside([("西", west), ("南", south)], 2000)
    assert c.x > west.x and c.y > south.y
    assert geo.beside([("上", west)], 2000) is None


def test_clip_region_marine_adds_sea_strip():
    sea = box(121.0, 40.5, 121.5, 41.0)  # sea south of the square
    region = geo.clip_region(SQUARE, marine=True, sea=sea)
    assert region.covers(Point(121.2, 40.95))  # 5 km offshore
    assert not region.covers(Point(121.2, 40.7))  # 33 km offshore
    # docs/geometry.md: the sea strip is 20 km (a literal, not geo.SEA_BUFFER_M)
    assert region.covers(Point(121.2, 40.83))  # 19 km offshore: inside the strip
    assert not region.covers(Point(121.2, 40.8))  # 22 km offshore: outside
    assert not region.covers(Point(120.9, 41.2))  # land outside the jurisdiction
    assert geo.clip_region(SQUARE) is SQUARE


def test_inner_point_keeps_a_disc_inside_a_thin_shape():
    # an L-shaped polygon: its centroid lies in the notch, outside
    ell = Polygon([(121.0, 41.0), (121.3, 41.0), (121.3, 41.05), (121.05, 41.05), (121.05, 41.3),
                   (121.0, 41.3)])  # fmt: skip
    assert not ell.contains(ell.centroid)
    p = geo.inner_point(ell)
    assert ell.contains(p)
    d = geo.disc(p.x, p.y, radius_m=1500)
    assert geo.area_km2(d.intersection(ell)) == pytest.approx(geo.area_km2(d), rel=0.02)
