"""Where a feature's label goes (its label point), shared by the web map, print and tests.

- a point: the point itself (the first one of a multipoint, where the web map draws its icon);
- a line: the middle of its longest part (half its length along the line);
- an area: the pole of inaccessibility of its largest part (``shapely.ops.polylabel``), a
  point well inside the area, never the bounding-box centre that Leaflet's tooltips use and
  that lies outside an L-shaped or multi-part band.

``tests/golden/labels/<plan>.json`` holds these points (feature id → [lon, lat], 0.001°) for
the bundled plans; ``python tests/golden/labels/regenerate.py`` rewrites them and prints the
diff.
"""

from __future__ import annotations

import logging
from functools import lru_cache

import geopandas as gpd
from shapely.errors import GEOSException, TopologicalError
from shapely.geometry.base import BaseGeometry
from shapely.ops import polylabel

from atlas.errors import AtlasError
from atlas.schema import drawable

log = logging.getLogger(__name__)

#: decimals of the golden anchor positions (≈ 100 m)
GOLDEN_DECIMALS = 3


def label_point(geom: BaseGeometry | None) -> tuple[float, float] | None:
    """(lon, lat) of the label of ``geom`` (see the module doc), or None when empty."""
    if geom is None or geom.is_empty:
        return None
    kind = geom.geom_type
    if kind == "Point":
        return (geom.x, geom.y)
    if kind == "MultiPoint":
        p = geom.geoms[0]
        return (p.x, p.y)
    if kind in ("LineString", "MultiLineString", "LinearRing"):
        part = max(getattr(geom, "geoms", [geom]), key=lambda g: g.length)
        p = part.interpolate(0.5, normalized=True)
        return (p.x, p.y)
    if kind in ("Polygon", "MultiPolygon"):
        part = max(getattr(geom, "geoms", [geom]), key=lambda g: g.area)
        try:
            p = polylabel(part, tolerance=max(part.length / 400, 1e-5))
        except (GEOSException, TopologicalError, ValueError):  # a degenerate part
            p = part.representative_point()
        if not part.buffer(1e-9).contains(p):
            p = part.representative_point()
        return (p.x, p.y)
    if kind == "GeometryCollection":
        parts = [g for g in geom.geoms if not g.is_empty]
        for want in ("Polygon", "MultiPolygon", "LineString", "MultiLineString"):
            for g in parts:
                if g.geom_type == want:
                    return label_point(g)
        return label_point(parts[0]) if parts else None
    p = geom.representative_point()
    return (p.x, p.y)


def label_anchors(frames: dict[str, gpd.GeoDataFrame]) -> dict[str, list[float]]:
    """Feature id → [lon, lat] of its label point (rounded to :data:`GOLDEN_DECIMALS`), for
    every drawable feature of a plan's layer frames, sorted by id."""
    out: dict[str, list[float]] = {}
    for gdf in frames.values():
        d = drawable(gdf)
        if d is None or not len(d):
            continue
        for fid, geom in zip(d["id"].astype(str), d.geometry, strict=True):
            pt = label_point(geom)
            if pt is not None:
                out[fid] = [round(pt[0], GOLDEN_DECIMALS), round(pt[1], GOLDEN_DECIMALS)]
    return dict(sorted(out.items()))


@lru_cache(maxsize=1)
def seat_points() -> dict[str, tuple[float, float]]:
    """adcode → (lon, lat) of the seat of government of every unit in ``china_units.csv``
    (the urban centre a place name belongs at; interior points where no seat is known)."""
    from atlas.places import geodata

    try:
        units = geodata.units()
    except (AtlasError, OSError) as exc:
        log.info("unit seats unavailable: %s", exc)
        return {}
    return {
        str(a): (float(x), float(y))
        for a, x, y in zip(units["adcode"], units["lon"], units["lat"], strict=True)
    }
