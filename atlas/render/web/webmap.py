"""The interactive web map (folium/Leaflet) of atlas layers: :func:`build_map`.

Each layer group is encoded once (:func:`prepare`: simplified, 6 decimals, style and escaped
popup precomputed per feature, see :mod:`atlas.render.web.symbology`) so the app can cache it per
plan and rebuild the map cheaply when a layer is toggled. Basemaps: the offline vector basemap
(default, :mod:`atlas.render.web.basemap`), OSM, Gaode (features shifted to GCJ-02 on screen only)
and Tianditu (with a key). Every asset is served locally (:mod:`atlas.render.web.assets`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import folium
import folium.plugins
import geopandas as gpd
import numpy as np
import pandas as pd
from branca.element import Element

from atlas.render.style import LAYER_LABELS, ROLE_LABELS
from atlas.render.web.assets import use_local_assets
from atlas.render.web.basemap import OFF_LAND, minimap_layers, offline_layers
from atlas.render.web.geojson import DECIMALS, esc
from atlas.render.web.ids import stable_ids
from atlas.render.web.leaflet import (
    CSS,
    AtlasLayers,
    BasemapFallback,
    FeatureLayer,
    OfflineMiniMap,
    StaticGeoJson,
)
from atlas.render.web.overlay import (
    MEASURE_COLUMNS,
    MEASURE_LABELS,
    RAMP,
    Choropleth,
    choropleth,
    choropleth_payload,
)
from atlas.render.web.symbology import (
    PANEL_CSS,
    TOLERANCE,
    drawable,
    group_key,
    group_label,
    group_payload,
    groups,
    legend_classes,
    legend_html,
    overlay_legend_html,
    popup_html,
    precision_label,
    precision_legend_html,
    unresolved,
)

__all__ = [
    "BASEMAP_LABELS",
    "DECIMALS",
    "LAYER_LABELS",
    "LIAONING",
    "MEASURE_COLUMNS",
    "MEASURE_LABELS",
    "PANEL_CSS",
    "RAMP",
    "ROLE_LABELS",
    "TILES",
    "TOLERANCE",
    "Choropleth",
    "Group",
    "bounds_of",
    "build_dual_map",
    "build_map",
    "choropleth",
    "choropleth_payload",
    "decorate",
    "default_layers",
    "drawable",
    "esc",
    "group_key",
    "group_label",
    "group_payload",
    "groups",
    "home_bounds",
    "legend_html",
    "popup_html",
    "precision_label",
    "prepare",
    "unresolved",
]

BASEMAP_LABELS: dict[str, str] = {
    "offline": "离线矢量底图",
    "osm": "OpenStreetMap（需联网）",
    "gaode": "高德地图（GCJ-02，需联网）",
    "tianditu": "天地图（需联网）",
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

    @property
    def kind(self) -> str:
        """``layout`` for a layout's elements, else ``layer``."""
        return "layout" if self.key.startswith("layout") else "layer"


def default_layers(prepared: dict[str, Group]) -> list[str]:
    """What a map shows before anyone picks: one layout alone, the plan's overall structure
    (the first layout, in text order, whose slogan names a 核 — 一核一带三轴三片区, 一核两翼 —
    else the first layout); every group when the plan has no layout."""
    layouts = [k for k, g in prepared.items() if g.kind == "layout"]
    return [_overall(layouts)] if layouts else list(prepared)


def _overall(layout_keys: list[str]) -> str:
    """The plan's overall structure among its layout groups (text order): the first whose
    slogan names a 核 or a 主 (一主两副), else the first."""
    cores = [k for k in layout_keys if set(k.split(":", 1)[-1]) & {"核", "主"}]
    return (cores or layout_keys)[0]


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


def home_bounds(frames: dict[str, gpd.GeoDataFrame]) -> tuple[float, float, float, float] | None:
    """Bounds of the plan's own jurisdiction (admin row with role ``jurisdiction``), or None.

    The map opens on the jurisdiction rather than on every feature: linkage axes reach cities
    far outside it (a 京沈 axis reaches Beijing). A jurisdiction in several parts (营口站前区
    has a detached northern part) opens on the parts the layout shown first touches, so that
    layout is not squeezed into a corner of the view; zooming out shows the rest.
    """
    admin = frames.get("admin")
    if admin is None or len(admin) == 0 or "role" not in admin:
        return None
    own = drawable(admin[admin["role"].astype(str) == "jurisdiction"])
    if own is None or len(own) == 0:
        return None
    parts = [p for g in own.geometry for p in getattr(g, "geoms", [g]) if not p.is_empty]
    # one part (the usual case) needs no layout: the union below is the costly step
    shown = _first_layout(frames) if len(parts) > 1 else None
    if shown is not None:
        # about 1 km: a layout drawn from township points may stop just short of the edge
        near = [p for p in parts if p.distance(shown) < 0.01]
        if near:
            parts = near
    return tuple(float(v) for v in gpd.GeoSeries(parts).total_bounds)


