"""Planning symbology of the web map: feature encoding, popups, layer tree and legend.

Planning-diagram conventions from the one style spec (``layers/style.yaml``): cores drawn with
a halo, axes as lines ending in an arrowhead, belts as bands, zones as translucent dashed areas,
parks/ports/stations as icons; schematic and derived features are dashed. Every popup carries
plan id, source line, verbatim quote and precision, all HTML-escaped, with a link to the plan
reader at that line. Unresolved features (no geometry) are never drawn; the app lists them.
"""

from __future__ import annotations

import itertools
import json
import math
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from atlas.appstate import PAGE_PATHS
from atlas.render.anchors import label_point
from atlas.render.style import (
    ICON_GLYPHS,
    LAYER_LABELS,
    ROLE_LABELS,
    Style,
    beyond,
    clean_quote,
    legend_entries,
    load_spec,
    reason_zh,
    style_for,
)
from atlas.render.web.geojson import DECIMALS, esc, geo_mapping
from atlas.schema import drawable

if TYPE_CHECKING:
    from atlas.render.web.overlay import Choropleth

#: simplification tolerance of feature polygons/lines in degrees (≈ 20 m)
TOLERANCE = 0.0002

#: CSS of a feature panel outside the map (the side panel uses :func:`popup_html` too)
PANEL_CSS = (
    "<style>.atlas-pop{font-size:14px;line-height:1.6}.atlas-pop .atlas-name{font-size:16px}"
    ".atlas-quote{margin:6px 0;padding:6px 8px;border-left:3px solid #b91c1c;"
    "background:#faf7f2;max-height:260px;overflow-y:auto}"
    ".atlas-id{color:#6b7280;font-size:11px;word-break:break-all}</style>"
)


def precision_label(precision: str) -> str:
    """Chinese label of a precision class (from the style spec)."""
    spec = load_spec().get("precision", {})
    return str(spec.get(precision, {}).get("label", precision))


# ---------------------------------------------------------------- grouping (the layer tree)


def group_key(layer: str, layout: str = "") -> str:
    """Key of a layer-tree node: ``layout:<slogan>`` for layout elements, else the layer."""
    if layer == "layout":
        return f"layout:{layout}" if layout else "layout"
    return layer


def group_label(key: str) -> str:
    """Chinese label of a layer-tree node."""
    if key.startswith("layout:"):
        return f"空间布局 · {key.split(':', 1)[1]}"
    return LAYER_LABELS.get(key, key)


def unresolved(frames: dict[str, gpd.GeoDataFrame]) -> pd.DataFrame:
    """Features that could not be placed (precision unresolved or no geometry), all layers."""
    rows = []
    for layer, gdf in frames.items():
        if gdf is None or len(gdf) == 0:
            continue
        geom = gdf.geometry
        bad = geom.isna() | geom.is_empty
        if "precision" in gdf.columns:
            bad |= gdf["precision"].astype(str) == "unresolved"
        sub = pd.DataFrame(gdf[bad].drop(columns="geometry"))
        if len(sub):
            sub["layer"] = layer
            rows.append(sub)
    if not rows:
        return pd.DataFrame(columns=["layer", "layout", "component", "name", "source_line"])
    return pd.concat(rows, ignore_index=True)


def groups(frames: dict[str, gpd.GeoDataFrame]) -> dict[str, gpd.GeoDataFrame]:
    """Split the drawable features into layer-tree groups (layouts first, in text order)."""
    out: dict[str, gpd.GeoDataFrame] = {}
    for layer in [*(["layout"] if "layout" in frames else []), *frames]:
        if layer in out or (layer == "layout" and "layout:" in "".join(out)):
            continue
        gdf = drawable(frames[layer])
        if gdf is None or len(gdf) == 0:
            continue
        if layer == "layout" and "layout" in gdf.columns:
            order = gdf.sort_values("source_line", kind="stable") if "source_line" in gdf else gdf
            for lay in dict.fromkeys(order["layout"].fillna("").astype(str)):
                out[group_key("layout", lay)] = gdf[gdf["layout"].fillna("").astype(str) == lay]
        else:
            out[group_key(layer)] = gdf
    return out


# ---------------------------------------------------------------- feature encoding


