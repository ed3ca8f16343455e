"""The basemap backdrop of a static map: local projection, extent fitting and the offline layers.

Sea, 辽宁 land, county and city boundaries, rivers and coast from the bundled reference
geodata, drawn with matplotlib in a transverse Mercator centred on the map's focus; the
province outside the focus is dimmed and the focus outlined.
"""

from __future__ import annotations

import geopandas as gpd
from matplotlib.patches import PathPatch
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from atlas.render.print import symbols
from atlas.render.style import basemap_colors

OUTSIDE_LAND = "#e9e7e1"


def local_crs(geom: BaseGeometry) -> str:
    """A transverse Mercator centred on a geometry: metres, north up, little distortion."""
    c = geom.centroid
    return (
        f"+proj=tmerc +lat_0={c.y:.4f} +lon_0={c.x:.4f} +k=1 +x_0=0 +y_0=0 "
        "+ellps=GRS80 +units=m +no_defs"
    )


def fit_extent(bounds, box_w_in: float, box_h_in: float, pad: float = 0.06):
    """Limits that contain ``bounds`` (with padding) and match the axes' aspect ratio."""
    x0, y0, x1, y1 = bounds
    dx, dy = max(x1 - x0, 1.0), max(y1 - y0, 1.0)
    x0, x1, y0, y1 = x0 - dx * pad, x1 + dx * pad, y0 - dy * pad, y1 + dy * pad
    dx, dy = x1 - x0, y1 - y0
    ratio = box_w_in / box_h_in
    if dx / dy < ratio:
        grow = (dy * ratio - dx) / 2
        x0, x1 = x0 - grow, x1 + grow
    else:
        grow = (dx / ratio - dy) / 2
        y0, y1 = y0 - grow, y1 + grow
    return x0, y0, x1, y1


def clip(frame: gpd.GeoDataFrame, view_geom) -> gpd.GeoDataFrame:
    """The rows of ``frame`` that intersect ``view_geom`` (geometries are not cut)."""
    if not len(frame):
        return frame
    hits = frame[frame.intersects(view_geom)]
    return hits


def draw_basemap(ax, base: dict[str, gpd.GeoDataFrame], crs: str, view_ll, focus) -> None:
    """Sea, province land, county/city boundaries, rivers and coast, focus outline, mask."""
    colors = basemap_colors()
    ax.set_facecolor(OUTSIDE_LAND)

    def proj(key: str) -> gpd.GeoDataFrame:
        f = base.get(key)
        if f is None or not len(f):
            return gpd.GeoDataFrame(geometry=[], crs=crs)
        return clip(f, view_ll).to_crs(crs)

    for g in proj("sea").geometry:
        patch(ax, g, face=colors["sea"], edge="none", z=1)
    for g in proj("province").geometry:
        patch(ax, g, face=colors["land"], edge="none", z=1.5)
    for g in proj("counties").geometry:
        patch(ax, g, face="none", edge=colors["county_line"], lw=0.45, z=3, dash=(0, (3, 2)))
    for g in proj("cities").geometry:
        patch(ax, g, face="none", edge=colors["city_line"], lw=0.8, z=3.5)
    for g in proj("rivers").geometry:
        for xy in symbols.lines_of(g):
            ax.plot(xy[:, 0], xy[:, 1], color=colors["river"], lw=0.9, zorder=4)
    for g in proj("coast").geometry:
        for xy in symbols.lines_of(g):
            ax.plot(xy[:, 0], xy[:, 1], color=colors["coast"], lw=0.7, zorder=4.5)
    # dim the province outside the focus, then outline the focus
    prov = proj("province")
    focus_geom = unary_union(list(focus.to_crs(crs).geometry))
    if len(prov):
        outside = unary_union(list(prov.geometry)).difference(focus_geom)
        patch(ax, outside, face=(0.86, 0.86, 0.84, 0.45), edge="none", z=5)
    # the plan's boundary stays visible above area features whose edges follow it
    patch(ax, focus_geom, face="none", edge="white", lw=3.2, z=6)
    patch(ax, focus_geom, face="none", edge=(0.07, 0.09, 0.15, 0.85), lw=1.6, z=79)


def patch(ax, geom, *, face, edge, lw: float = 0.0, z: float = 1, dash="solid") -> None:
    """Draw a (multi)polygon as one path patch; geometries without area are skipped."""
    path = symbols.polygon_path(geom)
    if path is None:
        return
    ax.add_artist(PathPatch(path, facecolor=face, edgecolor=edge, lw=lw, linestyle=dash, zorder=z))
