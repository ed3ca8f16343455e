"""WGS-84 ⇄ GCJ-02 conversion (atlas.places.coords)."""

import numpy as np
import pytest
from pyproj import Geod
from shapely.geometry import LineString, Point, Polygon

from atlas.places.coords import (
    gcj02_to_wgs84,
    geom_gcj02_to_wgs84,
    geom_wgs84_to_gcj02,
    out_of_china,
    wgs84_to_gcj02,
)

GEOD = Geod(ellps="WGS84")


def test_known_offset_at_jinzhou():
    # research notes: the GCJ-02 shift around 锦州 is about +474 m E, +193 m N
    lon, lat = 121.13, 41.10
    glon, glat = wgs84_to_gcj02(lon, lat)
    east = GEOD.inv(lon, lat, glon, lat)[2] * np.sign(glon - lon)
    north = GEOD.inv(lon, lat, lon, glat)[2] * np.sign(glat - lat)
    assert east == pytest.approx(474, abs=50)
    assert north == pytest.approx(193, abs=50)


def test_round_trip_under_half_metre_across_china():
    rng = np.random.default_rng(7)
    lon = rng.uniform(74, 134, 2000)
    lat = rng.uniform(18, 53, 2000)
    back_lon, back_lat = gcj02_to_wgs84(*wgs84_to_gcj02(lon, lat))
    err = GEOD.inv(lon, lat, back_lon, back_lat)[2]
    assert err.max() < 0.5
    assert err.max() < 0.01  # in practice the iteration converges to millimetres


def test_scalar_in_scalar_out():
    out = wgs84_to_gcj02(121.0, 41.0)
    assert isinstance(out[0], float) and isinstance(out[1], float)
    assert gcj02_to_wgs84(*out) == pytest.approx((121.0, 41.0), abs=1e-7)


def test_outside_china_passes_through():
    assert wgs84_to_gcj02(2.35, 48.85) == (2.35, 48.85)
    assert gcj02_to_wgs84(-74.0, 40.7) == (-74.0, 40.7)
    assert out_of_china(np.array([2.35, 121.0]), np.array([48.85, 41.0])).tolist() == [True, False]


def test_geometry_versions_shift_every_vertex():
    poly = Polygon([(121.0, 41.0), (121.2, 41.0), (121.2, 41.2), (121.0, 41.0)])
    shifted = geom_wgs84_to_gcj02(poly)
    assert shifted.geom_type == "Polygon"
    first = shifted.exterior.coords[0]
    assert first == pytest.approx(wgs84_to_gcj02(121.0, 41.0))
    back = geom_gcj02_to_wgs84(shifted)
    assert back.equals_exact(poly, 1e-8)
    line = geom_wgs84_to_gcj02(LineString([(121.0, 41.0), (121.1, 41.1)]))
    assert len(line.coords) == 2
    pt = geom_gcj02_to_wgs84(Point(wgs84_to_gcj02(121.5, 41.5)))
    assert (pt.x, pt.y) == pytest.approx((121.5, 41.5), abs=1e-8)
