"""The plan reader's HTML: original lines, extracted spans marked by kind, links to the map.

Every piece of plan text is HTML-escaped. A span is the verbatim source quote of a feature or
an indicator; it is marked where it stands in its line (or from its first words to the end of
the line when the quote runs over several lines). The line a link points at is outlined and
scrolled into view.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

import pandas as pd

from atlas.render.style import KIND_COLORS, LAYER_LABELS
from atlas.render.web.geojson import esc

CSS = (
    "<style>.plan{max-height:72vh;overflow-y:auto;font-family:'Noto Serif CJK SC',serif;"
    "font-size:15px;line-height:1.75;border:1px solid #e5e7eb;padding:6px 10px}"
    ".ln{padding:0 4px;white-space:pre-wrap}.ln .no{display:inline-block;width:3.2em;"
    "color:#9ca3af;font-size:12px;user-select:none}.ln.hit{background:#fafaf9}"
    ".tgt{outline:2px solid #b91c1c;background:#fee2e2 !important}"
    ".fl{font-size:12px;color:#1d4ed8}mark{padding:0 1px;border-radius:2px}</style>"
)


@dataclass(frozen=True)
class Span:
    """One extracted statement: its kind (layer or ``indicator``), name, quote, feature id."""

    kind: str
    name: str
    quote: str
    feature: str = ""  # "" for indicators (no map feature)


def span_index(features: pd.DataFrame, indicators: pd.DataFrame) -> dict[int, list[Span]]:
    """Spans by their 1-based source line, from feature and indicator tables."""
    out: dict[int, list[Span]] = {}
    for df, kind in ((features, None), (indicators, "indicator")):
        if df is None or df.empty or "source_line" not in df:
            continue
        for _, r in df.iterrows():
            line = pd.to_numeric(r.get("source_line"), errors="coerce")
            if pd.isna(line):
                continue
            out.setdefault(int(line), []).append(
                Span(
                    kind=kind or str(r.get("layer", "")),
                    name=str(r.get("name", "")),
                    quote=str(r.get("source_quote") or ""),
                    feature="" if kind else str(r.get("id", "")),
                )
            )
    return out


def mark_line(text: str, spans: Iterable[Span]) -> str:
    """The escaped line with each span's quote wrapped in a coloured ``<mark>``."""
    found: list[tuple[int, int, str]] = []
    for sp in spans:
        q = sp.quote.strip()
        if not q:
            continue
        i = text.find(q)
        if i >= 0:
            found.append((i, i + len(q), sp.kind))
            continue
        head = q[:12]  # a quote running over several lines starts here
        i = text.find(head)
        if i >= 0:
            found.append((i, len(text), sp.kind))
    parts, pos = [], 0
    for start, end, kind in sorted(found):
        if start < pos:
            continue
        color = KIND_COLORS.get(kind, "#eee")
        parts.append(esc(text[pos:start]))
        parts.append(
            f'<mark style="background:{color}" title="{esc(LAYER_LABELS.get(kind, kind))}">'
            f"{esc(text[start:end])}</mark>"
        )
        pos = end
    parts.append(esc(text[pos:]))
    return "".join(parts)


def legend_html(kinds: Iterable[str]) -> str:
    """The colour key of the span kinds present."""
    return " ".join(
        f'<mark style="background:{KIND_COLORS.get(k, "#eee")}">'
        f"{esc(LAYER_LABELS.get(k, k))}</mark>"
        for k in sorted(set(kinds))
    )


def plan_html(
    lines: list[str],
    spans: dict[int, list[Span]],
    *,
    plan_id: str,
    target: int = 0,
    only_spans: bool = False,
    map_path: str = "",
) -> str:
    """The reader's HTML: numbered lines (ids ``L<n>``), marked spans, links to map features.

    Parameters
    ----------
    lines : list of str
        The plan's original lines (index = line - 1).
    spans : dict of int to list of Span
        From :func:`span_index`.
    plan_id : str
        For the map links.
    target : int
        Line to outline and scroll to (0 = none).
    only_spans : bool
        Show only lines with spans (and the target line).
    map_path : str
        URL path of the map page ("" = the app root).
    """
    rows = []
    for n, text in enumerate(lines, start=1):
        hit = spans.get(n, [])
        if only_spans and not hit and n != target:
            continue
        links = "".join(
            f' <a class="fl" href="/{map_path}?'
            f'{esc(urlencode({"plan": plan_id, "feature": sp.feature}))}" target="_self" '
            f'title="{esc(sp.name)}">[地图：{esc(sp.name)}]</a>'
            for sp in hit
            if sp.feature
        )
        cls = "ln" + (" hit" if hit else "") + (" tgt" if n == target else "")
        rows.append(
            f'<div id="L{n}" class="{cls}"><span class="no">{n}</span>'
            f"{mark_line(text, hit)}{links}</div>"
        )
    script = (
        f"<script>setTimeout(function(){{var e=document.getElementById('L{int(target)}');"
        "if(e){e.scrollIntoView({block:'center'});}},300);</script>"
        if target
        else ""
    )
    return CSS + '<div class="plan">' + "".join(rows) + "</div>" + script
