"""Offline vector basemap from the bundled reference geodata (no tiles, no network).

The default basemap of the web map: 辽宁 land, sea, city and county boundaries, coast, rivers
and city labels, drawn as simplified GeoJSON in the colours of ``layers/style.yaml``
(``basemap:``). Layers whose geodata file is not bundled yet are skipped, never faked.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import geopandas as gpd
import shapely

from atlas.errors import AtlasError
from atlas.render.anchors import seat_points
from atlas.render.style import basemap_colors

log = logging.getLogger(__name__)

#: simplification tolerance (degrees, ~100-200 m) and coordinate precision of basemap layers
TOLERANCE = 0.0015
DECIMALS = 5
#: background of the map pane outside 辽宁 (neighbouring land, drawn neutral)
OFF_LAND = "#ebe9e4"


@dataclass(frozen=True)
class BaseLayer:
    """One basemap layer: a GeoJSON FeatureCollection and its Leaflet path style."""

    name: str
    data: dict[str, Any]
    style: dict[str, Any]
    labels: list[tuple[float, float, str]] = field(default_factory=list)  # (lat, lon, text)

    @property
    def text(self) -> str:
        """The GeoJSON as text, encoded once per layer (safe inside ``<script>``)."""
        cached = self.__dict__.get("_text")
        if cached is None:
            cached = json.dumps(self.data, ensure_ascii=False).replace("<", "\\u003c")
            object.__setattr__(self, "_text", cached)
        return cached


def _load(loader: str) -> gpd.GeoDataFrame | None:
    from atlas.places import geodata

    try:
        gdf = getattr(geodata, loader)()
    except (AtlasError, OSError, AttributeError) as exc:
        log.info("basemap layer %s skipped: %s", loader, exc)
        return None
    return gdf if len(gdf) else None


def to_geojson(
    gdf: gpd.GeoDataFrame,
    *,
    tolerance: float = TOLERANCE,
    decimals: int = DECIMALS,
    props: tuple[str, ...] = ("name",),
    transform: Callable | None = None,
) -> dict[str, Any]:
    """Simplify, round and encode a frame as a GeoJSON FeatureCollection dict.

    Parameters
    ----------
    gdf : GeoDataFrame
        EPSG:4326 geometries.
    tolerance : float
        Douglas-Peucker tolerance in degrees (topology preserved); 0 = none.
    decimals : int
        Coordinate decimals kept.
    props : tuple of str
        Columns copied into the feature properties (as strings).
    transform : callable, optional
        Geometry → geometry applied last (e.g. the GCJ-02 shift for Gaode tiles).
    """
    geoms = gdf.geometry.values
    if tolerance:
        geoms = shapely.simplify(geoms, tolerance, preserve_topology=True)
    geoms = shapely.set_precision(geoms, 10.0**-decimals, mode="pointwise")
    feats = []
    for geom, (_, row) in zip(geoms, gdf.iterrows(), strict=True):
        if geom is None or geom.is_empty:
            continue
        if transform is not None:
            geom = transform(geom)
        feats.append(
            {
                "type": "Feature",
                "geometry": shapely.geometry.mapping(geom),
                "properties": {p: str(row.get(p, "")) for p in props},
            }
        )
    return {"type": "FeatureCollection", "features": feats}


@lru_cache(maxsize=4)
def offline_layers(gcj: bool = False) -> tuple[BaseLayer, ...]:
    """Return the offline basemap layers, bottom first.

    Parameters
    ----------
    gcj : bool
        Shift to GCJ-02 (only for drawing over Gaode tiles; never used for the offline map
        itself, kept for symmetry with the feature layers).
    """
    from atlas.places.coords import geom_wgs84_to_gcj02

    tf = geom_wgs84_to_gcj02 if gcj else None
    c = basemap_colors()
    # (geodata loader, layer name, Leaflet path style, simplification tolerance), bottom first
    specs: tuple[tuple[str, str, dict[str, Any], float], ...] = (
        (
            "province",
            "省域",
            {"color": c["city_line"], "weight": 1.6, "fillColor": c["land"], "fillOpacity": 1},
            TOLERANCE,
        ),
        ("sea", "海域", {"stroke": False, "fillColor": c["sea"], "fillOpacity": 1}, TOLERANCE),
        (
            "counties",
            "区县界",
            {"color": c["county_line"], "weight": 0.7, "dashArray": "3 2", "fill": False},
            TOLERANCE,
        ),
        ("cities", "市界", {"color": c["city_line"], "weight": 1.3, "fill": False}, TOLERANCE),
        ("rivers", "河流", {"color": c["river"], "weight": 1.4, "fill": False}, 0.0008),
        ("coast", "海岸线", {"color": c["coast"], "weight": 1.2, "fill": False}, 0.0008),
    )
    layers: list[BaseLayer] = []
    for loader, name, style, tolerance in specs:
        gdf = _load(loader)
        if gdf is None:
            continue
        labels = _labels(gdf, tf) if loader == "cities" else []
        data = to_geojson(gdf, tolerance=tolerance, transform=tf)
        layers.append(BaseLayer(name, data, style, labels))
    return tuple(layers)


def _labels(gdf: gpd.GeoDataFrame, transform: Callable | None) -> list[tuple[float, float, str]]:
    """(lat, lon, name) label points of a layer's units: the seat of government from
    ``china_units.csv`` by adcode, else a representative point of the polygon."""
    seats = seat_points()
    labels = []
    for _, row in gdf.iterrows():
        seat = seats.get(str(row.get("adcode", "")))
        pt = shapely.Point(seat) if seat else row.geometry.representative_point()
        if transform is not None:
            pt = transform(pt)
        labels.append((round(pt.y, 4), round(pt.x, 4), str(row["name"])))
    return labels


@lru_cache(maxsize=1)
def minimap_layers() -> tuple[BaseLayer, ...]:
    """Coarse layers for the overview minimap (province, sea and cities only)."""
    out = []
    for lay in offline_layers():
        if lay.name in ("省域", "海域", "市界"):
            data = lay.data
            out.append(BaseLayer(lay.name, _coarsen(data), lay.style))
    return tuple(out)


def _coarsen(data: dict[str, Any]) -> dict[str, Any]:
    gdf = gpd.GeoDataFrame.from_features(data["features"], crs=4326)
    return to_geojson(gdf, tolerance=0.01, decimals=3)