def _path_style(st: Style) -> dict[str, Any]:
    s: dict[str, Any] = {
        "color": st.color,
        "weight": st.weight,
        "opacity": st.opacity,
        "fillColor": st.fill,
        "fillOpacity": round(st.fill_opacity * st.opacity, 3),
    }
    if st.dash:
        s["dashArray"] = st.dash
    if st.symbol in ("arrow", "line"):
        s["fill"] = False
    if st.symbol == "boundary":
        s["fillOpacity"] = 0.0
    return s


def _icon_html(st: Style, precision: str) -> str:
    border = "dashed" if precision in ("schematic", "derived") else "solid"
    if st.symbol != "icon":  # a point of a line/area layer (e.g. a township seat): a small dot
        return (
            f'<div class="atlas-dot" style="background:{esc(st.color)};'
            f'border-style:{border};opacity:{st.opacity}"></div>'
        )
    glyph = ICON_GLYPHS.get(st.icon, "")
    return (
        f'<div class="atlas-icon" style="background:{esc(st.color)};'
        f'border-style:{border};opacity:{st.opacity}">{esc(glyph)}</div>'
    )


def popup_html(row: pd.Series, link_base: str = "/") -> str:
    """The popup of one feature: name, role, layout/component, precision, anchors, source.

    Every value is HTML-escaped; the reader link carries plan and line as query parameters.
    """
    from urllib.parse import urlencode

    layer = str(row.get("layer", ""))
    role = str(row.get("role", ""))
    prec = str(row.get("precision", ""))
    conf = row.get("confidence")
    conf_txt = f"（置信度 {float(conf):.2f}）" if conf is not None and not pd.isna(conf) else ""
    anchors = "、".join(a for a in str(row.get("anchors", "") or "").split(";") if a)
    parts = [f'<div class="atlas-pop"><b class="atlas-name">{esc(row.get("name"))}</b>']
    lay = str(row.get("layout", "") or "")
    comp = str(row.get("component", "") or "")
    if lay or comp:
        parts.append(f"<div>布局：{esc(lay)} · {esc(comp)}</div>")
    parts.append(
        f"<div>图层：{esc(LAYER_LABELS.get(layer, layer))} · "
        f"角色：{esc(ROLE_LABELS.get(role, role))}</div>"
    )
    parts.append(f"<div>精度：{esc(precision_label(prec))}（{esc(prec)}）{esc(conf_txt)}</div>")
    if anchors:
        parts.append(f"<div>锚点：{esc(anchors)}</div>")
    note = reason_zh(row.get("note"))
    if note:
        parts.append(f"<div>说明：{esc(note)}</div>")
    line = row.get("source_line")
    plan = str(row.get("plan_id", ""))
    line_txt = ""
    if line is not None and not pd.isna(line):
        line_txt = f"第 {int(line)} 行"
    parts.append(f"<div>来源：{esc(plan)} {esc(line_txt)}</div>")
    quote = clean_quote(row.get("source_quote"))
    parts.append(f'<blockquote class="atlas-quote">{esc(quote)}</blockquote>')
    if line_txt:
        q = urlencode({"plan": plan, "line": int(line), "feature": str(row.get("id", ""))})
        href = f"{link_base.rstrip('/')}/{PAGE_PATHS['reader']}?{q}"
        parts.append(f'<a href="{esc(href)}" target="_top">在规划文本中查看 →</a>')
    parts.append(f'<div class="atlas-id">编号：{esc(row.get("id"))}</div></div>')
    return "".join(parts)


def _arrowhead(line: shapely.LineString, size_m: float | None = None) -> shapely.Polygon | None:
    """Triangle at the end of ``line`` pointing along its last segment (lon/lat degrees)."""
    coords = np.asarray(line.coords)
    if len(coords) < 2:
        return None
    (x0, y0), (x1, y1) = coords[-2][:2], coords[-1][:2]
    k = math.cos(math.radians(y1))
    dx, dy = (x1 - x0) * k, (y1 - y0)
    seg = math.hypot(dx, dy)
    if seg == 0:
        return None
    length_deg = sum(
        math.hypot((b[0] - a[0]) * k, b[1] - a[1]) for a, b in itertools.pairwise(coords)
    )
    size = size_m / 111_320 if size_m else min(max(length_deg * 0.06, 0.01), 0.06)
    ux, uy = dx / seg, dy / seg
    tip = (x1 + ux * size * 0.6 / k, y1 + uy * size * 0.6)
    # perpendicular in the scaled plane, converted back to degrees
    bx, by = x1 * k - ux * size * 0.4, y1 - uy * size * 0.4
    left = ((bx - uy * size * 0.45) / k, by + ux * size * 0.45)
    right = ((bx + uy * size * 0.45) / k, by - ux * size * 0.45)
    return shapely.Polygon([tip, left, right, tip])


