"""Planning-diagram symbology for matplotlib, from the one style spec (``layers/style.yaml``).

Cores are drawn as halos, axes as arrows, belts and corridors as bands, zones as translucent
areas, parks/ports/stations as round icons with a one-character glyph, lines as lines and
boundaries as outlines. Geometries are expected in a metric CRS (metres), so halo and band
widths are real distances. Widths in the spec are CSS px; one px is drawn as 0.75 pt.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from matplotlib.axes import Axes
from matplotlib.legend_handler import HandlerBase
from matplotlib.patches import Circle, FancyArrowPatch, PathPatch, Rectangle
from matplotlib.path import Path as MplPath
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry

from atlas.render.style import ICON_GLYPHS, Style

PT_PER_PX = 0.75


def width_pt(style: Style, scale: float = 1.0) -> float:
    """Line width in points for a style's CSS px weight."""
    return max(style.weight * PT_PER_PX * scale, 0.3)


def dashes(style: Style, lw: float) -> str | tuple:
    """A matplotlib linestyle for a style's ``dash`` ("6 4" px), independent of line width."""
    if not style.dash:
        return "solid"
    seq = [float(x) * PT_PER_PX for x in style.dash.replace(",", " ").split()]
    scale = lw if lw > 0 else 1.0
    return (0, tuple(max(v / scale, 0.05) for v in seq))


def _ring_codes(n: int) -> list[int]:
    return [MplPath.MOVETO] + [MplPath.LINETO] * (n - 2) + [MplPath.CLOSEPOLY]


def polygon_path(geom: BaseGeometry) -> MplPath | None:
    """A compound matplotlib path (holes included) for a Polygon/MultiPolygon."""
    polys: Iterable[Polygon]
    if isinstance(geom, Polygon):
        polys = [geom]
    elif isinstance(geom, MultiPolygon):
        polys = list(geom.geoms)
    else:
        polys = [g for g in getattr(geom, "geoms", []) if isinstance(g, Polygon)]
    verts: list[np.ndarray] = []
    codes: list[int] = []
    for poly in polys:
        if poly.is_empty:
            continue
        for ring in [poly.exterior, *poly.interiors]:
            xy = np.asarray(ring.coords)[:, :2]
            if len(xy) < 3:
                continue
            verts.append(xy)
            codes += _ring_codes(len(xy))
    if not verts:
        return None
    return MplPath(np.concatenate(verts), codes)


def lines_of(geom: BaseGeometry) -> list[np.ndarray]:
    """Coordinate arrays of every line part of a geometry (polygon rings excluded)."""
    if isinstance(geom, LineString):
        return [np.asarray(geom.coords)[:, :2]]
    if isinstance(geom, MultiLineString):
        return [np.asarray(g.coords)[:, :2] for g in geom.geoms]
    parts = getattr(geom, "geoms", None)
    if parts is not None:
        out: list[np.ndarray] = []
        for g in parts:
            out += lines_of(g)
        return out
    return []


def points_of(geom: BaseGeometry) -> list[tuple[float, float]]:
    """Coordinates of every point part of a geometry."""
    if isinstance(geom, Point):
        return [(geom.x, geom.y)]
    parts = getattr(geom, "geoms", None)
    if parts is not None:
        out: list[tuple[float, float]] = []
        for g in parts:
            out += points_of(g)
        return out
    return []


def _fill_polygon(ax: Axes, geom, style: Style, z: float, *, edge: bool = True) -> None:
    path = polygon_path(geom)
    if path is None:
        return
    lw = width_pt(style) if edge else 0.0
    face = _rgba(style.fill, style.fill_opacity * style.opacity)
    ax.add_artist(PathPatch(path, facecolor=face, edgecolor="none", lw=0, zorder=z))
    if edge:
        _outline(ax, path, style, lw, z + 0.1)


def _outline(ax: Axes, path: MplPath, style: Style, lw: float, z: float) -> None:
    """The outline of a polygon path in the style's colour and dash pattern."""
    ax.add_artist(
        PathPatch(
            path,
            facecolor="none",
            edgecolor=_rgba(style.color, style.opacity),
            lw=lw,
            linestyle=dashes(style, lw),
            zorder=z,
        )
    )


def _rgba(color: str, alpha: float) -> tuple[float, float, float, float]:
    from matplotlib.colors import to_rgba

    return to_rgba(color, max(0.0, min(1.0, alpha)))