def _first_layout(frames: dict[str, gpd.GeoDataFrame]):
    """Union of the layout a map shows first (see :func:`default_layers`), or None."""
    grouped = groups({k: v for k, v in frames.items() if k == "layout"})
    keys = [k for k in grouped if k.startswith("layout:")]
    return grouped[_overall(keys)].geometry.union_all() if keys else None


def _union(boxes: list[tuple[float, float, float, float]]):
    if not boxes:
        return None
    arr = np.array(boxes)
    return (arr[:, 0].min(), arr[:, 1].min(), arr[:, 2].max(), arr[:, 3].max())


def _add_tiles(m: folium.Map, basemap: str, tianditu_key: str | None) -> folium.TileLayer:
    spec = TILES[basemap]
    kw = {k: v for k, v in spec.items() if k in ("attr", "max_zoom", "subdomains")}
    url = spec["tiles"]
    if basemap == "tianditu":
        url += tianditu_key or ""
    tiles = folium.TileLayer(url, name=BASEMAP_LABELS[basemap], **kw).add_to(m)
    if basemap == "tianditu" and "labels" in spec:
        folium.TileLayer(
            spec["labels"] + (tianditu_key or ""), name="天地图注记", overlay=True, **kw
        ).add_to(m)
    return tiles


#: smallest box the map is fitted to (degrees, ~30 km): one point alone means infinite zoom
MIN_SPAN = 0.3