def _short(name: str, limit: int = 12) -> str:
    """A map label: the name, cut to ``limit`` characters."""
    return name if len(name) <= limit else name[: limit - 1] + "…"


def _line_parts(geom) -> list[shapely.LineString]:
    if geom.geom_type == "LineString":
        return [geom]
    if geom.geom_type == "MultiLineString":
        return list(geom.geoms)
    return []


def group_payload(
    gdf: gpd.GeoDataFrame,
    *,
    gcj: bool = False,
    link_base: str = "/",
    tolerance: float = TOLERANCE,
) -> str:
    """Encode one layer group as a GeoJSON string ready for the page.

    Each feature carries ``id``, its Leaflet style ``_s``, escaped popup ``_p`` and tooltip
    ``_t``, and for points an icon ``_i``. Axes get an extra arrowhead feature, cores an extra
    halo feature (drawn beneath). Geometry is simplified and rounded to :data:`DECIMALS`.

    Parameters
    ----------
    gdf : GeoDataFrame
        Drawable rows of the feature schema (DESIGN §4), EPSG:4326.
    gcj : bool
        Shift coordinates to GCJ-02 (Gaode basemap only; stored data stays WGS-84).
    link_base : str
        URL prefix of the app for the plan-reader link.
    tolerance : float
        Simplification tolerance in degrees.

    Returns
    -------
    str
        GeoJSON FeatureCollection text, with ``<`` escaped so it is safe inside ``<script>``.
    """
    from atlas.places.coords import geom_wgs84_to_gcj02

    tf = geom_wgs84_to_gcj02 if gcj else None
    geoms = shapely.set_precision(
        shapely.simplify(gdf.geometry.values, tolerance, preserve_topology=True),
        10.0**-DECIMALS,
        mode="pointwise",
    )
    halos: list[dict] = []
    feats: list[dict] = []
    extras: list[dict] = []
    for geom, (_, row) in zip(geoms, gdf.iterrows(), strict=True):
        if geom is None or geom.is_empty:
            continue
        layer, role = str(row.get("layer", "")), str(row.get("role", ""))
        prec = str(row.get("precision", ""))
        st = style_for(layer, role, prec)
        props: dict[str, Any] = {
            "id": esc(row.get("id")),
            "_s": _path_style(st),
            "_p": popup_html(row, link_base),
            "_t": f"{esc(row.get('name'))}（{esc(precision_label(prec))}）",
            "_z": st.z,
        }
        if geom.geom_type in ("Point", "MultiPoint"):
            if geom.geom_type == "MultiPoint":
                geom = geom.geoms[0]
            props["_i"] = _icon_html(st, prec)
        name = str(row.get("name", "") or "").strip()
        if name and name.lower() not in ("none", "nan") and layer != "admin":
            pt = label_point(geom)
            if pt is not None:
                if tf is not None:
                    pt = tuple(tf(shapely.Point(pt)).coords[0])
                props["_l"] = esc(_short(name) + beyond(row))
                props["_a"] = [round(pt[1], DECIMALS), round(pt[0], DECIMALS)]
                props["_r"] = (100 if layer == "layout" else 0) + st.z
                props["_k"] = "p" if geom.geom_type == "Point" else "a"
        props["_c"] = esc(st.label)
        feats.append({"type": "Feature", "geometry": geo_mapping(geom, tf), "properties": props})
        if st.symbol == "halo" and geom.geom_type.endswith("Polygon"):
            halo = {
                "color": st.fill,
                "weight": 14,
                "opacity": 0.35 * st.opacity,
                "fill": False,
                "interactive": False,
            }
            halos.append(
                {
                    "type": "Feature",
                    "geometry": geo_mapping(geom, tf),
                    "properties": {"id": props["id"], "_s": halo, "_z": st.z - 1, "_x": 1},
                }
            )
        if st.symbol == "arrow":
            for part in _line_parts(geom):
                head = _arrowhead(part)
                if head is None:
                    continue
                s = {
                    "color": st.color,
                    "weight": 1,
                    "fillColor": st.color,
                    "fillOpacity": st.opacity,
                    "opacity": st.opacity,
                }
                extras.append(
                    {
                        "type": "Feature",
                        "geometry": geo_mapping(head, tf),
                        "properties": {
                            **{k: v for k, v in props.items() if k not in ("_l", "_a", "_c")},
                            "_s": s,
                            "_arrow": 1,
                        },
                    }
                )
    allf = halos + sorted(feats, key=lambda f: f["properties"]["_z"]) + extras
    text = json.dumps({"type": "FeatureCollection", "features": allf}, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e")


# ---------------------------------------------------------------- legend and choropleth


def _swatch(st: Style) -> str:
    dash = "dashed" if st.dash else "solid"
    if st.symbol == "icon":
        glyph = esc(ICON_GLYPHS.get(st.icon, ""))
        return (
            f'<span class="sw" style="width:16px;height:16px;border-radius:50%;'
            f"background:{esc(st.color)};color:#fff;font-size:10px;text-align:center;"
            f'line-height:16px">{glyph}</span>'
        )
    if st.symbol in ("arrow", "line"):
        arrow = "➤" if st.symbol == "arrow" else ""
        return (
            f'<span class="sw" style="height:0;border-top:{max(st.weight, 2):.0f}px {dash} '
            f'{esc(st.color)};margin-bottom:3px"></span>'
            f'<span style="color:{esc(st.color)};margin-left:-10px">{arrow}</span>'
        )
    extra = f"box-shadow:0 0 0 4px {esc(st.fill)}55;" if st.symbol == "halo" else ""
    return (
        f'<span class="sw" style="background:{esc(st.fill)};opacity:.85;'
        f'border:1.5px {dash} {esc(st.color)};{extra}"></span>'
    )


def precision_legend_html() -> str:
    """The 精度 section of the legend (always shown, whatever the layers on screen)."""
    parts = ["<h4>精度</h4>"]
    prec = load_spec().get("precision", {})
    for key in ("admin", "surveyed", "derived", "schematic"):
        entry = prec.get(key, {})
        dash = "dashed" if entry.get("dash") else "solid"
        parts.append(
            f'<div><span class="sw" style="height:0;border-top:2px {dash} #374151;'
            f'margin-bottom:3px"></span>{esc(entry.get("label", key))}</div>'
        )
    return "".join(parts)


def legend_classes(pairs: list[tuple[str, str]]) -> dict[str, list]:
    """Legend class label (escaped, as in the features' ``_c``) → [entry HTML, z]."""
    return {esc(st.label): [f"{_swatch(st)}{esc(st.label)}", st.z] for st in legend_entries(pairs)}


def overlay_legend_html(choropleth: Choropleth | None) -> str:
    """The legend section of an indicator overlay ("" without one)."""
    if choropleth is None or not choropleth.classes:
        return ""
    parts = [f"<h4>{esc(choropleth.title)}</h4>"]
    for color, label in choropleth.classes:
        parts.append(
            f'<div><span class="sw" style="background:{esc(color)};opacity:.8"></span>'
            f"{esc(label)}</div>"
        )
    parts.append(f'<div style="color:#6b7280">分级：{esc(choropleth.scheme)}</div>')
    return "".join(parts)


def legend_html(
    pairs: list[tuple[str, str]], choropleth: Choropleth | None = None, *, open_: bool = True
) -> str:
    """Legend HTML: symbology of the (layer, role) pairs shown, precision classes, overlay."""
    parts = [f"<details{' open' if open_ else ''}><summary><b>图例</b></summary>"]
    for st in legend_entries(pairs):
        parts.append(f"<div>{_swatch(st)}{esc(st.label)}</div>")
    parts.append("<h4>精度</h4>")
    prec = load_spec().get("precision", {})
    for key in ("admin", "surveyed", "derived", "schematic"):
        entry = prec.get(key, {})
        dash = "dashed" if entry.get("dash") else "solid"
        parts.append(
            f'<div><span class="sw" style="height:0;border-top:2px {dash} #374151;'
            f'margin-bottom:3px"></span>{esc(entry.get("label", key))}</div>'
        )
    if choropleth is not None and choropleth.classes:
        parts.append(f"<h4>{esc(choropleth.title)}</h4>")
        for color, label in choropleth.classes:
            parts.append(
                f'<div><span class="sw" style="background:{esc(color)};opacity:.8"></span>'
                f"{esc(label)}</div>"
            )
        parts.append(f'<div style="color:#6b7280">分级：{esc(choropleth.scheme)}</div>')
    parts.append("</details>")
    return "".join(parts)


#: ColorBrewer YlOrRd, 5 classes