def draw_halo(ax: Axes, geom, style: Style, z: float, unit: float) -> None:
    """A core: filled area (or disc around a point) with fading concentric glow rings."""
    if isinstance(geom, Point) or geom.geom_type == "MultiPoint":
        geom = geom.buffer(unit * 2.0)
    elif geom.geom_type in ("LineString", "MultiLineString"):
        geom = geom.buffer(unit * 1.0)
    for i, k in enumerate((3.0, 2.0, 1.0)):
        ring = geom.buffer(unit * k * 0.6)
        path = polygon_path(ring)
        if path is not None:
            ax.add_artist(
                PathPatch(
                    path,
                    facecolor=_rgba(style.fill, 0.10 + 0.05 * i),
                    edgecolor="none",
                    zorder=z - 0.3 + 0.1 * i,
                )
            )
    _fill_polygon(ax, geom, style, z)


def draw_arrow(ax: Axes, geom, style: Style, z: float, unit: float) -> None:
    """An axis: a thick line with arrowheads at both ends (planning-diagram convention)."""
    lw = width_pt(style)
    color = _rgba(style.color, style.opacity)
    for xy in lines_of(geom):
        if len(xy) < 2:
            continue
        ax.plot(
            xy[:, 0],
            xy[:, 1],
            color=color,
            lw=lw,
            linestyle=dashes(style, lw),
            solid_capstyle="butt",
            zorder=z,
        )
        for a, b in ((xy[1], xy[0]), (xy[-2], xy[-1])):
            d = np.asarray(b) - np.asarray(a)
            length = float(np.hypot(*d))
            if length == 0:
                continue
            start = np.asarray(b) - d / length * min(unit * 1.2, length * 0.5)
            ax.add_artist(
                FancyArrowPatch(
                    tuple(start),
                    tuple(b),
                    arrowstyle=f"-|>,head_length={lw * 1.6:.2f},head_width={lw * 1.1:.2f}",
                    color=color,
                    lw=0,
                    mutation_scale=1,
                    shrinkA=0,
                    shrinkB=0,
                    zorder=z + 0.1,
                )
            )


def draw_band(ax: Axes, geom, style: Style, z: float, unit: float) -> None:
    """A belt/corridor: a translucent band (lines are buffered) with its centre line."""
    if geom.geom_type in ("LineString", "MultiLineString"):
        centre = geom
        geom = geom.buffer(unit * 1.2, cap_style="flat")
    else:
        centre = None
    _fill_polygon(ax, geom, style, z)
    if centre is not None:
        lw = width_pt(style)
        for xy in lines_of(centre):
            ax.plot(xy[:, 0], xy[:, 1], color=_rgba(style.color, style.opacity), lw=lw, zorder=z)


def draw_area(ax: Axes, geom, style: Style, z: float, unit: float) -> None:
    """A zone/wing/cluster: a translucent area with (dashed where the spec says) edge."""
    if geom.geom_type in ("Point", "MultiPoint"):
        geom = geom.buffer(unit * 1.5)
    elif geom.geom_type in ("LineString", "MultiLineString"):
        draw_line(ax, geom, style, z, unit)
        return
    _fill_polygon(ax, geom, style, z)


def draw_line(ax: Axes, geom, style: Style, z: float, unit: float) -> None:
    """A river, reach, rail or road line (polygons drawn by their outline)."""
    lw = width_pt(style)
    color = _rgba(style.color, style.opacity)
    parts = lines_of(geom)
    if not parts and polygon_path(geom) is not None:
        _fill_polygon(ax, geom, style, z)
        return
    for xy in parts:
        if style.dash and style.color.lower() in ("#111827", "#000000"):  # railway ticks
            ax.plot(xy[:, 0], xy[:, 1], color=color, lw=lw * 1.6, zorder=z)
            ax.plot(xy[:, 0], xy[:, 1], color="white", lw=lw * 0.9, linestyle=(0, (4, 4)), zorder=z)
        else:
            ax.plot(xy[:, 0], xy[:, 1], color=color, lw=lw, linestyle=dashes(style, lw), zorder=z)


def draw_boundary(ax: Axes, geom, style: Style, z: float, unit: float) -> None:
    """An administrative boundary: outline only."""
    path = polygon_path(geom)
    if path is None:
        draw_line(ax, geom, style, z, unit)
        return
    _outline(ax, path, style, width_pt(style), z)


def icon_size_pt(scale: float = 1.0) -> float:
    """Diameter of an icon marker in points."""
    return 11.0 * scale


