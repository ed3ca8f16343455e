"""Leaflet elements of the web map (folium MacroElements) and the page CSS.

Their scripts are inserted into the page as pre-rendered text (:class:`_RawScript`): they carry
megabytes of GeoJSON and plan text, which branca would otherwise re-compile as Jinja templates
on every render (slow, and a quote containing ``{{ … }}`` would be evaluated).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import ClassVar

from branca.element import Element, MacroElement
from folium.elements import JSCSSMixin
from jinja2 import Template

from atlas.render.web.basemap import BaseLayer
from atlas.render.web.geojson import esc


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
        {% if this.ghost %}
        if (!{{ this._parent.get_name() }}.getPane('ghost')) {
            {{ this._parent.get_name() }}.createPane('ghost');
            {{ this._parent.get_name() }}.getPane('ghost').style.opacity = 0.5;
            {{ this._parent.get_name() }}.getPane('ghost').style.zIndex = 450;
        }
        {% endif %}
        var {{ this.get_name() }} = L.geoJSON({{ this.data }}, {
            {% if this.ghost %}pane: 'ghost',{% endif %}
            style: function (f) { return f.properties._s || {}; },
            pointToLayer: function (f, latlng) {
                return L.marker(latlng, {icon: L.divIcon({html: f.properties._i || '',
                    className: 'atlas-divicon', iconSize: [22, 22], iconAnchor: [11, 11]}),
                    {% if this.ghost %}pane: 'ghost'{% endif %}});
            },
            onEachFeature: function (f, layer) {
                if (f.properties._p) {
                    layer.bindPopup(f.properties._p, {maxWidth: 380, minWidth: 240});
                }
                if (f.properties._l && {{ 'false' if this.ghost else 'true' }}) {
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

    def __init__(self, data: str, name: str = "", *, ghost: bool = False) -> None:
        super().__init__()
        self._name = "FeatureLayer"
        self.data = data
        self.layer_name = name
        self.ghost = ghost  # drawn half-transparent in its own pane, without labels


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


_JS = Path(__file__).with_name("atlasmap.js")


@lru_cache(maxsize=1)
def atlasmap_js() -> str:
    """The browser side of the atlas map (``atlasmap.js``): client-side layer toggles, label
    collision handling, the legend of the classes on screen, URL sync."""
    return _JS.read_text(encoding="utf-8")


class AtlasLayers(_RawScript, MacroElement):
    """Every layer group of a plan in the page, toggled in the browser (``atlasmap.js``).

    ``data`` is the JSON-ready dict of :func:`atlasMap` (groups with their GeoJSON text,
    visible and default keys, legend classes, place labels); each group's ``data`` is a
    placeholder ``@@<n>@@`` replaced by its already-encoded GeoJSON text (escaped for
    ``<script>``). Group keys and labels are raw text; ``atlasmap.js`` escapes them.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this.js }}
        var {{ this.get_name() }} = window.atlasMap({{ this._parent.get_name() }}, {{ this.data }});
        {% endmacro %}
        """
    )

    def __init__(self, data: dict, payloads: dict[str, str]) -> None:
        super().__init__()
        self._name = "AtlasLayers"
        self.js = atlasmap_js()
        text = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")
        # splice each group's GeoJSON text in place of its placeholder (no re-encoding)
        for key, payload in payloads.items():
            text = text.replace(json.dumps(f"@@{key}@@", ensure_ascii=False), payload, 1)
        self.data = text


class BasemapFallback(_RawScript, MacroElement):
    """Online tiles with a way back: when the browser is offline or the tiles fail to load,
    remove them, draw the offline vector basemap instead and say so on the map."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map, tiles) {
            var done = false, loads = 0, errors = 0;
            var off = [
            {% for d, s in this.layers %}
                L.geoJSON({{ d }}, {style: {{ s }}, interactive: false}),
            {% endfor %}
            ];
            function fallback() {
                if (done) { return; }
                done = true;
                map.removeLayer(tiles);
                off.forEach(function (l) { l.addTo(map); l.bringToBack(); });
                map.getContainer().classList.add("atlas-offline");
                var n = L.control({position: "topleft"});
                n.onAdd = function () {
                    var d = L.DomUtil.create("div", "atlas-notice leaflet-bar");
                    d.innerHTML = {{ this.notice }};
                    return d;
                };
                n.addTo(map);
                map.atlasOffline = true;
                if (window.atlasMarkOffline) { window.atlasMarkOffline(); }
            }
            tiles.on("tileload", function () { loads += 1; });
            tiles.on("tileerror", function () {
                errors += 1;
                if (loads === 0 || errors >= 4) { fallback(); }
            });
            window.addEventListener("offline", fallback);
            if (navigator.onLine === false) { fallback(); }
        })({{ this._parent.get_name() }}, {{ this.tiles }});
        {% endmacro %}
        """
    )

    def __init__(self, tiles_name: str, layers, label: str) -> None:
        super().__init__()
        self._name = "BasemapFallback"
        self.tiles = tiles_name
        self.layers = [(lay.text, json.dumps(lay.style)) for lay in layers]
        notice = f"在线底图“{esc(label)}”需联网，当前无法加载：已改用离线矢量底图。"
        self.notice = json.dumps(notice, ensure_ascii=False)


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
.atlas-dot { width: 8px; height: 8px; margin: 7px; border-radius: 50%%; border: 1.5px solid #fff;
  box-shadow: 0 0 0 1px rgba(0,0,0,.4); }
.atlas-label { color: #374151; font-size: 12px; font-weight: 600; text-align: center;
  text-shadow: 0 0 3px #fff, 0 0 3px #fff; white-space: nowrap;
  font-family: "Noto Sans CJK SC", sans-serif; }
.atlas-legend { background: rgba(255,255,255,.94); padding: 5px 8px; font-size: 12px;
  line-height: 18px; color: #1f2937; max-width: 230px; overflow: hidden;
  display: flex; flex-direction: column; font-family: "Noto Sans CJK SC", sans-serif; }
.atlas-lg-head { display: flex; justify-content: space-between; align-items: center; gap: 8px; }
.atlas-lg-head a { text-decoration: none; color: #374151; font-size: 13px; padding: 0 2px; }
.atlas-lg-body { overflow-y: auto; flex: 1 1 auto; min-height: 0; }
.atlas-lg-prec { border-top: 1px solid #e5e7eb; margin-top: 3px; padding-top: 2px;
  display: grid; grid-template-columns: 1fr 1fr; column-gap: 6px; flex: 0 0 auto; }
.atlas-lg-prec h4 { grid-column: 1 / -1; margin: 0; }
.atlas-lg-prec div { white-space: nowrap; }
.atlas-lg-empty { color: #6b7280; }
.atlas-collapsed .atlas-lg-body, .atlas-collapsed .atlas-ly-body { display: none; }
.atlas-layers { background: rgba(255,255,255,.95); padding: 5px 8px; font-size: 12px;
  line-height: 19px; color: #1f2937; max-width: 250px; overflow-y: auto;
  font-family: "Noto Sans CJK SC", sans-serif; }
.atlas-layers label { display: block; white-space: nowrap; cursor: pointer; }
.atlas-ly-sec { color: #6b7280; margin-top: 3px; }
.atlas-notice { background: #fff7ed; color: #9a3412; padding: 6px 8px; font-size: 12.5px;
  max-width: 260px; border: 1px solid #fdba74 !important;
  font-family: "Noto Sans CJK SC", sans-serif; }
.atlas-lbl { background: none; border: none; width: 0 !important; height: 0 !important; }
.atlas-lbl span { position: absolute; left: 0; top: 0; white-space: nowrap;
  font-family: "Noto Sans CJK SC", sans-serif; }
.atlas-lbl .atlas-flabel { background: rgba(255,255,255,.78); padding: 0 3px;
  font-size: 11.5px; font-weight: 600; color: #111827; border-radius: 2px; }
.atlas-lbl .atlas-place { color: #374151; font-size: 12px; font-weight: 600;
  text-shadow: 0 0 3px #fff, 0 0 3px #fff; }
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
</style>
"""
