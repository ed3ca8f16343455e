"""Which place a plan covers: its jurisdiction, level, kind and period, read from the text.

The jurisdiction is the deepest admin unit named in the title lines, else the unit named most
often near the top with 本市/本县/本区 usage. The gazetteer is passed in by the caller
(:mod:`atlas.pipeline`); without one (text-only mode) nothing is detected.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from typing import Any

from atlas.model import Place, PlaceIndex, PlanInfo
from atlas.read.structure import Document

_ADMIN_RE = re.compile(r"[\u4e00-\u9fff]{1,8}?(?:自治县|自治州|省|市|县|区|旗)")
_LEVEL_BY_SUFFIX = (
    ("自治县", "county"),
    ("县", "county"),
    ("旗", "county"),
    ("区", "urban district"),
    ("市", "county-level city"),
)


def _resolve_admin(token: str, gaz: PlaceIndex, scope: str | None) -> Place | None:
    """Resolve an admin-name token, trimming leading noise (``年锦州市`` → ``锦州市``)."""
    for k in range(0, max(1, len(token) - 1)):
        name = token[k:]
        if len(name) < 2:
            break
        hits = gaz.geocode(name, scope=scope, levels=("province", "city", "county"))
        # without a scope, only 辽宁 units: 中心城区 must not make a plan 山西省阳泉市城区
        if not hits or (scope is None and not hits[0].code.startswith("21")):
            continue
        if hits[0].name.startswith(name[:-1]) and hits[0].confidence >= 0.5:
            return hits[0]
    return None


def detect_jurisdiction(doc: Document, places: PlaceIndex | None) -> PlanInfo:
    """Detect a plan's jurisdiction, level, kind and period from its text.

    The jurisdiction is the deepest admin unit named in the title lines (``锦州市凌海市…`` →
    凌海市); without a title, the unit named most often near the top together with
    本市/全市, 本县/全县 or 本区/全区 usage. Leaves ``adcode`` empty when nothing resolves,
    and always when ``places`` is None (text-only mode).
    """
    plan = doc.plan
    title = doc.title
    head = [p.text for p in doc.text.paragraphs[:12]]
    kind = "work-report" if re.search(r"政府工作报告", title) else "plan"
    period = ""
    if "十四五" in title or "第十四个五年" in title:
        period = "2021-2025"
    elif "十五五" in title or "第十五个五年" in title:
        period = "2026-2030"
    if period and re.search(r"2035|二[〇O0]三五", title + "".join(head[:4])):
        period += ";2035"
    if kind == "work-report":
        # the report's year: in its title, else the date it was delivered (——2023年1月12日在…)
        dated = [re.search(r"(20\d\d)年\d{1,2}月\d{1,2}日", h) for h in head[:4]]
        m = re.search(r"(20\d\d)年", title) or next((d for d in dated if d), None)
        if m:
            period = f"{int(m.group(1)) - 1}-{m.group(1)}"
    gaz = places
    chain: list[Any] = []
    if gaz is not None:
        for line in [title, *head]:
            line = re.split(r"国民经济|政府工作报告|第[一二三四五六七八九十]+个五年|规划", line)[0]
            cur: list[Any] = []
            for m in _ADMIN_RE.finditer(line):
                place = _resolve_admin(m.group(0), gaz, cur[-1].code if cur else None)
                if place is not None:
                    cur.append(place)
            if cur:
                chain = cur
                break
        if not chain:
            chain = _by_usage(doc, gaz)
    if not chain:
        return replace(plan, title=plan.title or title, kind=kind, period=plan.period or period)
    depth = {"province": 0, "city": 1, "county": 2}
    chain.sort(key=lambda p: depth.get(p.level, 3))
    place = chain[-1]
    names = [p.name for p in chain]
    # complete the chain upwards (省 > 市 > 县) from the gazetteer's parent codes
    parent = getattr(chain[0], "parent", "")
    while parent and gaz is not None and parent in gaz and parent not in [p.code for p in chain]:
        up = gaz.get(parent)
        names.insert(0, up.name)
        parent = up.parent
    names = list(dict.fromkeys(names))
    level = {"province": "province", "city": "prefecture city"}.get(place.level, "")
    if not level:
        level = next((lv for suf, lv in _LEVEL_BY_SUFFIX if place.name.endswith(suf)), "county")
    return replace(
        plan,
        jurisdiction="".join(names),
        adcode=place.code,
        level=level,
        kind=kind,
        period=period,
        title=plan.title or title,
    )


def _by_usage(doc: Document, gaz: PlaceIndex) -> list[Any]:
    """Most frequent admin unit in the first paragraphs, weighted by 本市/本县/本区 usage."""
    text = "".join(p.text for p in doc.text.paragraphs[:60])
    counts = Counter(m.group(0) for m in _ADMIN_RE.finditer(text))
    self_suffix = Counter(m.group(1) for m in re.finditer(r"[本全我]([市县区])", text))
    best: tuple[float, Any] | None = None
    for token, n in counts.most_common(12):
        place = _resolve_admin(token, gaz, None)
        if place is None:
            continue
        score = n * (
            2.0 if self_suffix and place.name[-1] == self_suffix.most_common(1)[0][0] else 1.0
        )
        if best is None or score > best[0]:
            best = (score, place)
    return [best[1]] if best else []
