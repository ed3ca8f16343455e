"""The one style spec (``layers/style.yaml``) shared by the web map and the static renderers.

Renderers ask :func:`style_for` for a feature's resolved style; the legend is built from
:func:`legend_entries` so both renderers show the same symbology.
"""

from __future__ import annotations

import re
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


# ---------------------------------------------------------------- reasons and quotes

#: separator of the parts of a placement note ("…; not in the gazetteer: …")
_NOTE_SEP = "; "


@lru_cache(maxsize=1)
def _reason_patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((re.compile(p), zh) for p, zh in vocabulary()["reasons"].items())


def reason_part_zh(part: str) -> str | None:
    """Chinese rendering of one part of a note, or None when no pattern matches it."""
    part = part.strip()
    if not part:
        return ""
    if not re.search(r"[A-Za-z]", part):  # already Chinese (a curated note)
        return part
    for pat, zh in _reason_patterns():
        m = pat.fullmatch(part)
        if m:
            return zh.format(**{k: (v or "").strip() for k, v in m.groupdict().items()})
    return None


def reason_zh(note: object) -> str:
    """A placement note or unresolved reason in Chinese (``vocabulary.reasons``).

    Parts are split on ``"; "`` and translated one by one; a part no pattern knows is shown as
    ``（未译说明）`` plus the original words, so nothing is hidden. None/NaN give ``""``.
    """
    if note is None or (isinstance(note, float) and note != note):
        return ""
    text = str(note).strip()
    if text.lower() in ("", "none", "nan"):
        return ""
    out = []
    for part in text.split(_NOTE_SEP):
        zh = reason_part_zh(part)
        out.append(zh if zh is not None else f"（未译说明）{part.strip()}")
    return "；".join(p for p in out if p)


_MD_LINE = re.compile(r"^\s{0,3}(?:#{1,6}\s*|>\s?|[-*+]\s+(?=\S)|\d+[.)]\s+(?=\S))+")
_MD_INLINE = re.compile(r"(\*\*|__|~~|`+|(?<![A-Za-z0-9])\*(?=\S)|(?<=\S)\*(?![A-Za-z0-9]))")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")


def clean_quote(text: object) -> str:
    """A source quote without Markdown markup (``**``, ``#``, ``>``, list bullets, links).

    The words stay as the plan wrote them; only the markup the plan's Markdown source carries
    is dropped. None/NaN give ``""``. The plan reader keeps the original text (escaped).
    """
    if text is None or (isinstance(text, float) and text != text):
        return ""
    s = str(text)
    if s.strip().lower() in ("none", "nan"):
        return ""
    lines = []
    for line in s.splitlines() or [s]:
        line = _MD_LINE.sub("", line)
        line = _MD_LINK.sub(r"\1", line)
        line = _MD_INLINE.sub("", line)
        line = re.sub(r"^\s*(?:-{3,}|\*{3,}|_{3,})\s*$", "", line)
        lines.append(line.strip())
    return "\n".join(x for x in lines if x).strip()


def cell(value: object) -> str:
    """A table cell as text: None/NaN/"None"/"nan" become ``""`` (never shown to a reader)."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    s = str(value)
    return "" if s.strip().lower() in ("none", "nan", "nat", "<na>") else s


def beyond(row) -> str:
    """The arrow label of an axis clipped at the edge (``→沈阳市``), from its placement note;
    ``""`` for anything else. Web and print append it to the axis label."""
    if str(row.get("role") or "") != "axis":
        return ""
    note = str(row.get("note") or "")
    if not note.startswith("→"):
        return ""
    cities = note.split(";")[0][1:].split("、")
    return "→" + "、".join(c.removesuffix("市") for c in cities if c)
