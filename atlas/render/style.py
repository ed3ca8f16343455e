"""The one style spec (``layers/style.yaml``) shared by the web map and the static renderers.

Renderers ask :func:`style_for` for a feature's resolved style; the legend is built from
:func:`legend_entries` so both renderers show the same symbology.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from atlas.errors import SchemaError
from atlas.paths import LAYERS

STYLE_FILE = LAYERS / "style.yaml"
_KEYS = {
    "symbol",
    "color",
    "fill",
    "fill_opacity",
    "weight",
    "dash",
    "icon",
    "z",
    "label",
    "opacity",
}
SYMBOLS = {"halo", "arrow", "band", "area", "icon", "line", "boundary"}


@dataclass(frozen=True)
class Style:
    """A resolved style for one feature."""

    symbol: str
    color: str
    fill: str
    fill_opacity: float
    weight: float
    dash: str
    icon: str
    z: int
    label: str
    opacity: float = 1.0


@lru_cache(maxsize=4)
def load_spec(path: Path = STYLE_FILE) -> dict[str, Any]:
    """Read and validate the style spec (unknown keys or symbols raise :class:`SchemaError`)."""
    spec = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    for section in ("roles", "layers"):
        for name, entry in spec.get(section, {}).items():
            bad = set(entry) - _KEYS
            if bad:
                raise SchemaError(f"style.yaml {section}.{name}: unknown keys {sorted(bad)}")
            if "symbol" in entry and entry["symbol"] not in SYMBOLS:
                raise SchemaError(f"style.yaml {section}.{name}: unknown symbol {entry['symbol']}")
    return spec


def style_for(layer: str, role: str = "", precision: str = "", spec: dict | None = None) -> Style:
    """Resolve the style of a feature: role, then layer, then default; precision adjusts it."""
    spec = spec or load_spec()
    merged: dict[str, Any] = dict(spec["default"])
    merged.update({k: v for k, v in spec.get("layers", {}).get(layer, {}).items() if k != "label"})
    if layer in spec.get("layers", {}):
        merged["label"] = spec["layers"][layer].get("label", merged["label"])
    merged.update(spec.get("roles", {}).get(role, {}))
    prec = spec.get("precision", {}).get(precision, {})
    return Style(
        symbol=merged["symbol"],
        color=merged["color"],
        fill=merged.get("fill", merged["color"]),
        fill_opacity=float(merged.get("fill_opacity", 0.25)),
        weight=float(merged.get("weight", 1.5)),
        dash=str(prec.get("dash") or merged.get("dash") or ""),
        icon=str(merged.get("icon", "")),
        z=int(merged.get("z", 10)),
        label=str(merged["label"]),
        opacity=float(prec.get("opacity", 1.0)),
    )


def legend_entries(pairs: list[tuple[str, str]], spec: dict | None = None) -> list[Style]:
    """Distinct legend entries for the (layer, role) pairs shown, ordered by z (top first)."""
    seen: dict[str, Style] = {}
    for layer, role in pairs:
        st = style_for(layer, role, spec=spec)
        seen.setdefault(st.label, st)
    return sorted(seen.values(), key=lambda s: -s.z)


def basemap_colors(spec: dict | None = None) -> dict[str, str]:
    """Colours of the offline basemap (land, sea, boundaries, rivers, coast)."""
    return dict((spec or load_spec())["basemap"])


def vocabulary(spec: dict | None = None) -> dict[str, dict[str, str]]:
    """The ``vocabulary:`` section: names of layers, roles and levels, icon glyphs, highlights."""
    voc = (spec or load_spec()).get("vocabulary", {})
    return {k: {str(a): str(b) for a, b in (v or {}).items()} for k, v in voc.items()}


#: Chinese name of each layer
LAYER_LABELS: dict[str, str] = vocabulary()["layers"]
#: Chinese name of each role (popups, tables); legend classes use the styles' labels
ROLE_LABELS: dict[str, str] = vocabulary()["roles"]
#: Chinese labels of gazetteer place levels (search results, popups)
LEVEL_LABELS: dict[str, str] = vocabulary()["levels"]
#: the one character drawn inside a point icon, per style icon (web map and print alike)
ICON_GLYPHS: dict[str, str] = vocabulary()["icons"]
#: highlight colour of each kind of span in the plan reader
KIND_COLORS: dict[str, str] = vocabulary()["highlight"]
