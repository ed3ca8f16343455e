"""Escaping and GeoJSON encoding shared by the web map's modules (symbology, overlay, leaflet).

Its own module so that the choropleth overlay and the feature symbology do not import each
other.
"""

from __future__ import annotations

import html
import math
from typing import Any

import shapely

#: coordinate decimals of the page's GeoJSON (≈ 0.1 m)
DECIMALS = 6


def esc(value: object) -> str:
    """HTML-escape any value for popups, tooltips and panels ("" for None/NaN)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return html.escape(str(value), quote=True)


def geo_mapping(geom, transform, decimals: int = DECIMALS) -> dict[str, Any]:
    """GeoJSON mapping of ``geom``, transformed (e.g. to GCJ-02) and rounded when asked."""
    if transform is not None:
        geom = shapely.set_precision(transform(geom), 10.0**-decimals, mode="pointwise")
    return shapely.geometry.mapping(geom)
