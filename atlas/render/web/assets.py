"""Serve Leaflet and the folium plugins from local files instead of CDNs.

folium (and every plugin) lists its JavaScript and CSS as CDN URLs in ``default_js`` /
``default_css``. On an intranet with no internet those requests fail and the map stays blank
(DESIGN §7). :func:`use_local_assets` rewrites every element of a map to the files vendored in
``static/`` (taken from the npm packages, see ``static/README.md``) and drops the assets the
atlas does not use (jQuery, Bootstrap, awesome-markers, glyphicons), so a rendered map never
references a remote host.
"""

from __future__ import annotations

import logging
from pathlib import Path

from branca.element import Element

from atlas.paths import STATIC

log = logging.getLogger(__name__)

#: CDN file name (last URL path segment) → file under static/
LOCAL_FILES: dict[str, str] = {
    "leaflet.js": "leaflet/leaflet.js",
    "leaflet.css": "leaflet/leaflet.css",
    "Control.FullScreen.min.js": "leaflet.fullscreen/Control.FullScreen.js",
    "Control.FullScreen.js": "leaflet.fullscreen/Control.FullScreen.js",
    "Control.FullScreen.css": "leaflet.fullscreen/Control.FullScreen.css",
    "leaflet-measure.min.js": "leaflet-measure/leaflet-measure.min.js",
    "leaflet-measure.js": "leaflet-measure/leaflet-measure.min.js",
    "leaflet-measure.min.css": "leaflet-measure/leaflet-measure.css",
    "leaflet-measure.css": "leaflet-measure/leaflet-measure.css",
    "Control.MiniMap.js": "leaflet-minimap/Control.MiniMap.min.js",
    "Control.MiniMap.min.js": "leaflet-minimap/Control.MiniMap.min.js",
    "Control.MiniMap.css": "leaflet-minimap/Control.MiniMap.min.css",
    "Control.MiniMap.min.css": "leaflet-minimap/Control.MiniMap.min.css",
    "L.Map.Sync.min.js": "leaflet.sync/L.Map.Sync.js",
    "L.Map.Sync.js": "leaflet.sync/L.Map.Sync.js",
}

#: folium default assets the atlas never uses (its icons are plain divIcons): dropped
UNUSED: frozenset[str] = frozenset(
    {
        "jquery",
        "bootstrap",
        "bootstrap_css",
        "glyphicons_css",
        "awesome_markers",
        "awesome_markers_css",
        "awesome_markers_font_css",
        "awesome_rotate_css",
    }
)


def _is_remote(url: str) -> bool:
    return url.startswith(("http://", "https://", "//"))


def _rewrite(pairs: list[tuple[str, str]], base_url: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for name, url in pairs:
        if not _is_remote(url):
            out.append((name, url))
            continue
        if name in UNUSED:
            continue
        fname = url.rsplit("/", 1)[-1].split("?", 1)[0]
        local = LOCAL_FILES.get(fname)
        if local is None:
            log.warning("no local copy of %s (%s): dropped to stay offline", name, url)
            continue
        out.append((name, f"{base_url.rstrip('/')}/{local}"))
    return out


def _walk(element: Element):
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


def use_local_assets(m: Element, base_url: str = "/app/static") -> Element:
    """Point every JS/CSS asset of a folium map (and its plugins) at local files.

    Parameters
    ----------
    m : folium.Map or folium.plugins.DualMap
        The map, with all plugins already added (call this last); every element of the
        page it belongs to is rewritten.
    base_url : str
        URL under which ``static/`` is served: ``/app/static`` for Streamlit's static file
        serving, or a relative/``file://`` URL for a standalone page.

    Returns
    -------
    folium.Map or folium.plugins.DualMap
        The same map (instance attributes replaced; folium's class defaults stay untouched).
    """
    for el in _walk(m.get_root()):
        for attr in ("default_js", "default_css"):
            pairs = getattr(el, attr, None)
            if pairs:
                setattr(el, attr, _rewrite(list(pairs), base_url))
    return m


def local_asset_files() -> list[Path]:
    """Return the vendored files a map may reference (for inlining into a standalone page).

    Returns
    -------
    list of Path
        Distinct JS/CSS files under ``static/``, Leaflet first.
    """
    seen = dict.fromkeys(LOCAL_FILES.values())
    return [STATIC / rel for rel in seen]


def remote_urls(html: str) -> list[str]:
    """Return the remote ``src``/``href`` URLs left in rendered map HTML (should be none)."""
    import re

    return re.findall(r"""(?:src|href)=["']((?:https?:)?//[^"']+)""", html)
