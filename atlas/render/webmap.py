"""The interactive web map (folium/Leaflet) of atlas layers.

Planning-diagram conventions from the one style spec (``layers/style.yaml``): cores drawn with
a halo, axes as lines ending in an arrowhead, belts as bands, zones as translucent dashed areas,
parks/ports/stations as icons; schematic and derived features are dashed. Every feature's popup
carries plan id, source line, verbatim quote and precision, all HTML-escaped, with a link to the
plan reader at that line. Unresolved features (no geometry) are never drawn; the app lists them.

Each layer group is encoded once as a compact GeoJSON payload (:func:`group_payload`, simplified,
6 decimals, style and popup precomputed per feature) so the app can cache payloads and rebuild
the map cheaply when a layer is toggled.
"""

from __future__ import annotations

import html
import itertools
import json
import math
from dataclasses import dataclass, field
from typing import Any, ClassVar

import folium
import folium.plugins
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, MacroElement
from folium.elements import JSCSSMixin
from jinja2 import Template

from ..appstate import PAGE_PATHS
from ..style import Style, legend_entries, load_spec, style_for
from .assets import use_local_assets
from .basemap import OFF_LAND, BaseLayer, minimap_layers, offline_layers

#: coordinate decimals of feature geometry in the page (≈ 0.1 m)
DECIMALS = 6
#: simplification tolerance of feature polygons/lines in degrees (≈ 20 m)
TOLERANCE = 0.0002
#: glyph drawn in a point icon per style icon name (plain divIcons, no icon font needed)
GLYPHS: dict[str, str] = {
    "industry": "园",
    "anchor": "港",
    "train": "站",
    "plane": "机",
    "tint": "水",
    "star": "★",
    "circle": "●",
}
LAYER_LABELS: dict[str, str] = {
    "layout": "空间布局",
    "park": "园区",
    "port": "港口",
    "water": "水系与治理",
    "transport": "交通",
    "project": "重点项目",
    "ecology": "生态保护",
    "admin": "行政边界",
    "indicator": "指标",
}
ROLE_LABELS: dict[str, str] = {
    "core": "核心",
    "wing": "翼",
    "belt": "带",
    "axis": "轴",
    "corridor": "廊道",
    "zone": "片区",
    "cluster": "组团",
    "node": "节点",
    "ring": "环",
    "park": "园区",
    "port": "港口",
    "port_area": "港区",
    "reach": "河段",
    "river": "河流",
    "reservoir": "水库",
    "station": "站点",
    "airport": "机场",
    "rail": "铁路",
    "road": "公路",
    "project": "项目",
    "bay": "湾",
    "mountain": "山体",
}
BASEMAP_LABELS: dict[str, str] = {
    "offline": "离线矢量底图",
    "osm": "OpenStreetMap",
    "gaode": "高德地图（GCJ-02）",
    "tianditu": "天地图",
}
TILES: dict[str, dict[str, Any]] = {
    "osm": {
        "tiles": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "attr": "&copy; OpenStreetMap contributors",
        "max_zoom": 19,
    },
    "gaode": {
        "tiles": "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1"
        "&style=8&x={x}&y={y}&z={z}",
        "attr": "&copy; 高德地图 AutoNavi",
        "subdomains": "1234",
        "max_zoom": 18,
    },
    "tianditu": {
        "tiles": "https://t{s}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile"
        "&VERSION=1.0.0&LAYER=vec&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
        "&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=",
        "labels": "https://t{s}.tianditu.gov.cn/cva_w/wmts?SERVICE=WMTS&REQUEST=GetTile"
        "&VERSION=1.0.0&LAYER=cva&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
        "&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=",
        "attr": "&copy; 天地图 国家地理信息公共服务平台",
        "subdomains": "01234567",
        "max_zoom": 18,
    },
}
#: default centre of 辽宁 (lat, lon)
LIAONING = (41.3, 122.6)


