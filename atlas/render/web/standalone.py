"""A standalone interactive map page (``atlas webmap``) that works from file:// offline.

The folium map of :func:`atlas.render.web.webmap.build_map` (offline vector basemap) is rendered
with its Leaflet and plugin assets pointed at a placeholder URL; every such ``<script src>``
and stylesheet ``<link>`` is then replaced by the file's content inline, and images a
stylesheet refers to (Leaflet's layer icons) become ``data:`` URIs. The result is one HTML file
with no request to any host, for intranet portals and embedding.
"""

from __future__ import annotations

import base64
import logging
import mimetypes
import re
import sys
from pathlib import Path

from atlas.errors import InputError
from atlas.paths import STATIC
from atlas.render.outfile import check_target, write_atomically

log = logging.getLogger(__name__)

PLACEHOLDER = "atlas-local-assets"
_SCRIPT = re.compile(
    r"""<script[^>]*\bsrc=["']""" + PLACEHOLDER + r"""/([^"']+)["'][^>]*>\s*</script>"""
)
_LINK = re.compile(r"""<link[^>]*\bhref=["']""" + PLACEHOLDER + r"""/([^"']+)["'][^>]*/?>""")
_CSS_URL = re.compile(r"""url\((['"]?)(?!data:|https?:|//|#)([^'")]+)\1\)""")


def _asset(rel: str) -> Path:
    path = (STATIC / rel).resolve()
    if not path.is_file() or STATIC.resolve() not in path.parents:
        raise InputError(f"local asset {rel!r} is missing under {STATIC}")
    return path


def _inline_css(path: Path) -> str:
    css = path.read_text(encoding="utf-8")

    def data_uri(m: re.Match) -> str:
        target = (path.parent / m.group(2)).resolve()
        if not target.is_file():
            return m.group(0)
        mime = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        payload = base64.b64encode(target.read_bytes()).decode("ascii")
        return f"url(data:{mime};base64,{payload})"

    return _CSS_URL.sub(data_uri, css)


def inline_assets(html: str) -> str:
    """Replace placeholder-URL scripts and stylesheets by their inline content."""

    def script(m: re.Match) -> str:
        js = _asset(m.group(1)).read_text(encoding="utf-8").replace("</script", "<\\/script")
        return f"<script>\n{js}\n</script>"

    def link(m: re.Match) -> str:
        css = _inline_css(_asset(m.group(1))).replace("</style", "<\\/style")
        return f"<style>\n{css}\n</style>"

    return _LINK.sub(link, _SCRIPT.sub(script, html))


def remote_refs(html: str) -> list[str]:
    """Remote ``src``/``href``/``url()`` references left in a page (should be none)."""
    refs = re.findall(r"""\bsrc\s*=\s*["']((?:https?:)?//[^"']+)""", html)
    refs += re.findall(r"""<link[^>]*\bhref\s*=\s*["']((?:https?:)?//[^"']+)""", html)
    refs += re.findall(r"""url\(\s*['"]?((?:https?:)?//[^'")]+)""", html)
    return refs


def standalone_html(frames, *, title: str = "", home=None) -> str:
    """The complete offline HTML page of a plan's layers.

    Parameters
    ----------
    frames : dict of str to GeoDataFrame
        Layers in the DESIGN §4 schema (EPSG:4326).
    title : str
        Page title.
    home : tuple, optional
        (minx, miny, maxx, maxy) to open on (the jurisdiction).
    """
    from atlas.render.web.ids import stable_ids
    from atlas.render.web.webmap import build_map

    with stable_ids():  # elements made while rendering are numbered too: byte-identical pages
        m = build_map(frames, basemap="offline", base_url=PLACEHOLDER, home=home, height="100%")
        html = m.get_root().render()
    html = inline_assets(html)
    if title:
        from html import escape

        html = html.replace("<head>", f"<head>\n<title>{escape(title)}</title>", 1)
    left = remote_refs(html)
    if left:
        log.warning("remote references left in the standalone page: %s", left[:5])
    return html


def write_atomic(text: str, out: str | Path) -> Path:
    """Write text to ``out`` atomically (temp file in the same folder, then rename)."""
    path = check_target(out, (".html", ".htm"), ".html")
    return write_atomically(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"), ".html")


def webmap(plan_id: str, out: str | Path, *, build: str | Path = "build") -> Path:
    """Write the standalone offline map of a plan to ``out`` (.html)."""
    from atlas.render import mapdata

    path = Path(out)
    if path.suffix.lower() not in (".html", ".htm"):
        raise InputError(f"unknown output extension {path.suffix!r} (use .html)")
    meta = mapdata.plan_meta(plan_id, build)
    frames = mapdata.load_frames(plan_id, build)
    home = None
    if meta.adcode:
        home = tuple(mapdata.jurisdiction(meta.adcode).total_bounds)
    title = f"{meta.place} · {meta.title or plan_id}"
    return write_atomic(standalone_html(frames, title=title, home=home), path)


def webmap_cli(args) -> int:
    """``atlas webmap --plan ID --out FILE.html``."""
    path = webmap(args.plan, args.out, build=args.build)
    sys.stdout.write(f"{path}\n")
    return 0