def _fit_box(bounds, gcj: bool) -> list[list[float]]:
    minx, miny, maxx, maxy = (float(v) for v in bounds)
    if maxx - minx < MIN_SPAN:
        minx, maxx = (minx + maxx - MIN_SPAN) / 2, (minx + maxx + MIN_SPAN) / 2
    if maxy - miny < MIN_SPAN:
        miny, maxy = (miny + maxy - MIN_SPAN) / 2, (miny + maxy + MIN_SPAN) / 2
    bounds = (minx, miny, maxx, maxy)
    sw, ne = [bounds[1], bounds[0]], [bounds[3], bounds[2]]
    if gcj:
        from atlas.places.coords import wgs84_to_gcj02

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
    defaults: list[str] | None = None,
) -> folium.Map:
    """Add basemap, overlay, every layer group (``keys`` shown at first), legend and controls.

    All groups of the plan go into the page; the in-map layer control (``atlasmap.js``) shows
    and hides them in the browser, so a toggle or a layout switch needs no server round trip.
    ``defaults`` are the groups a link without ``layers=`` shows (:func:`default_layers`).

    Used by :func:`build_map` and for each side of :func:`build_dual_map`.
    """
    gcj = basemap == "gaode"
    if basemap == "offline":
        m.options["className"] = "atlas-offline"
    m.get_root().header.add_child(Element(CSS % {"off": OFF_LAND}), name="atlas_css")
    places: list[tuple[float, float, str]] = []
    if basemap == "offline":
        base = offline_layers()
        for lay in base:
            StaticGeoJson(lay.text, lay.style, lay.name).add_to(m)
        places = [(lat, lon, esc(t)) for lay in base for lat, lon, t in lay.labels]
    else:
        tiles = _add_tiles(m, basemap, tianditu_key)
        BasemapFallback(tiles.get_name(), offline_layers(gcj), BASEMAP_LABELS[basemap]).add_to(m)
    if overlay is not None:
        FeatureLayer(overlay_payload or choropleth_payload(overlay, gcj=gcj), "指标").add_to(m)
    order = sorted(prepared, key=lambda k: 0 if k.startswith("layout") else 1)
    pairs = sorted({p for g in prepared.values() for p in g.pairs})
    shown = set(keys)
    data = {
        "groups": [
            {
                "key": k,
                "label": prepared[k].label.replace("空间布局 · ", ""),
                "kind": prepared[k].kind,
                "n": len(prepared[k].ids),
                "data": f"@@{i}@@",
            }
            for i, k in enumerate(order)
        ],
        "visible": [k for k in order if k in shown],
        "defaults": [k for k in (defaults if defaults is not None else order)],
        "legend": {
            "classes": legend_classes(pairs),
            "precision": precision_legend_html(),
            "overlay": overlay_legend_html(overlay),
            "collapsed": not legend_open,
        }
        if legend
        else None,
        "places": places,
        "controls": controls,
    }
    AtlasLayers(data, {str(i): prepared[k].payload for i, k in enumerate(order)}).add_to(m)
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
    ghost: list[str] | None = None,
    home: tuple[float, float, float, float] | None = None,
    base_url: str = "/app/static",
) -> folium.plugins.DualMap:
    """Two synchronised maps side by side (Leaflet.Sync), e.g. a city plan and a county plan.

    Parameters
    ----------
    left, right : dict of str to Group
        :func:`prepare` of the two plans (offline basemap, every group drawn).
    ghost : list of str, optional
        Groups of ``left`` also drawn half-transparent on the right map, e.g. 锦州's 一核 over
        凌海's own layout.
    home : tuple, optional
        Bounds to open on (e.g. the union of both jurisdictions); default all features.
    base_url : str
        Where ``static/`` is served.
    """
    bounds = home or _union([g.bounds for g in [*left.values(), *right.values()]])
    center = ((bounds[1] + bounds[3]) / 2, (bounds[0] + bounds[2]) / 2) if bounds else LIAONING
    dm = folium.plugins.DualMap(
        location=list(center), tiles=None, zoom_start=8, control_scale=True, min_zoom=5
    )
    for m, prep in ((dm.m1, left), (dm.m2, right)):
        decorate(m, prep, list(prep), controls=False, legend_open=False)
    for key in ghost or []:
        if key in left:
            FeatureLayer(left[key].payload, left[key].label, ghost=True).add_to(dm.m2)
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
    home: tuple[float, float, float, float] | None = None,
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
        Layer-group keys shown at first (:func:`group_key`); None shows
        :func:`default_layers` (the first layout). Every group is in the page either way.
    prepared : dict of str to Group, optional
        :func:`prepare` of ``frames`` for this datum (the app caches it per plan); computed
        here when not given.
    home : tuple, optional
        (minx, miny, maxx, maxy) to open on when no centre/zoom is given, e.g. the plan's
        jurisdiction (:func:`home_bounds`); default: the visible features.
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
    with stable_ids():  # same inputs, same element ids, same HTML (see atlas/render/web/ids.py)
        return _build_map(
            frames,
            basemap=basemap,
            overlay=overlay,
            center=center,
            zoom=zoom,
            visible=visible,
            prepared=prepared,
            home=home,
            overlay_payload=overlay_payload,
            base_url=base_url,
            link_base=link_base,
            tianditu_key=tianditu_key,
            height=height,
            controls=controls,
            legend=legend,
        )


def _build_map(
    frames: dict[str, gpd.GeoDataFrame] | None,
    *,
    basemap: str,
    overlay: Choropleth | None,
    center: tuple[float, float] | None,
    zoom: int | None,
    visible: list[str] | tuple[str, ...] | None,
    prepared: dict[str, Group] | None,
    home: tuple[float, float, float, float] | None,
    overlay_payload: str | None,
    base_url: str,
    link_base: str,
    tianditu_key: str | None,
    height: int,
    controls: bool,
    legend: bool,
) -> folium.Map:
    if basemap == "tianditu" and not tianditu_key:
        basemap = "offline"
    if basemap not in ("offline", *TILES):
        basemap = "offline"
    gcj = basemap == "gaode"
    if prepared is None:
        prepared = prepare(frames or {}, gcj=gcj, link_base=link_base)
    defaults = default_layers(prepared)
    keys = defaults if visible is None else [k for k in prepared if k in set(visible)]
    bounds = (
        home
        or _union([prepared[k].bounds for k in keys])
        or _union([g.bounds for g in prepared.values()])
    )
    fit = center is None and zoom is None
    if center is None:
        if bounds is not None:
            center = ((bounds[1] + bounds[3]) / 2, (bounds[0] + bounds[2]) / 2)
        else:
            center = LIAONING
        if gcj:
            from atlas.places.coords import wgs84_to_gcj02

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
        defaults=defaults,
    )
    if fit and bounds is not None:
        m.fit_bounds(_fit_box(bounds, gcj), padding=(10, 10))
    return use_local_assets(m, base_url)