def esc(value: object) -> str:
    """HTML-escape any value for popups, tooltips and panels ("" for None/NaN)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return html.escape(str(value), quote=True)


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


def drawable(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Rows that can be drawn: not unresolved and with a non-empty geometry."""
    if gdf is None or len(gdf) == 0:
        return gdf
    geom = gdf.geometry
    ok = geom.notna() & ~geom.is_empty
    if "precision" in gdf.columns:
        ok &= gdf["precision"].astype(str) != "unresolved"
    return gdf[ok]


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
    glyph = GLYPHS.get(st.icon, "●")
    border = "dashed" if precision in ("schematic", "derived") else "solid"
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
    line = row.get("source_line")
    plan = str(row.get("plan_id", ""))
    line_txt = ""
    if line is not None and not pd.isna(line):
        line_txt = f"第 {int(line)} 行"
    parts.append(f"<div>来源：{esc(plan)} {esc(line_txt)}</div>")
    parts.append(f'<blockquote class="atlas-quote">{esc(row.get("source_quote"))}</blockquote>')
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


def _geo(geom, transform, decimals: int = DECIMALS) -> dict[str, Any]:
    if transform is not None:
        geom = shapely.set_precision(transform(geom), 10.0**-decimals, mode="pointwise")
    return shapely.geometry.mapping(geom)


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
    from ..coords import geom_wgs84_to_gcj02

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
        if layer == "layout":
            props["_l"] = esc(_short(str(row.get("name", ""))))
        feats.append({"type": "Feature", "geometry": _geo(geom, tf), "properties": props})
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
                    "geometry": _geo(geom, tf),
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
                        "geometry": _geo(head, tf),
                        "properties": {
                            **{k: v for k, v in props.items() if k != "_l"},
                            "_s": s,
                            "_arrow": 1,
                        },
                    }
                )
    allf = halos + sorted(feats, key=lambda f: f["properties"]["_z"]) + extras
    text = json.dumps({"type": "FeatureCollection", "features": allf}, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e")


# ---------------------------------------------------------------- folium elements


class _Raw(Element):
    """Pre-rendered script text, returned as is (never compiled as a Jinja template)."""

    def __init__(self, text: str) -> None:
        super().__init__("")
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


class _RawScript:
    """Render an element's ``script`` macro into the page without re-compiling the output.

    branca wraps every rendered script in a new Jinja template. For our elements that output
    holds megabytes of GeoJSON (slow to tokenize on every rerun) and plan text (a quote
    containing ``{{ … }}`` would otherwise be evaluated as a template expression).
    """

    def render(self, **kwargs) -> None:
        figure = self.get_root()
        script = self._template.module.__dict__["script"]
        figure.script.add_child(_Raw(script(self, kwargs)), name=self.get_name())


class FeatureLayer(_RawScript, MacroElement):
    """A Leaflet GeoJSON layer whose features carry precomputed style, popup and icon."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.geoJSON({{ this.data }}, {
            style: function (f) { return f.properties._s || {}; },
            pointToLayer: function (f, latlng) {
                return L.marker(latlng, {icon: L.divIcon({html: f.properties._i || '',
                    className: 'atlas-divicon', iconSize: [22, 22], iconAnchor: [11, 11]})});
            },
            onEachFeature: function (f, layer) {
                if (f.properties._p) {
                    layer.bindPopup(f.properties._p, {maxWidth: 380, minWidth: 240});
                }
                if (f.properties._l) {
                    layer.bindTooltip(f.properties._l, {permanent: true, direction: 'center',
                        className: 'atlas-flabel', interactive: false});
                } else if (f.properties._t) {
                    layer.bindTooltip(f.properties._t, {sticky: true});
                }
            }
        }).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, data: str, name: str = "") -> None:
        super().__init__()
        self._name = "FeatureLayer"
        self.data = data
        self.layer_name = name


class StaticGeoJson(_RawScript, MacroElement):
    """A non-interactive styled GeoJSON layer (basemap and overview map)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.geoJSON({{ this.data }}, {
            style: {{ this.style }}, interactive: false
        }).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, data: str, style: dict, name: str = "") -> None:
        super().__init__()
        self._name = "StaticGeoJson"
        self.data = data  # GeoJSON text (trusted: built from bundled geodata)
        self.style = json.dumps(style)
        self.layer_name = name


