"""Security headers of the app server (``atlas serve``): a small ASGI middleware.

Streamlit cannot set response headers itself. ``atlas serve`` adds :class:`SecurityHeaders`
to the middleware stack of Streamlit's Starlette server when it starts
(:func:`add_to_streamlit`), so every HTTP response — the page, static files, component
iframes, uploads — carries:

- ``Content-Security-Policy``: resources only from the app itself (plus ``data:``/``blob:``
  images and the tile hosts of the optional online basemaps), ``frame-ancestors 'self'`` (no
  framing by other sites), no plugins, no foreign ``<base>`` or form targets. Scripts keep
  ``'unsafe-inline'``/``'unsafe-eval'`` because Streamlit, Vega (charts) and folium need them;
  plan text is escaped on output (see docs/robustness.md), the CSP is a second wall that stops
  any remote fetch (``<img src=http://…>``) a missed escape would allow;
- ``X-Frame-Options: SAMEORIGIN`` (older browsers), ``X-Content-Type-Options: nosniff``,
  ``Referrer-Policy: no-referrer``.

This module does not import Streamlit (the library never does); the CLI passes it the module
to patch.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from types import ModuleType
from typing import Any

#: image hosts of the online basemaps the map page offers (OSM, 高德, 天地图)
TILE_HOSTS = (
    "https://tile.openstreetmap.org",
    "https://*.is.autonavi.com",
    "https://*.tianditu.gov.cn",
)

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' 'unsafe-eval' blob:",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob: " + " ".join(TILE_HOSTS),
        "font-src 'self' data:",
        "connect-src 'self'",
        "frame-src 'self' blob: data:",
        "worker-src 'self' blob:",
        "media-src 'self' blob: data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
)

HEADERS: dict[str, str] = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "SAMEORIGIN",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_ENCODED = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in HEADERS.items()]
_NAMES = {k for k, _ in _ENCODED}


class SecurityHeaders:
    """ASGI middleware adding :data:`HEADERS` to every HTTP response (replacing any
    same-named header)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message.get("type") == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in _NAMES]
                message = {**message, "headers": kept + _ENCODED}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def add_to_streamlit(starlette_app: ModuleType) -> None:
    """Append :class:`SecurityHeaders` to Streamlit's middleware stack.

    Parameters
    ----------
    starlette_app : module
        ``streamlit.web.server.starlette.starlette_app``; its ``create_streamlit_middleware``
        is wrapped (once) before the server starts.
    """
    create = starlette_app.create_streamlit_middleware
    if getattr(create, "_atlas_headers", False):
        return

    def create_with_headers() -> list[Any]:
        from starlette.middleware import Middleware

        return [*create(), Middleware(SecurityHeaders)]

    create_with_headers._atlas_headers = True  # type: ignore[attr-defined]
    starlette_app.create_streamlit_middleware = create_with_headers