def draw_icon(ax: Axes, geom, style: Style, z: float, unit: float) -> list[tuple[float, float]]:
    """Parks, ports, stations: a coloured disc with a white glyph; areas get a light fill too.

    Returns
    -------
    list of (x, y)
        The icon positions (data coordinates), so labels can avoid them.
    """
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        _fill_polygon(ax, geom, style.__class__(**{**style.__dict__, "fill_opacity": 0.2}), z - 1)
        pts = [(geom.representative_point().x, geom.representative_point().y)]
    elif geom.geom_type in ("LineString", "MultiLineString"):
        draw_line(ax, geom, style, z - 1, unit)
        mid = geom.interpolate(0.5, normalized=True)
        pts = [(mid.x, mid.y)]
    else:
        pts = points_of(geom)
    size = icon_size_pt()
    glyph = ICON_GLYPHS.get(style.icon, "")
    color = _rgba(style.color, max(style.opacity, 0.6))
    for x, y in pts:
        ax.plot(
            [x],
            [y],
            marker="o",
            ms=size,
            mfc=color,
            mec="white",
            mew=1.0,
            linestyle="none",
            zorder=z,
        )
        if glyph:
            ax.text(
                x,
                y,
                glyph,
                color="white",
                fontsize=size * 0.55,
                ha="center",
                va="center_baseline",
                zorder=z + 0.1,
            )
    return pts


DRAWERS = {
    "halo": draw_halo,
    "arrow": draw_arrow,
    "band": draw_band,
    "area": draw_area,
    "line": draw_line,
    "boundary": draw_boundary,
}


def draw(ax: Axes, geom, style: Style, unit: float) -> list[tuple[float, float]]:
    """Draw one feature in its planning-diagram symbol; returns icon positions (if any).

    Parameters
    ----------
    ax : Axes
        Map axes in a metric CRS.
    geom : shapely geometry
        The feature geometry (same CRS as the axes); empty geometries are skipped.
    style : Style
        Resolved style (:func:`atlas.render.style.style_for`).
    unit : float
        A map-scale distance in metres (about 1 % of the map width) for halos, bands, discs.
    """
    if geom is None or geom.is_empty or style.opacity <= 0:
        return []
    if style.symbol == "icon":
        return draw_icon(ax, geom, style, style.z, unit)
    DRAWERS.get(style.symbol, draw_area)(ax, geom, style, style.z, unit)
    return []


class LegendHandler(HandlerBase):
    """Legend key drawn in the feature's own symbol (halo, arrow, band, area, icon, line)."""

    def __init__(self, style: Style) -> None:
        super().__init__()
        self.style = style

    def create_artists(
        self, legend, orig_handle, xdescent, ydescent, width, height, fontsize, trans
    ):
        st = self.style
        x0, y0, w, h = -xdescent, -ydescent, width, height
        cy = y0 + h / 2
        lw = width_pt(st)
        edge = _rgba(st.color, 1.0)
        if st.symbol == "icon":
            r = min(w, h) * 0.55
            disc = Circle((x0 + w / 2, cy), r, facecolor=edge, edgecolor="white", transform=trans)
            artists = [disc]
            glyph = ICON_GLYPHS.get(st.icon, "")
            if glyph:
                from matplotlib.text import Text

                artists.append(
                    Text(
                        x0 + w / 2,
                        cy,
                        glyph,
                        color="white",
                        fontsize=fontsize * 0.62,
                        ha="center",
                        va="center_baseline",
                        transform=trans,
                    )
                )
            return artists
        if st.symbol == "arrow":
            return [
                FancyArrowPatch(
                    (x0, cy),
                    (x0 + w, cy),
                    arrowstyle="<|-|>,head_length=4,head_width=2.5",
                    color=edge,
                    lw=min(lw, 2.5),
                    mutation_scale=1,
                    transform=trans,
                )
            ]
        if st.symbol in ("line", "boundary"):
            from matplotlib.lines import Line2D

            return [
                Line2D(
                    [x0, x0 + w],
                    [cy, cy],
                    color=edge,
                    lw=min(lw, 3),
                    linestyle=dashes(st, min(lw, 3)),
                    transform=trans,
                )
            ]
        face = _rgba(st.fill, max(st.fill_opacity, 0.2) if st.symbol != "halo" else 0.5)
        rect = Rectangle(
            (x0, y0),
            w,
            h,
            facecolor=face,
            edgecolor=edge,
            lw=min(lw, 2) if st.symbol != "halo" else 2.2,
            linestyle=dashes(st, min(lw, 2)) if st.symbol == "area" else "solid",
            transform=trans,
        )
        return [rect]