class OfflineMiniMap(JSCSSMixin, _RawScript, MacroElement):
    """Leaflet MiniMap whose overview layer is the offline vector basemap (no tiles)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }}_layer = L.layerGroup([
        {% for d, s in this.layers %}
            L.geoJSON({{ d }}, {style: {{ s }}, interactive: false}),
        {% endfor %}
        ]);
        var {{ this.get_name() }} = new L.Control.MiniMap({{ this.get_name() }}_layer, {
            position: "bottomleft", toggleDisplay: true, zoomLevelOffset: -4,
            width: 140, height: 120,
            strings: {hideText: "隐藏鹰眼图", showText: "显示鹰眼图"}
        }).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )
    default_js: ClassVar = [
        (
            "Control_MiniMap_js",
            "https://cdnjs.cloudflare.com/ajax/libs/leaflet-minimap/3.6.1/Control.MiniMap.js",
        )
    ]
    default_css: ClassVar = [
        (
            "Control_MiniMap_css",
            "https://cdnjs.cloudflare.com/ajax/libs/leaflet-minimap/3.6.1/Control.MiniMap.css",
        )
    ]

    def __init__(self, layers: tuple[BaseLayer, ...]) -> None:
        super().__init__()
        self._name = "OfflineMiniMap"
        self.layers = [(lay.text, json.dumps(lay.style)) for lay in layers]


class HtmlControl(_RawScript, MacroElement):
    """A Leaflet control holding static (already escaped) HTML, e.g. the legend."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: {{ this.position|tojson }}});
        {{ this.get_name() }}.onAdd = function () {
            var div = L.DomUtil.create('div', {{ this.css_class|tojson }});
            div.innerHTML = {{ this.html }};
            L.DomEvent.disableClickPropagation(div);
            L.DomEvent.disableScrollPropagation(div);
            return div;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, html_text: str, position: str = "bottomright", css_class: str = "") -> None:
        super().__init__()
        self._name = "HtmlControl"
        self.html = json.dumps(html_text, ensure_ascii=False).replace("<", "\\u003c")
        self.position = position
        self.css_class = css_class or "atlas-legend leaflet-bar"


class ZoomClass(MacroElement):
    """Mark the map container ``atlas-zoom-low`` below zoom 9 (CSS hides feature labels)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (m) {
            function f() {
                var c = m.getContainer().classList;
                c.toggle('atlas-zoom-low', m.getZoom() < 9);
            }
            m.on('zoomend', f); f();
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "ZoomClass"


class CityLabels(_RawScript, MacroElement):
    """Plain text labels (city names) as non-interactive divIcons."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this.labels }}.forEach(function (l) {
            L.marker([l[0], l[1]], {interactive: false, keyboard: false,
                icon: L.divIcon({className: 'atlas-label', html: l[2], iconSize: [80, 16],
                                 iconAnchor: [40, 8]})}).addTo({{ this._parent.get_name() }});
        });
        {% endmacro %}
        """
    )

    def __init__(self, labels: list[tuple[float, float, str]]) -> None:
        super().__init__()
        self._name = "CityLabels"
        safe = [(lat, lon, esc(t)) for lat, lon, t in labels]
        self.labels = json.dumps(safe, ensure_ascii=False).replace("<", "\\u003c")


CSS = """
<style>
.atlas-offline.leaflet-container { background: %(off)s; }
.atlas-divicon { background: none; border: none; }
.atlas-icon { width: 20px; height: 20px; border-radius: 50%%; color: #fff; font-size: 12px;
  line-height: 17px; text-align: center; border: 1.5px solid #fff; font-weight: 700;
  box-shadow: 0 0 0 1px rgba(0,0,0,.35); font-family: "Noto Sans CJK SC", sans-serif; }
.atlas-label { color: #374151; font-size: 12px; font-weight: 600; text-align: center;
  text-shadow: 0 0 3px #fff, 0 0 3px #fff; white-space: nowrap;
  font-family: "Noto Sans CJK SC", sans-serif; }
.atlas-legend { background: rgba(255,255,255,.93); padding: 6px 8px; font-size: 12px;
  line-height: 18px; max-height: 360px; overflow-y: auto; color: #1f2937;
  font-family: "Noto Sans CJK SC", sans-serif; }
.atlas-legend h4 { margin: 4px 0 2px; font-size: 12px; }
.atlas-legend .sw { display: inline-block; width: 22px; height: 12px; margin-right: 6px;
  vertical-align: middle; }
