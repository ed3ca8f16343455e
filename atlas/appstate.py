"""Map view state ⇄ URL query parameters (pure functions, no streamlit).

The app keeps the view a planner is looking at in the URL so it can be shared: plan, visible
layer groups, indicator overlay, basemap, centre, zoom and the selected feature. Encoding is
compact and readable, e.g.::

    ?plan=jinzhou-2021&layers=layout~park&overlay=gdp:target&basemap=offline
     &center=41.1190,121.1270&zoom=9&feature=jinzhou-2021:park:...

Decoding never raises: malformed values fall back to defaults, so a hand-edited or truncated
link still opens a map.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

#: basemaps the app knows; "tianditu" is only offered when TIANDITU_KEY is set
BASEMAPS: tuple[str, ...] = ("offline", "osm", "gaode", "tianditu")
#: what an indicator overlay can show
MEASURES: tuple[str, ...] = ("base", "target", "growth")
LAYER_SEP = "~"
#: URL path of each app page; the map is the default page, at the app root (""). The paths
#: equal the file stems in pages/: because the pages live in a folder named pages/, Streamlit
#: resolves a process's first request against those file names (its legacy multipage mode);
#: ``pages/_support.page_setup`` then hands the run to app.py's st.navigation.
PAGE_PATHS: dict[str, str] = {
    "map": "",
    "reader": "reader",
    "indicators": "indicators",
    "compare": "compare",
    "monitoring": "monitoring",
    "export": "export",
    "upload": "upload",
}


@dataclass(frozen=True)
class MapState:
    """What the map page shows.

    Attributes
    ----------
    plan : str
        plan id; "" = first available plan.
    layers : tuple of str or None
        visible layer-group keys (see ``webmap.group_key``); None = the default
        (``webmap.default_layers``: the plan's 核 layout alone, other layers off).
    overlay : str
        indicator overlay as ``<key>:<measure>`` (measure in :data:`MEASURES`), "" = none.
    basemap : str
        one of :data:`BASEMAPS`.
    center : tuple of float or None
        (lat, lon) of the view centre; None = fit the plan.
    zoom : int or None
        Leaflet zoom level; None = fit the plan.
    feature : str
        id of the selected feature ("" = none).
    """

    plan: str = ""
    layers: tuple[str, ...] | None = None
    overlay: str = ""
    basemap: str = "offline"
    center: tuple[float, float] | None = None
    zoom: int | None = None
    feature: str = ""
    extra: dict[str, str] = field(default_factory=dict, compare=False)

    def with_(self, **kw) -> MapState:
        """Return a copy with fields replaced."""
        return replace(self, **kw)


def _first(value: object) -> str:
    """Query values may come as a str or a list of str (st.query_params.to_dict / parse_qs)."""
    if isinstance(value, list | tuple):
        value = value[-1] if value else ""
    return "" if value is None else str(value).strip()


def parse_center(text: str) -> tuple[float, float] | None:
    """Parse ``"lat,lon"``; None when malformed or out of range."""
    parts = text.split(",")
    if len(parts) != 2:
        return None
    try:
        lat, lon = float(parts[0]), float(parts[1])
    except ValueError:
        return None
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return (lat, lon)


def parse_overlay(text: str) -> tuple[str, str] | None:
    """Split an overlay ``key:measure`` into its parts; None when empty or malformed."""
    if not text or ":" not in text:
        return None
    key, measure = text.rsplit(":", 1)
    if not key or measure not in MEASURES:
        return None
    return key, measure


def decode(params: Mapping[str, object]) -> MapState:
    """Build a :class:`MapState` from query parameters (never raises).

    Parameters
    ----------
    params : Mapping
        e.g. ``st.query_params.to_dict()``; unknown keys are kept in ``extra``.

    Returns
    -------
    MapState
    """
    get = {k: _first(v) for k, v in params.items()}
    layers: tuple[str, ...] | None = None
    if "layers" in get:
        raw = get["layers"]
        layers = tuple(x for x in raw.split(LAYER_SEP) if x) if raw not in ("", "-") else ()
    basemap = get.get("basemap", "offline")
    if basemap not in BASEMAPS:
        basemap = "offline"
    overlay = get.get("overlay", "")
    if overlay and parse_overlay(overlay) is None:
        overlay = ""
    zoom: int | None = None
    try:
        z = int(float(get.get("zoom", "")))
        zoom = z if 0 <= z <= 20 else None
    except (ValueError, OverflowError):  # zoom=abc, zoom=inf
        zoom = None
    known = {"plan", "layers", "overlay", "basemap", "center", "zoom", "feature"}
    return MapState(
        plan=get.get("plan", ""),
        layers=layers,
        overlay=overlay,
        basemap=basemap,
        center=parse_center(get.get("center", "")),
        zoom=zoom,
        feature=get.get("feature", ""),
        extra={k: v for k, v in get.items() if k not in known},
    )


def encode(state: MapState) -> dict[str, str]:
    """Return the query parameters of a state (defaults left out, so links stay short).

    ``decode(encode(s)) == s`` for every state whose values are valid.
    """
    out: dict[str, str] = {}
    if state.plan:
        out["plan"] = state.plan
    if state.layers is not None:
        out["layers"] = LAYER_SEP.join(state.layers) if state.layers else "-"
    if state.overlay:
        out["overlay"] = state.overlay
    if state.basemap != "offline":
        out["basemap"] = state.basemap
    if state.center is not None:
        out["center"] = f"{state.center[0]:.5f},{state.center[1]:.5f}"
    if state.zoom is not None:
        out["zoom"] = str(int(state.zoom))
    if state.feature:
        out["feature"] = state.feature
    return out


def reader_link(plan: str, line: int, feature: str = "") -> str:
    """Relative URL of the plan reader opened at a line (``reader?plan=…&line=…``)."""
    from urllib.parse import urlencode

    q = {"plan": plan, "line": str(int(line))}
    if feature:
        q["feature"] = feature
    return f"{PAGE_PATHS['reader']}?" + urlencode(q)


def map_link(state: MapState) -> str:
    """Relative URL of the map page showing ``state``."""
    from urllib.parse import urlencode

    q = encode(state)
    return f"{PAGE_PATHS['map']}?" + urlencode(q) if q else (PAGE_PATHS["map"] or "/")


def to_display(center: tuple[float, float] | None, gcj: bool) -> tuple[float, float] | None:
    """A WGS-84 (lat, lon) as shown on the map (GCJ-02 over Gaode tiles)."""
    if center is None or not gcj:
        return center
    from atlas.places.coords import wgs84_to_gcj02

    lon, lat = wgs84_to_gcj02(center[1], center[0])
    return (round(float(lat), 6), round(float(lon), 6))


def from_display(center: tuple[float, float], gcj: bool) -> tuple[float, float]:
    """A (lat, lon) reported by the map back to WGS-84 (the URL always holds WGS-84)."""
    if not gcj:
        return (round(center[0], 5), round(center[1], 5))
    from atlas.places.coords import gcj02_to_wgs84

    lon, lat = gcj02_to_wgs84(center[1], center[0])
    return (round(float(lat), 5), round(float(lon), 5))
