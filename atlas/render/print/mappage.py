"""One static map page (matplotlib): basemap, features in planning symbology, labels, furniture."""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import matplotlib.patheffects as pe
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from shapely import box as shp_box
from shapely.ops import unary_union

from atlas.errors import InputError
from atlas.render import mapdata
from atlas.render.anchors import label_point, seat_points
from atlas.render.print import labels as lab
from atlas.render.print import symbols
from atlas.render.print.backdrop import clip, draw_basemap, fit_extent, local_crs
from atlas.render.print.fonts import cjk_font, drawable_text
from atlas.render.print.furniture import (
    INSET_BOX,
    LEGEND_BOX,
    MAP_BOX,
    PAPERS,
    UNTITLED_LIFT,
    attribution,
    data_box_to_display,
    draw_inset,
    draw_legend,
    draw_north_arrow,
    draw_scale_bar,
    lift_box,
)
from atlas.render.print.series import drawable
from atlas.render.style import basemap_colors, beyond, legend_entries, style_for


@dataclass
class RenderInfo:
    """What a rendered map shows (for captions, decks and tests)."""

    legend: list[str] = field(default_factory=list)
    schematic: bool = False
    labels_placed: list[str] = field(default_factory=list)
    labels_dropped: list[str] = field(default_factory=list)
    labels_with_leaders: list[str] = field(default_factory=list)
    label_boxes: list = field(default_factory=list)
    n_features: int = 0


def label_text(row) -> str:
    """A feature's map label: its name, prefixed by the slogan part for layout elements."""
    name = str(row.get("name") or "").strip()
    comp = str(row.get("component") or "").strip()
    if row.get("layer") == "layout" and comp and comp not in name:
        text = f"{comp}·{name}" if name else comp
    else:
        text = name or comp
    text = drawable_text(text)
    text = text if len(text) <= 18 else text[:17] + "…"
    return text + beyond(row)  # →沈阳: the city beyond the edge of a clipped axis


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
    map_box = lift_box(MAP_BOX, lift, grow=True)
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

    icon_pts, requests, pairs = _draw_features(ax, shown, crs, unit, view_poly, info)
    if county_labels:
        requests += _county_label_requests(base, view_ll, crs, view_poly)

    furniture = [*draw_scale_bar(ax, view), draw_north_arrow(ax, view)]
    obstacles = [data_box_to_display(ax, r) for r in furniture]
    obstacles += lab.icon_boxes(ax, icon_pts, symbols.icon_size_pt())
    if info.schematic:  # drawn before the labels: its box is an obstacle too
        tag = ax.text(
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
        obstacles.append(tag.get_window_extent(fig.canvas.get_renderer()).expanded(1.05, 1.2))
    placement = lab.place_labels(ax, requests, obstacles=obstacles)
    info.labels_placed = [r.text for r, _ in placement.placed]
    info.labels_dropped = [r.text for r in placement.dropped]
    info.labels_with_leaders = [r.text for r, _ in placement.leaders]
    info.label_boxes = [b for _, b in placement.placed]
    draw_inset(fig, base, focus, view_ll, lift_box(INSET_BOX, lift))
    info.legend = _legend(fig, base, pairs, info.schematic, lift_box(LEGEND_BOX, lift, grow=True))
    _titles(fig, title, subtitle, meta)
    return fig, info


def _label_anchor(geom, pts: list[tuple[float, float]], view_poly) -> tuple[float, float, str]:
    """Where a feature's label goes: its icon, the middle of its longest visible line part,
    or a representative point of its visible area."""
    inside = geom.intersection(view_poly)  # anchor the label on the visible part
    if not inside.is_empty and inside.geom_type in (
        "LineString",
        "MultiLineString",
        "Polygon",
        "MultiPolygon",
    ):
        geom = inside
    if pts:
        return pts[0][0], pts[0][1], "point"
    pt = label_point(geom)  # the same label point as the web map (atlas.render.anchors)
    if pt is None:
        p = geom.representative_point()
        pt = (p.x, p.y)
    kind = "point" if geom.geom_type in ("LineString", "MultiLineString") else "area"
    return pt[0], pt[1], kind


def _draw_features(ax, shown, crs, unit: float, view_poly, info: RenderInfo):
    """Draw features bottom to top by the style's z; return icon points, label requests and
    the (layer, role) pairs drawn."""
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
        x, y, kind = _label_anchor(row.geometry, pts, view_poly)
        prio = (100.0 if row["layer"] == "layout" else 0.0) + st.z
        requests.append(
            lab.LabelRequest(x, y, text, priority=prio, kind=kind, size=8.5, color=st.color)
        )
    return icon_pts, requests, pairs


def _county_label_requests(base, view_ll, crs, view_poly) -> list[lab.LabelRequest]:
    """Grey county names (lowest label priority) for the units inside the view."""
    counties = base.get("counties")
    if counties is None or not len(counties):
        return []
    from shapely.geometry import Point

    seats = seat_points()  # names at the seat of government (the urban centre)
    out = []
    clipped = clip(counties, view_ll)
    seat_ll = [seats.get(str(a)) for a in clipped.get("adcode", [None] * len(clipped))]
    seat_m = gpd.GeoSeries(
        [Point(s) if s else None for s in seat_ll], index=clipped.index, crs=4326
    ).to_crs(crs)
    for idx, c in clipped.to_crs(crs).iterrows():
        seat = seat_m.get(idx)
        p = seat if seat is not None and not seat.is_empty else c.geometry.representative_point()
        if view_poly.contains(p):
            out.append(
                lab.LabelRequest(
                    p.x, p.y, c["name"], priority=-100, kind="area", size=7, color="#6b7280"
                )
            )
    return out


def _legend(fig, base, pairs, schematic: bool, box) -> list[str]:
    """Draw the legend of the drawn (layer, role) pairs plus the basemap; return its labels."""
    from matplotlib.lines import Line2D

    styles = legend_entries(sorted(set(pairs)))
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
    draw_legend(fig, styles, schematic, extra, box)
    return [s.label for s in styles]


def _titles(fig, title: str, subtitle: str, meta) -> None:
    """Title, subtitle and the attribution line of a page."""
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
