"""WGS-84 ⇄ GCJ-02 conversion, for showing WGS-84 data on Gaode (Amap) tiles.

Stored atlas data is always WGS-84 (EPSG:4326). GCJ-02 is the obfuscated frame mandated for
Chinese commercial maps; PROJ has no transformation for it, so the standard public formulas are
implemented here. The forward transform is closed-form; the inverse is iterative (fixed-point on
the forward transform), which brings the round-trip error well below a centimetre. Points
outside China's rough bounding box are passed through unchanged, as the tile providers do.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

# Krasovsky 1940 ellipsoid parameters used by the GCJ-02 formulas
_A = 6378245.0
_EE = 0.00669342162296594323


def out_of_china(lon: np.ndarray | float, lat: np.ndarray | float) -> np.ndarray:
    """Return True where a point lies outside the rough China box where GCJ-02 applies."""
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    return (lon < 72.004) | (lon > 137.8347) | (lat < 0.8293) | (lat > 55.8271)


def _delta(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the GCJ-02 offset (dlon, dlat) in degrees at WGS-84 (lon, lat)."""
    x = lon - 105.0
    y = lat - 35.0
    sq = np.sqrt(np.abs(x))
    dlat = (
        -100.0
        + 2.0 * x
        + 3.0 * y
        + 0.2 * y * y
        + 0.1 * x * y
        + 0.2 * sq
        + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
        + (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
        + (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    )
    dlon = (
        300.0
        + x
        + 2.0 * y
        + 0.1 * x * x
        + 0.1 * x * y
        + 0.1 * sq
        + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
        + (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
        + (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    )
    radlat = lat / 180.0 * np.pi
    magic = 1.0 - _EE * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrtmagic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * np.cos(radlat) * np.pi)
    return dlon, dlat


def wgs84_to_gcj02(lon: np.ndarray | float, lat: np.ndarray | float) -> tuple:
    """Convert WGS-84 longitude/latitude to GCJ-02.

    Parameters
    ----------
    lon, lat
        Scalars or array-likes of equal shape, degrees.

    Returns
    -------
    tuple
        ``(lon, lat)`` in GCJ-02; floats for scalar input, arrays otherwise. Points outside
        China are returned unchanged.
    """
    scalar = np.ndim(lon) == 0 and np.ndim(lat) == 0
    lo = np.asarray(lon, dtype=float)
    la = np.asarray(lat, dtype=float)
    dlon, dlat = _delta(lo, la)
    outside = out_of_china(lo, la)
    glon = np.where(outside, lo, lo + dlon)
    glat = np.where(outside, la, la + dlat)
    if scalar:
        return float(glon), float(glat)
    return glon, glat


def gcj02_to_wgs84(lon: np.ndarray | float, lat: np.ndarray | float, iterations: int = 6) -> tuple:
    """Convert GCJ-02 longitude/latitude back to WGS-84.

    The inverse has no closed form; a fixed-point iteration ``w ← w - (f(w) - g)`` converges
    because the offset varies slowly (after 2 steps the error is already below 0.1 m).

    Parameters
    ----------
    lon, lat
        GCJ-02 scalars or array-likes, degrees.
    iterations
        Number of refinement steps.

    Returns
    -------
    tuple
        ``(lon, lat)`` in WGS-84; points outside China are returned unchanged.
    """
    scalar = np.ndim(lon) == 0 and np.ndim(lat) == 0
    glon = np.asarray(lon, dtype=float)
    glat = np.asarray(lat, dtype=float)
    wlon, wlat = glon.copy(), glat.copy()
    for _ in range(iterations):
        dlon, dlat = _delta(wlon, wlat)
        wlon = wlon - ((wlon + dlon) - glon)
        wlat = wlat - ((wlat + dlat) - glat)
    outside = out_of_china(glon, glat)
    wlon = np.where(outside, glon, wlon)
    wlat = np.where(outside, glat, wlat)
    if scalar:
        return float(wlon), float(wlat)
    return wlon, wlat


def _transform_geom(geom: BaseGeometry, fn: Callable) -> BaseGeometry:
    """Apply a vectorised (lon, lat) function to every coordinate of a geometry."""

    def apply(coords: np.ndarray) -> np.ndarray:
        x, y = fn(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geom, apply)


def geom_wgs84_to_gcj02(geom: BaseGeometry) -> BaseGeometry:
    """Return a shapely geometry with every vertex converted from WGS-84 to GCJ-02."""
    return _transform_geom(geom, wgs84_to_gcj02)


def geom_gcj02_to_wgs84(geom: BaseGeometry) -> BaseGeometry:
    """Return a shapely geometry with every vertex converted from GCJ-02 to WGS-84."""
    return _transform_geom(geom, gcj02_to_wgs84)