.atlas-pop { font-size: 12.5px; line-height: 1.5; font-family: "Noto Sans CJK SC", sans-serif; }
.atlas-pop .atlas-name { font-size: 14px; }
.atlas-quote { margin: 4px 0; padding: 4px 6px; border-left: 3px solid #b91c1c;
  background: #faf7f2; max-height: 140px; overflow-y: auto; }
.atlas-id { color: #6b7280; font-size: 11px; }
.leaflet-tooltip.atlas-flabel { background: rgba(255,255,255,.78); border: none;
  box-shadow: none; padding: 0 3px; font-size: 11.5px; font-weight: 600; color: #111827;
  font-family: "Noto Sans CJK SC", sans-serif; }
.leaflet-tooltip.atlas-flabel:before { display: none; }
.atlas-zoom-low .leaflet-tooltip.atlas-flabel { display: none; }
</style>
"""


# ---------------------------------------------------------------- legend and choropleth


def _swatch(st: Style) -> str:
    dash = "dashed" if st.dash else "solid"
    if st.symbol == "icon":
        glyph = esc(GLYPHS.get(st.icon, "●"))
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
RAMP = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")
MEASURE_COLUMNS = {"base": "base_value", "target": "target_value", "growth": "growth"}
MEASURE_LABELS = {"base": "基期值", "target": "目标值", "growth": "年均增速"}


@dataclass
class Choropleth:
    """A classified indicator overlay over the jurisdictions that have the indicator."""

    title: str
    scheme: str
    frame: gpd.GeoDataFrame  # adcode, name, value, color, label, plan_id, geometry
    classes: list[tuple[str, str]] = field(default_factory=list)  # (colour, range label)


def _fmt(v: float) -> str:
    return f"{v:,.2f}".rstrip("0").rstrip(".")


def choropleth(
    indicators: pd.DataFrame,
    polygons: gpd.GeoDataFrame,
    key: str,
    measure: str = "target",
    *,
    scheme: str = "Quantiles",
    k: int = 5,
) -> Choropleth | None:
    """Classify one indicator over jurisdiction polygons (mapclassify).

    Parameters
    ----------
    indicators : DataFrame
        Indicator rows (DESIGN §4) with ``adcode``; several plans may be mixed.
    polygons : GeoDataFrame
        Jurisdiction polygons with ``adcode`` and ``name`` (counties and cities).
    key : str
        Canonical indicator key (e.g. ``gdp``), or the indicator name when it has no key.
    measure : str
        ``base``, ``target`` or ``growth``.
    scheme : str
        mapclassify scheme name (Quantiles, NaturalBreaks, EqualInterval ...).
    k : int
        Number of classes at most (fewer when there are fewer distinct values).

    Returns
    -------
    Choropleth or None
        None when no jurisdiction has a value for this indicator and measure.
    """
    import mapclassify

    col = MEASURE_COLUMNS[measure]
    if indicators is None or len(indicators) == 0 or col not in indicators:
        return None
    sel = indicators[(indicators.get("key", "") == key) | (indicators["name"] == key)].copy()
    sel["value"] = pd.to_numeric(sel[col], errors="coerce")
    sel = sel.dropna(subset=["value"])
    sel = sel[sel["adcode"].astype(str).str.len() > 0]
    if sel.empty:
        return None
    if "kind" in sel:
        sel = sel.sort_values("kind", key=lambda s: s != "target", kind="stable")
    sel = sel.drop_duplicates("adcode")
    polys = polygons[["adcode", "name", "geometry"]].drop_duplicates("adcode")
    frame = polys.merge(
        sel[["adcode", "value", "plan_id", "unit", "name"]].rename(columns={"name": "ind"}),
        on="adcode",
    )
    if frame.empty:
        return None
    frame = frame.assign(_area=shapely.area(frame.geometry.values)).sort_values(
        "_area", ascending=False
    )
    y = frame["value"].to_numpy(dtype=float)
    n_unique = len(np.unique(y))
    unit = str(frame["unit"].iloc[0] or "")
    if measure == "growth":
        unit = "%"
    title = f"{frame['ind'].iloc[0]} · {MEASURE_LABELS[measure]}" + (f"（{unit}）" if unit else "")
    if n_unique < 2:
        frame["color"] = RAMP[2]
        classes = [(RAMP[2], _fmt(float(y[0])))]
        used = "单一值"
    else:
        kk = min(k, n_unique)
        try:
            cls = mapclassify.classify(y, scheme, k=kk)
        except (ValueError, TypeError, KeyError):
            cls = mapclassify.Quantiles(y, k=kk)
        ramp = [RAMP[round(i * (len(RAMP) - 1) / max(kk - 1, 1))] for i in range(kk)]
        frame["color"] = [ramp[min(int(b), kk - 1)] for b in cls.yb]
        lo = float(y.min())
        classes = []
        for i, hi in enumerate(cls.bins[:kk]):
            classes.append((ramp[i], f"{_fmt(lo)} – {_fmt(float(hi))}"))
            lo = float(hi)
        used = scheme
    frame["label"] = [
        f"{esc(n)}：{esc(_fmt(v))} {esc(unit)}（{esc(p)}）"
        for n, v, p in zip(frame["name"], frame["value"], frame["plan_id"], strict=True)
    ]
    frame = frame.drop(columns=["_area"])
    return Choropleth(title=title, scheme=used, frame=frame, classes=classes)


def choropleth_payload(ch: Choropleth, *, gcj: bool = False) -> str:
    """Encode a choropleth as a FeatureLayer payload (fill by class, tooltip with the value)."""
    from ..coords import geom_wgs84_to_gcj02

    tf = geom_wgs84_to_gcj02 if gcj else None
    geoms = shapely.set_precision(
        shapely.simplify(ch.frame.geometry.values, 0.001, preserve_topology=True),
        1e-5,
        mode="pointwise",
    )
    feats = []
    for geom, (_, row) in zip(geoms, ch.frame.iterrows(), strict=True):
        s = {"color": "#7f1d1d", "weight": 1, "fillColor": row["color"], "fillOpacity": 0.45}
        feats.append(
            {
                "type": "Feature",
                "geometry": _geo(geom, tf, 5),
                "properties": {
                    "id": f"overlay:{esc(row['adcode'])}",
                    "_s": s,
                    "_t": row["label"],
                    "_p": f'<div class="atlas-pop"><b>{esc(ch.title)}</b><br>{row["label"]}</div>',
                },
            }
        )
    text = json.dumps({"type": "FeatureCollection", "features": feats}, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e")


# ---------------------------------------------------------------- the map


def bounds_of(frames: dict[str, gpd.GeoDataFrame]) -> tuple[float, float, float, float] | None:
    """(minx, miny, maxx, maxy) of every drawable feature, or None."""
    boxes = []
    for gdf in frames.values():
        d = drawable(gdf)
        if d is not None and len(d):
            boxes.append(d.total_bounds)
    if not boxes:
        return None
    arr = np.array(boxes)
    return (arr[:, 0].min(), arr[:, 1].min(), arr[:, 2].max(), arr[:, 3].max())


@dataclass(frozen=True)
class Group:
    """One layer-tree node, encoded once and reused on every rerun (cache it per plan)."""

    key: str
    label: str
    payload: str  # :func:`group_payload` text
    bounds: tuple[float, float, float, float]
    pairs: tuple[tuple[str, str], ...]  # distinct (layer, role) for the legend
    ids: tuple[str, ...]  # feature ids drawn


def prepare(
    frames: dict[str, gpd.GeoDataFrame], *, gcj: bool = False, link_base: str = "/"
) -> dict[str, Group]:
    """Encode every layer group of a plan (the expensive part of :func:`build_map`).

    Parameters
    ----------
    frames : dict of str to GeoDataFrame
        Layer name → features (DESIGN §4 schema).
    gcj : bool
        Shift coordinates to GCJ-02 (Gaode basemap only).
    link_base : str
        App URL prefix for the plan-reader links in popups.

    Returns
    -------
    dict of str to Group
        In layer-tree order (layouts first).
    """
    out: dict[str, Group] = {}
    for key, gdf in groups(frames).items():
        roles = gdf["role"] if "role" in gdf else pd.Series("", index=gdf.index)
        pairs = tuple(sorted(set(zip(gdf["layer"].astype(str), roles.astype(str), strict=True))))
        out[key] = Group(
            key=key,
            label=group_label(key),
            payload=group_payload(gdf, gcj=gcj, link_base=link_base),
            bounds=tuple(float(v) for v in gdf.total_bounds),
            pairs=pairs,
            ids=tuple(gdf["id"].astype(str)),
        )
    return out


def _union(boxes: list[tuple[float, float, float, float]]):
    if not boxes:
        return None
    arr = np.array(boxes)
    return (arr[:, 0].min(), arr[:, 1].min(), arr[:, 2].max(), arr[:, 3].max())


def _add_tiles(m: folium.Map, basemap: str, tianditu_key: str | None) -> None:
    spec = TILES[basemap]
    kw = {k: v for k, v in spec.items() if k in ("attr", "max_zoom", "subdomains")}
    url = spec["tiles"]
    if basemap == "tianditu":
        url += tianditu_key or ""
    folium.TileLayer(url, name=BASEMAP_LABELS[basemap], **kw).add_to(m)
    if basemap == "tianditu" and "labels" in spec:
        folium.TileLayer(
            spec["labels"] + (tianditu_key or ""), name="天地图注记", overlay=True, **kw
        ).add_to(m)


def _fit_box(bounds, gcj: bool) -> list[list[float]]:
    sw, ne = [bounds[1], bounds[0]], [bounds[3], bounds[2]]
    if gcj:
        from ..coords import wgs84_to_gcj02

        sw = list(reversed([float(v) for v in wgs84_to_gcj02(bounds[0], bounds[1])]))
        ne = list(reversed([float(v) for v in wgs84_to_gcj02(bounds[2], bounds[3])]))
    return [sw, ne]


def decorate(
    m: folium.Map,
    prepared: dict[str, Group],
    keys: list[str],
    *,
    basemap: str = "offline",
    overlay: Choropleth | None = None,
    overlay_payload: str | None = None,
    tianditu_key: str | None = None,
    controls: bool = True,
    legend: bool = True,
    legend_open: bool = True,
) -> folium.Map:
    """Add basemap, overlay, the layer groups ``keys``, legend and controls to a map.

    Used by :func:`build_map` and for each side of :func:`build_dual_map`.
    """
    gcj = basemap == "gaode"
    if basemap == "offline":
        m.options["className"] = "atlas-offline"
    m.get_root().header.add_child(Element(CSS % {"off": OFF_LAND}), name="atlas_css")
    if basemap == "offline":
        base = offline_layers()
        for lay in base:
            StaticGeoJson(lay.text, lay.style, lay.name).add_to(m)
        labels = [lab for lay in base for lab in lay.labels]
        if labels:
            CityLabels(labels).add_to(m)
    else:
        _add_tiles(m, basemap, tianditu_key)
    if overlay is not None:
        FeatureLayer(overlay_payload or choropleth_payload(overlay, gcj=gcj), "指标").add_to(m)
    pairs: list[tuple[str, str]] = []
    for key in sorted(keys, key=lambda k: 0 if k.startswith("layout") else 1):
        FeatureLayer(prepared[key].payload, prepared[key].label).add_to(m)
        pairs.extend(prepared[key].pairs)
    ZoomClass().add_to(m)
    if legend:
        HtmlControl(legend_html(sorted(set(pairs)), overlay, open_=legend_open)).add_to(m)
    if controls:
        folium.plugins.Fullscreen(title="全屏", title_cancel="退出全屏", position="topleft").add_to(
            m
        )
        folium.plugins.MeasureControl(
            position="topleft",
            primary_length_unit="kilometers",
            secondary_length_unit="meters",
            primary_area_unit="sqmeters",
            localization="cn",
        ).add_to(m)
        if basemap == "offline":
            OfflineMiniMap(minimap_layers()).add_to(m)
        else:
            spec = TILES[basemap]
            url = spec["tiles"] + (tianditu_key or "" if basemap == "tianditu" else "")
            folium.plugins.MiniMap(
                tile_layer=folium.TileLayer(
                    url, attr=spec["attr"], subdomains=spec.get("subdomains", "abc")
                ),
                position="bottomleft",
                toggle_display=True,
                zoom_level_offset=-4,
            ).add_to(m)
    return m


def build_dual_map(
    left: dict[str, Group],
    right: dict[str, Group],
    *,
    base_url: str = "/app/static",
) -> folium.plugins.DualMap:
    """Two synchronised maps side by side (Leaflet.Sync), e.g. a city plan and a county plan.

    Parameters
    ----------
    left, right : dict of str to Group
        :func:`prepare` of the two plans (offline basemap, every group drawn).
    base_url : str
        Where ``static/`` is served.
    """
    bounds = _union([g.bounds for g in [*left.values(), *right.values()]])
    center = ((bounds[1] + bounds[3]) / 2, (bounds[0] + bounds[2]) / 2) if bounds else LIAONING
    dm = folium.plugins.DualMap(
        location=list(center), tiles=None, zoom_start=8, control_scale=True, min_zoom=5
    )
    for m, prep in ((dm.m1, left), (dm.m2, right)):
        decorate(m, prep, list(prep), controls=False, legend_open=False)
    if bounds is not None:
        dm.fit_bounds(_fit_box(bounds, False), padding=(10, 10))
    return use_local_assets(dm, base_url)


def build_map(
    frames: dict[str, gpd.GeoDataFrame] | None = None,
    *,
    basemap: str = "offline",
    overlay: Choropleth | None = None,
    center: tuple[float, float] | None = None,
    zoom: int | None = None,
    visible: list[str] | tuple[str, ...] | None = None,
    prepared: dict[str, Group] | None = None,
    overlay_payload: str | None = None,
    base_url: str = "/app/static",
    link_base: str = "/",
    tianditu_key: str | None = None,
    height: int = 640,
    controls: bool = True,
    legend: bool = True,
) -> folium.Map:
    """Build the folium map of atlas layers.

    Parameters
    ----------
    frames : dict of str to GeoDataFrame
        Layer name → features (DESIGN §4 schema, EPSG:4326). Unresolved rows are skipped.
    basemap : str
        ``offline`` (vector basemap from bundled geodata, default), ``osm``, ``gaode``
        (features shifted to GCJ-02 on screen only) or ``tianditu`` (needs ``tianditu_key``).
    overlay : Choropleth, optional
        Indicator choropleth drawn beneath the features (see :func:`choropleth`).
    center, zoom : optional
        Initial view (lat, lon) and zoom; default: fit the features.
    visible : sequence of str, optional
        Layer-group keys to draw (:func:`group_key`); None draws every group.
    prepared : dict of str to Group, optional
        :func:`prepare` of ``frames`` for this datum (the app caches it per plan); computed
        here when not given.
    overlay_payload : str, optional
        Precomputed :func:`choropleth_payload` of ``overlay``.
    base_url : str
        Where ``static/`` is served (local Leaflet and plugin assets).
    link_base : str
        App URL prefix for the plan-reader links in popups.
    tianditu_key : str, optional
        Tianditu key; the Tianditu basemap falls back to offline without it.
    height : int
        Map height in pixels.
    controls : bool
        Add fullscreen, measure and minimap controls.
    legend : bool
        Add the legend control.

    Returns
    -------
    folium.Map
        With every asset pointing at local files (no CDN request).
    """
    if basemap == "tianditu" and not tianditu_key:
        basemap = "offline"
    if basemap not in ("offline", *TILES):
        basemap = "offline"
    gcj = basemap == "gaode"
    if prepared is None:
        prepared = prepare(frames or {}, gcj=gcj, link_base=link_base)
    keys = list(prepared) if visible is None else [k for k in prepared if k in set(visible)]
    bounds = _union([prepared[k].bounds for k in keys]) or _union(
        [g.bounds for g in prepared.values()]
    )
    fit = center is None and zoom is None
    if center is None:
        if bounds is not None:
            center = ((bounds[1] + bounds[3]) / 2, (bounds[0] + bounds[2]) / 2)
        else:
            center = LIAONING
        if gcj:
            from ..coords import wgs84_to_gcj02

            lon, lat = wgs84_to_gcj02(center[1], center[0])
            center = (float(lat), float(lon))
    m = folium.Map(
        location=list(center),
        zoom_start=zoom if zoom is not None else 8,
        tiles=None,
        control_scale=True,
        height=height,
        prefer_canvas=False,
        min_zoom=5,
        max_zoom=18,
    )
    decorate(
        m,
        prepared,
        keys,
        basemap=basemap,
        overlay=overlay,
        overlay_payload=overlay_payload,
        tianditu_key=tianditu_key,
        controls=controls,
        legend=legend,
    )
    if fit and bounds is not None:
        m.fit_bounds(_fit_box(bounds, gcj), padding=(10, 10))
    return use_local_assets(m, base_url)
