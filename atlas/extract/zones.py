"""Zoning layouts given as colon-labelled paragraphs under a 布局/格局 heading.

Some plans state their zoning without a numeric slogan: a section 优化重点区域布局 whose
paragraphs start 临空港区域:…, 中西部区域:…, 大凌河流域:… Each label becomes a zone element of
a layout named after the heading (重点区域布局), sourced at its paragraph.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from atlas.extract.anchors import find_anchors
from atlas.extract.members import area_km2, sentence_end
from atlas.extract.passages import Passage, section
from atlas.model import Layout, LayoutElement, PlanInfo

HEAD_NUM_RE = re.compile(
    r"^(?:第[一二三四五六七八九十百\d]+[章节]|[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]|\d+[.、])"
)
HEAD_VERB_RE = re.compile(
    r"^(?:加快|全面|大力|着力|积极|持续|深入|继续)?(?:打造|建设|推进|构建|实施|优化|发展|培育|提升|做强|壮大)"
)
_LABEL_RE = re.compile(
    r"^([\u4e00-\u9fff]{2,12}?(?:区域|片区|地区|流域|空间|板块|组团|区|带|轴|廊)):"
)
_LABEL_VERB_RE = re.compile(r"^(?:发展|提升|保护|优化|建设|打造|培育)(?=[\u4e00-\u9fff]{2})")


def label_layouts(ps: Sequence[Passage], plan: PlanInfo, taken: set[str]) -> list[Layout]:
    """临空港区域:… paragraphs under a …布局/…格局 heading → a zoning layout.

    Parameters
    ----------
    ps : sequence of Passage
        The plan's passages.
    plan : PlanInfo
        The plan's identity (``plan_id``; ``adcode`` scopes anchors).
    taken : set of str
        Layout names already found (a heading never yields a second layout of that name).

    Returns
    -------
    list of Layout
        One per heading with at least two labelled zone paragraphs directly under it.
    """
    out: list[Layout] = []
    for head in ps:
        if not head.heading or not re.search(r"布局|格局", head.text):
            continue
        labelled = []
        for q in section(ps, head):
            m = _LABEL_RE.match(q.text)
            if m and not q.heading:
                labelled.append((q, m))
        if len(labelled) < 2:
            continue
        name = HEAD_VERB_RE.sub("", HEAD_NUM_RE.sub("", head.text.strip()))
        if name in taken:
            continue
        elements = []
        for q, m in labelled:
            label = _LABEL_VERB_RE.sub("", m.group(1))
            end = sentence_end(q.text, m.end())
            definition = q.text[m.end() :]
            elements.append(
                LayoutElement(
                    component=label,
                    role="zone",
                    name=label,
                    source=q.span(0, end),
                    anchors=find_anchors(definition, plan.adcode or None),
                    definition=definition,
                    area_km2=area_km2(definition),
                )
            )
        out.append(
            Layout(
                plan.plan_id,
                name,
                head.span(),
                tuple(elements),
                expected=len(elements),
                context=name,
            )
        )
    return out
