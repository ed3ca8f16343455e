"""Planning Atlas: Chinese regional plans as sourced, honestly-precise map layers.

The public API (imported on first use, so ``import atlas`` stays cheap and ``atlas geocode``
does not pay for geopandas, folium or matplotlib):

- :func:`extract_plan`, :func:`extract_text` — plan file or text → :class:`Extraction`;
- :func:`build_atlas`, :func:`build_plan` — extraction → placed, validated layers;
- :func:`read_layers` — a built atlas's layers of one plan;
- :func:`default_gazetteer` — the province gazetteer.

``docs/architecture.md`` shows the rooms of the package and the order the data flows in.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import Any

try:
    __version__ = version("planning-atlas")
except PackageNotFoundError:  # a source tree that was never installed
    __version__ = "0.0.0+unknown"

__all__ = [
    "Extraction",
    "__version__",
    "build_atlas",
    "build_plan",
    "default_gazetteer",
    "extract_plan",
    "extract_text",
    "read_layers",
]


def __getattr__(name: str) -> Any:
    # PEP 562: the heavy modules load on first use; every import here is static
    if name in ("extract_plan", "extract_text"):
        from atlas import pipeline

        return getattr(pipeline, name)
    if name in ("build_atlas", "build_plan"):
        from atlas import build

        return getattr(build, name)
    if name == "read_layers":
        from atlas.store import read_layers

        return read_layers
    if name == "default_gazetteer":
        from atlas.places.gazetteer import default_gazetteer

        return default_gazetteer
    if name == "Extraction":
        from atlas.model import Extraction

        return Extraction
    raise AttributeError(f"module 'atlas' has no attribute {name!r}")
