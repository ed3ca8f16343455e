"""Layout extraction: structure slogans and the elements that fill their components.

For every slogan a plan uses (:mod:`atlas.extract.slogans`) the components are resolved, in
this order of trust:

1. definitions near a mention — glossary entries and ``X即/指/是/为…`` clauses
   (“一核”即…; 三轴分为一主两次，一主为…; “北翼”辽河沿岸经济带,指…);
2. a list of exactly N items in front of an ``N大…`` name (沿海、县域、城区“三大经济板块”);
3. the headed sections under a heading that carries the slogan
   ((二)建设“南翼”营口市科技创新产业园; run-in 实施“双凌协同”工程。);
4. the sentences right after the mention (构建二十家子镇、大庙镇…四个重点镇商业物流中心);
5. the less explicit forms of :mod:`atlas.extract.layout_forms` over the mention's chapter:
   layout tables with continuation rows, 以A和B为两翼 / A为一核, 形成A、B及C三区, clauses
   led by a member's name (绕阳河生态带串联…), 沿X布局Y带, 东部山区为生态涵养区.

A named member (东翼为彰武县城, “北翼”X,指…) fills the slogan's part: its component is 两翼,
its own label heads its definition.

Components that stay empty are kept as unresolved elements and reported (never invented);
element counts are checked against the numerals (三轴 → 3, 多 = open-ended). Sections laid out
as colon-labelled zones under a 布局/格局 heading (临空港区域:…) become layouts too.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from atlas.extract import layout_forms as forms
from atlas.extract.anchors import find_anchors
from atlas.extract.members import (
    area_km2,
    clean_name,
    sentence_end,
    split_items,
    unit_end,
)
from atlas.extract.passages import Passage, is_toc, passages, section
from atlas.extract.slogans import (
    NUMERALS,
    PART_PLAIN,
    UNIT_ROLES,
    Part,
    Slogan,
    find_slogans,
    parse_parts,
)
from atlas.extract.zones import HEAD_NUM_RE, HEAD_VERB_RE, label_layouts
from atlas.model import Layout, LayoutElement, PlanInfo, SourceSpan, Unresolved
from atlas.read.text import sentence_bounds

log = logging.getLogger(__name__)

#: how many paragraphs after a mention may still hold its definitions
WINDOW = 2
#: … and on to the end of the mention's section, up to this many paragraphs
SECTION_WINDOW = 12
#: 是指/即/指/为 ... after a component name; ``分为`` opens a sub-division (一主两次)
_MARKER_RE = re.compile(
    r"^[”\"]?\s*(?::\s*(?:是指|即|指|分为|包括)?|,\s*(?:是指|即|指)|是指|即|指|分别为|分别是|分为|"
    r"包括|是|为)"
)
_SUBJECT_RE = re.compile(rf"(?:{PART_PLAIN})(?:[、,]?(?:{PART_PLAIN}))*")
_COMPASS = "东南西北中"
#: a first clause that is an element's name by itself (一核,即阜新中心城区,以海州区为核心…)
_PLACE_NOUN_RE = re.compile(r"[\u4e00-\u9fff]{2,12}(?:城区|县城|新城|主城|市区|城|新区|组团)")
_SUB_RE = re.compile(r"([一二两三四五六七八九十])([主次副])(?:分别)?(?:为|是|指)")
_OPENERS = '“"‘「『 '
#: an element named by the seat alone (“一核”即县城(清原镇),推进…)
_SEAT_NAMES = frozenset({"县城", "中心城区", "主城区", "城区", "市区"})
#: after an element's own name: the places it covers (一主即县城,包括八角台街道、广胜街道)
_COVERS_RE = re.compile(r"(?:包括|包含|涵盖|覆盖|含|辖|由)")
#: a first clause that is a town's name (“一副”是刀尔登镇,建设全市南部副中心)
_TOWN_RE = re.compile(r"[\u4e00-\u9fff]{1,8}(?:镇|乡|街道|苏木)")


@dataclass
class _Item:
    """An element found for a component, before it becomes a LayoutElement."""

    component: str
    role: str
    name: str
    definition: str
    passage: Passage
    start: int
    end: int
    area_km2: float | None = None


# --------------------------------------------------------------------------- definitions


@dataclass
class _Subject:
    start: int  # where the subject (component name) starts
    body: int  # where its definition starts
    parts: tuple[Part, ...]
    named: str = ""  # a named member (南翼) instead of numeral parts
    appos: str = ""  # 北翼 辽河沿岸经济带, 指…: the name given before the marker


def _subjects(text: str, slogan: Slogan) -> list[_Subject]:
    """Component names of ``slogan`` followed by a definition marker in ``text``."""
    keys = {p.key for p in slogan.parts}
    out: list[_Subject] = []
    for m in _SUBJECT_RE.finditer(text):
        parts = parse_parts(m.group(0))
        mk = _MARKER_RE.match(text[m.end() :])
        if not parts or not mk or not all(p.key in keys for p in parts):
            continue
        if len(slogan.parts) > 1 and {p.key for p in parts} == keys:
            continue  # the whole slogan as a glossary headword, not one component
        out.append(_Subject(m.start(), m.end() + mk.end(), parts))
    if slogan.da:
        for m in re.finditer(re.escape(slogan.text), text):
            mk = _MARKER_RE.match(text[m.end() :])
            if mk:
                out.append(_Subject(m.start(), m.end() + mk.end(), slogan.parts))
    units = {p.unit for p in slogan.parts if p.count != 1}
    for unit in units:
        pat = rf"[“\"]?([{_COMPASS}]){unit}[”\"]?([^\W和及与、]{{2,15}}?)?,?(?:即|是指|指|为)"
        for m in re.finditer(pat, text):
            if m.start() and text[m.start() - 1] in "以和及与、":
                continue  # 以北翼A和南翼B为两翼: members of a list, not a definition
            named = m.group(1) + unit
            out.append(_Subject(m.start(), m.end(), (), named=named, appos=m.group(2) or ""))
    out.sort(key=lambda s: s.start)
    return out


def _definition_end(text: str, subj: _Subject, nxt: int | None) -> int:
    """End of a subject's definition: the next subject, else the sentence end."""
    end = sentence_end(text, subj.body)
    if "分为" in text[subj.start : subj.body + 2] or _SUB_RE.search(text[subj.body : end]):
        # 三轴分为一主两次，一主为…。两次分别为…: the sub-division spans sentences
        end2 = sentence_end(text, end) if end < len(text) else end
        if _SUB_RE.match(text[end:end2].strip()):
            end = end2
    if nxt is not None and nxt >= subj.body:
        end = min(end, nxt)
    while end > subj.body and text[end - 1] in _OPENERS:
        end -= 1  # “一主”即…；“两副”指…: the next subject's opening quote is not ours
    return end


def _items_from_subject(
    text: str,
    subj: _Subject,
    end: int,
    slogan: Slogan,
    comp_of: dict[tuple[int, str], str],
    p: Passage,
) -> list[_Item]:
    body = text[subj.body : end]
    if subj.named:
        part = next(
            x for x in slogan.parts if x.unit == subj.named[-1:] or x.unit == subj.named[1:]
        )
        if re.match(r"以|在|依托|沿|围绕", subj.appos):
            # 东翼以丙镇为中心: no name of its own but the label; the phrase defines it
            return [_Item(subj.named, part.role, subj.named, text[subj.start : end], p,
                          subj.start, end)]  # fmt: skip
        name = clean_name(subj.appos) if subj.appos else clean_name(body.split(",")[0])
        return [_Item(subj.named, part.role, name, body, p, subj.start, end)]
    subs = list(_SUB_RE.finditer(body))
    if subs and len(subj.parts) == 1:
        # 一主为A。两次分别为B、C → members of each sub-division, in order
        texts = []
        for k, sm in enumerate(subs):
            stop = subs[k + 1].start() if k + 1 < len(subs) else len(body)
            seg = body[sm.end() : stop].strip(" ,;。")
            texts.extend(split_items(seg, NUMERALS[sm.group(1)], subj.parts[0].unit))
        members = texts
    else:
        total = sum(x.count for x in subj.parts) if all(x.count for x in subj.parts) else 0
        unit = subj.parts[-1].unit if len(subj.parts) == 1 else ""
        members = split_items(body, total, unit)
    items: list[_Item] = []
    k = 0
    for idx, part in enumerate(subj.parts):
        last = idx == len(subj.parts) - 1
        take = members[k:] if (last or part.count == 0) else members[k : k + part.count]
        k += len(take)
        for member in take:
            first = member.split(",")[0]
            rest = member[len(first) + 1 :]
            bare = re.sub(r"\([^)]*\)$", "", first)  # 县城(清原镇): the town in brackets
            single = first != member and (
                (part.count == 1 and bare in _SEAT_NAMES)
                or unit_end(first, part.unit)
                or unit_end(clean_name(first), part.unit)  # 北部农业区以A镇、B镇为主体
                or (part.count == 1 and bool(_PLACE_NOUN_RE.fullmatch(first)))
                or (part.count == 1 and bool(_TOWN_RE.fullmatch(first)))
                or (len(first) >= 2 and bool(_COVERS_RE.match(rest)))
            )
            name = (
                bare if single and bare in _SEAT_NAMES else clean_name(first if single else member)
            )
            # a one-member definition ends at its clause: 一核即县城,…;西翼依托…: not the wings'
            said = member.split(";")[0] if single and part.count == 1 else member
            if name:
                items.append(_Item(comp_of[part.key], part.role, name, said, p, subj.start, end))
    return items


# --------------------------------------------------------------------------- resolution


def _window(ps: Sequence[Passage], idx: int, other_keys: set, up: int = 0) -> list[Passage]:
    """The mention's paragraph and the ones after it that may hold its definitions: at least
    ``WINDOW`` paragraphs, and on to the end of its section (sub-headings included), at most
    ``SECTION_WINDOW``; another structure's mention ends it. ``up`` widens the section by that
    many heading levels (第一节 总体布局 → its chapter, whose 第二节 做强双核 follows)."""
    out = [ps[idx]]
    depth = len(ps[idx].heading_path) if not ps[idx].heading else ps[idx].level + 1
    depth = max(min(depth, 1), depth - up)
    for j in range(idx + 1, min(idx + 1 + SECTION_WINDOW, len(ps))):
        q = ps[j]
        if any(s.key in other_keys for s in find_slogans(q.text)):
            break
        if j > idx + WINDOW and ((q.heading and q.level < depth) or not depth):
            break
        out.append(q)
    return out


def _resolve(
    ps: Sequence[Passage],
    mentions: list[tuple[Passage, Slogan]],
    all_keys: set,
    plan: PlanInfo,
    tables: Sequence = (),
) -> tuple[Layout, list[Unresolved]]:
    best_p, best = min(
        mentions,
        key=lambda ms: (
            not ms[1].quoted,
            len(ms[1].name),
            is_toc(ps, ms[0]),
            ms[0].index,
            ms[1].start,
        ),
    )
    slogan = best
    comp_of = {part.key: part.text.replace(part.suffix, "") or part.text for part in slogan.parts}
    if slogan.da:
        comp_of = {slogan.parts[0].key: slogan.name}
    found: dict[str, list[_Item]] = {}
    other = all_keys - {slogan.key}

    def add(items: list[_Item]) -> None:
        for it in items:
            bucket = found.setdefault(it.component, [])
            if all(b.name != it.name for b in bucket):
                bucket.append(it)

    # 1. definitions next to any mention
    seen: set[int] = set()
    window: list[Passage] = []

    def define(near: Sequence[Passage]) -> None:
        for q in near:
            if q.index in seen:
                continue
            seen.add(q.index)
            window.append(q)
            subs = _subjects(q.text, slogan)
            for k, subj in enumerate(subs):
                nxt = subs[k + 1].start if k + 1 < len(subs) else None
                end = _definition_end(q.text, subj, nxt)
                items = _items_from_subject(q.text, subj, end, slogan, comp_of, q)
                area_text = q.text[subj.body : end] if len(subs) > 1 else q.text[subj.body :]
                for it in items:
                    if len(items) == 1:
                        it.area_km2 = area_km2(area_text)
                comps = {it.component for it in items}
                if not any(c in found for c in comps):
                    add(items)

    for p, _m in mentions:
        near = _window(ps, p.index, other)
        if p.heading and not is_toc(ps, p):
            near += section(ps, p, deep=True)
        define(near)
    named = {c for c in found if c not in comp_of.values()}
    resolved_units = {c[-1] for c in named}

    def missing() -> list[Part]:
        out = []
        for part in slogan.parts:
            comp = comp_of[part.key]
            if comp in found or (part.unit[-1] in resolved_units and part.count != 1):
                continue
            out.append(part)
        return out

    if missing() and not slogan.da:
        # 第一节 构建“一主一副三带多节点”…; 第二节 建设三条产业带: “三带”即…: the sections after
        # the mention's own, up to the end of its chapter
        for p, _m in mentions:
            define(_window(ps, p.index, other, up=1))

    # 2. a list of exactly N members in front of an N大… name
    if slogan.da and missing():
        part = slogan.parts[0]
        for p, m in mentions:
            head = re.split(r"[。;:!?,“]", p.text[: m.start].rstrip('”"'))[-1]
            members = split_items(re.sub(r"等$", "", head), part.count, "")
            if len(members) == part.count:
                add(
                    [
                        _Item(
                            comp_of[part.key],
                            part.role,
                            clean_name(x),
                            x,
                            p,
                            m.start - len(head),
                            m.end,
                        )
                        for x in members
                    ]
                )
                break
    # 3. headed sections under a heading that carries the slogan
    todo = missing()
    for p, _m in mentions:
        if not p.heading or not todo or is_toc(ps, p):
            continue
        _from_headings(ps, section(ps, p), slogan, comp_of, todo, found, add)
        todo = missing()
    # 4. the sentences right after a mention
    for p, m in mentions:
        if todo:
            _from_following(p, m, comp_of, todo, add)
            todo = missing()

    # 5. tables, 以A和B为两翼, 形成A、B及C三区, clauses led by the members' names
    if not slogan.da:
        wide = {q.index: q for p, _m in mentions for q in _window(ps, p.index, other, up=1)}
        wide.update({q.index: q for q in window})
        _from_forms(list(wide.values()), tables, slogan, comp_of, missing, add)

    # 6. an axis named but routed nowhere in its definition (两轴：指南北发展轴和东西发展轴)
    #    takes the routing clause a later sentence of the section leads with its name
    later = {q.index: q for p, _m in mentions for q in _window(ps, p.index, other)}
    later.update({q.index: q for q in window})  # and the chapter's later sections, if read
    _later_clauses(found, list(later.values()), plan.adcode or None)

    return _assemble(slogan, best_p, comp_of, found, plan)


#: roles drawn as areas, whose extent a following sentence may give (以X为核心,包括A、B)
_AREA_ROLES = frozenset({"core", "zone", "cluster", "wing"})
_COVER_LEAD = re.compile(
    r"(?:以[^,;。]{1,20}?为(?:核心|中心|主体|重点)|(?:主要|范围)?(?:包括|涵盖|覆盖))"
)
#: words by which a sentence routes an axis through places (串联A、B和C; 沿X布局)
_ROUTE_WORDS = re.compile(r"串联|连接|贯穿|途经|经过|沿")
#: a list marker in front of a clause: (1) 1. 一、
_LIST_MARK_RE = re.compile(
    r"^(?:\(?[\d一二三四五六七八九十]{1,2}\)|[\d一二三四五六七八九十]{1,2}[.、])\s*"
)
#: how a sentence about a belt's course opens (沿X…, 依托X和Y，串联…)
_BELT_LEAD = re.compile(r"串联|连接|贯穿|途经|经过|沿|依托")


def _later_clauses(
    found: dict[str, list[_Item]], window: Sequence[Passage], scope: str | None
) -> None:
    """Give an axis whose definition names no place the routing clause that a later sentence
    leads with its name (南北发展轴沿哈大交通走廊布局，串联中固镇、金沟子镇和主城区；…)."""
    for items in found.values():
        for it in items:
            if it.role in _AREA_ROLES or it.role == "belt":
                _area_clause(it, window, scope)
                continue
            if it.role != "axis" or len(it.name) < 3 or find_anchors(it.definition, scope=scope):
                continue
            # the next sentence of its own paragraph (“一轴”：沈丹发展轴。依托…，串联A、B和C)
            _, nxt, _ = _next_clause(it)
            if _ROUTE_WORDS.search(nxt) and find_anchors(nxt, scope):
                it.definition = f"{it.definition};{nxt}"
                continue
            for q in window:
                k = q.text.find(it.name)
                while k >= 0:
                    clause = re.split(r"[；;。]", q.text[k + len(it.name) :], maxsplit=1)[0]
                    if _ROUTE_WORDS.search(clause) and find_anchors(clause, scope):
                        it.definition = f"{it.definition};{it.name}{clause}"
                        break
                    k = q.text.find(it.name, k + 1)
                if k >= 0:
                    break


def _next_clause(it: _Item) -> tuple[int, str, bool]:
    """The next sentence of the element's paragraph, narrowed to the clause it leads when the
    sentence gives each member its own (两轴即A和B。A依托…串联…;B沿…串联…): (where it starts,
    counted from ``it.end``; its text; whether it is such an own clause)."""
    rest = it.passage.text[it.end :]
    lead = len(rest) - len(rest.lstrip("。"))
    nxt = re.split(r"。", rest[lead:], maxsplit=1)[0]
    own = [c.lstrip() for c in re.split(r"[;；]", nxt) if c.strip().startswith(it.name)]
    if own:
        return lead + nxt.index(own[0]), own[0], True
    return lead, nxt, False


def _area_clause(it: _Item, window: Sequence[Passage], scope: str | None) -> None:
    """Give an area element defined by its name alone the places a following sentence gives:
    the next sentence when it goes on about it (“一城”：辽阳中心城区。以白塔区为核心，包括…),
    else a clause of the section that leads with its name (四片是指A、B…。A包括甲镇、乙镇；…)."""
    alone = re.sub(r"[。;,:\s]", "", it.definition) == it.name
    if not alone and find_anchors(it.definition, scope=scope):
        return
    lead, nxt, own = _next_clause(it)
    if own:  # what it says after its name
        lead, nxt = lead + len(it.name), nxt[len(it.name) :]
    goes_on = _COVER_LEAD.match(nxt.strip()) or (
        it.role == "belt" and _BELT_LEAD.match(nxt.strip())  # 太子河发展带。沿太子河串联…
    )
    if alone and goes_on and find_anchors(nxt, scope):
        it.definition = f"{it.definition};{nxt}"
        it.end += lead + len(nxt) + 1  # the quote shows where its places come from
        return
    if len(it.name) < 3:
        return
    for q in window:
        for clause in re.split(r"[。;]", q.text):
            c = _LIST_MARK_RE.sub("", clause.strip())  # (1)沿海产业带:依托…,串联…
            after = c[len(it.name) :][:12]
            led = c.startswith(it.name) and (
                _COVER_LEAD.search(after) or (it.role == "belt" and _BELT_LEAD.search(after))
            )
            if led and find_anchors(c, scope):
                it.definition = f"{it.definition};{c}"
                return


def _from_forms(
    window: list[Passage],
    tables: Sequence,
    slogan: Slogan,
    comp_of: dict[tuple[int, str], str],
    missing: Callable[[], list[Part]],
    add: Callable[[list[_Item]], None],
) -> None:
    """Components still empty after the definitions, from the less explicit forms."""
    window = sorted(window, key=lambda q: q.index)
    steps = (
        lambda keys: forms.from_tables(tables, [x for x in slogan.parts if x.key in keys]),
        lambda keys: forms.from_by_role(window, slogan.parts, keys),
        lambda keys: forms.from_counted(window, slogan.parts, keys),
        lambda keys: forms.from_leads(window, slogan.parts, keys),
        lambda keys: forms.from_headed_lists(window, slogan.parts, keys),
    )
    for step in steps:
        keys = {x.key for x in missing()}
        if not keys:
            return
        for f in step(keys):
            comp = comp_of[f.part.key]
            # a member of a list is defined by itself (and what the window says of it), not
            # by its neighbours: 以张强镇、二牛所口镇、两家子乡等特色镇为多节点
            own = len(f.names) > 1
            items = [
                _Item(
                    comp,
                    f.part.role,
                    name,
                    _enrich(name if own else f.definition, name, window),
                    f.passage,
                    f.start,
                    f.end,
                )
                for name in f.names
            ]
            add(items)


def _enrich(definition: str, name: str, window: Sequence[Passage]) -> str:
    """The definition plus every clause of the window that opens with the member's name, or
    with the named member it starts with (北翼生态农牧区: 北翼包括…): what places it is made of
    (县城以太平街道、高升街道为主体…)."""
    out = [definition]
    heads = [name]
    m = re.match(rf"[{_COMPASS}][翼核心城带轴片环廊]", name)
    if m and len(name) > 2:
        heads.append(m.group(0))  # 北翼生态农牧区 → 北翼包括…
    for q in window:
        for clause in re.split(r"(?<=[。;])", q.text):
            if clause.strip().startswith(tuple(heads)) and clause not in "".join(out):
                out.append(clause)
    return "".join(out)


def _from_headings(
    ps: Sequence[Passage],
    children: list[Passage],
    slogan: Slogan,
    comp_of: dict[tuple[int, str], str],
    todo: list[Part],
    found: dict[str, list[_Item]],
    add: Callable[[list[_Item]], None],
) -> None:
    """Members from the sections under a slogan heading.

    (二)建设“南翼”X → 南翼 = X; (一)打造…核心城区 → 一核; (二)(三)(四)建设…区 → 三区 when
    the number of such headings matches; 实施“X”工程。 → a member X of 三大工程.
    """
    plural: dict[str, list[_Item]] = {}
    for q in children:
        first = q.text[: sentence_end(q.text, 0)] if not q.heading else q.text
        body = _first_body(ps, q) if q.heading else ""
        title = HEAD_NUM_RE.sub("", first).strip()
        for part in todo:
            comp = comp_of[part.key]
            if slogan.da:
                m = re.search(rf"“([^”]{{2,12}})”{part.unit[-2:]}", title)
                if m:
                    add([_Item(comp, part.role, m.group(1), first, q, 0, len(first))])
                break
            m = re.search(rf"“([{_COMPASS}]{part.unit})”", title)
            if m and part.count != 1:
                name = clean_name(HEAD_VERB_RE.sub("", title.replace(m.group(0), "")))
                add([_Item(m.group(1), part.role, _drop_verb_tail(name), first, q, 0, len(first))])
                break
            bare = HEAD_VERB_RE.sub("", title.replace(f"“{comp}”", "")).strip()
            name = _drop_verb_tail(clean_name(bare))
            if not q.heading or not name:
                continue
            item = _Item(comp, part.role, name, first + body, q, 0, len(first), area_km2(body))
            if part.count == 1 and part.unit in title and comp not in found:
                add([item])
                break
            if part.count != 1 and name.endswith(part.unit[-1]):
                plural.setdefault(comp, []).append(item)
                break
    for part in todo:
        items = plural.get(comp_of[part.key], [])
        if items and (part.count == 0 or len(items) == part.count):
            add(items)


def _first_body(ps: Sequence[Passage], head: Passage) -> str:
    """The first sentence of the text right under a heading (for anchors and areas)."""
    nxt = ps[head.index + 1] if head.index + 1 < len(ps) else None
    if nxt is None or nxt.heading:
        return ""
    return nxt.text[: sentence_end(nxt.text, 0)]


def _drop_verb_tail(name: str) -> str:
    return re.sub(r"(?<=.)(?:发展|建设)$", "", name)


@lru_cache(maxsize=32)
def _sentence_bounds(text: str) -> tuple[tuple[int, int], ...]:
    """:func:`sentence_bounds`, once per passage (a slogan may be mentioned thousands of times)."""
    return tuple(sentence_bounds(text))


def _from_following(
    p: Passage,
    m: Slogan,
    comp_of: dict[tuple[int, str], str],
    todo: list[Part],
    add: Callable[[list[_Item]], None],
) -> None:
    """构建A、B、C、D四个…: list members; 构建X中心…: a one-member component."""
    bounds = [b for b in _sentence_bounds(p.text) if b[0] >= m.end][:3]
    used: set[int] = set()
    for part in todo:
        comp = comp_of[part.key]
        for s, e in bounds:
            if s in used:
                continue
            sent = p.text[s:e]
            if part.count >= 2:
                mm = re.search(rf"([^,;:。]*?)(?:{part.numeral}|{part.count})个", sent)
                if not mm:
                    continue
                members = split_items(
                    re.sub(r"^(?:构建|建设|打造|形成)", "", mm.group(1)), part.count, ""
                )
                if len(members) == part.count:
                    add([_Item(comp, part.role, clean_name(x), x, p, s, e) for x in members])
                    used.add(s)
                    break
            elif part.count == 1:
                mm = re.match(
                    rf"(?:构建|建设|打造|形成)([^,;。]{{2,20}}?{part.unit}[心区城]?)", sent
                )
                if mm:
                    name = clean_name(mm.group(1))
                    add([_Item(comp, part.role, name, mm.group(0), p, s, e)])
                    used.add(s)
                    break


def _merge_same_name(items: list[_Item]) -> list[_Item]:
    """两翼：北翼和南翼。北翼以灯塔市为主体…: one element per name, its definitions joined."""
    out: dict[str, _Item] = {}
    for it in items:
        first = out.get(it.name)
        if first is None:
            out[it.name] = it
        elif it.definition not in first.definition:
            first.definition = first.definition + ";" + it.definition
            first.area_km2 = first.area_km2 if first.area_km2 is not None else it.area_km2
    return list(out.values())


#: words for the county seat / the city's core: placement resolves them to the seat township
#: (the gazetteer's county place names it) or to the 街道 the definition lists
_SEAT_RE = re.compile(r"(?<!新)县城|主城区|中心城区")


def _seat_words(name: str) -> tuple[str, ...]:
    m = _SEAT_RE.search(name)
    return (m.group(0),) if m else ()


def _assemble(
    slogan: Slogan,
    p: Passage,
    comp_of: dict[tuple[int, str], str],
    found: dict[str, list[_Item]],
    plan: PlanInfo,
) -> tuple[Layout, list[Unresolved]]:
    """Elements in slogan order (unresolved ones kept), count checks and the Layout."""
    scope = plan.adcode or None
    src = p.span(slogan.start, slogan.end)
    ctx = re.match(
        r"[”\"]?的?([\u4e00-\u9fff]{0,10}?(?:格局|布局|体系|网络|战略|工程))", p.text[slogan.end :]
    ) or re.match(r"^—*([\u4e00-\u9fff]{2,10}(?:格局|布局))[。:]", p.text)  # ——生态保护格局。…
    elements: list[LayoutElement] = []
    unresolved: list[Unresolved] = []
    named_units = {c[-1] for c in found if c not in comp_of.values()}
    for part in slogan.parts:
        comp = comp_of[part.key]
        comps = [comp] if comp in found else []
        if part.count != 1:
            comps += [c for c in found if c not in comp_of.values() and c[-1] == part.unit[-1]]
        items = _merge_same_name([it for c in comps for it in found[c]])
        if not items:
            elements.append(
                LayoutElement(comp, part.role, comp, src, resolved=False, definition="")
            )
            if part.unit[-1] not in named_units:
                unresolved.append(
                    Unresolved(
                        plan.plan_id,
                        "element",
                        comp,
                        f"{slogan.name}: component {comp} is named but never defined",
                        src,
                        slogan.name,
                        comp,
                    )
                )
            continue
        for it in items:
            span: SourceSpan = it.passage.span(it.start, it.end)
            # 东翼为彰武县城: the element fills the slogan's part (两翼); the member's own
            # label stays at the head of its definition (compass placement reads it there)
            label = (
                ""
                if it.component == comp or it.definition.startswith(it.component)
                else (f"{it.component}:")
            )
            elements.append(
                LayoutElement(
                    # a named member keeps its own label (北翼 of 两翼, DESIGN §4), so curated
                    # specs and readers can address it; unnamed members fill the part (两翼)
                    component=it.component or comp,
                    role=UNIT_ROLES.get(part.unit, part.role) if not slogan.da else part.role,
                    name=it.name,
                    source=span,
                    anchors=tuple(
                        dict.fromkeys(find_anchors(it.definition, scope) + _seat_words(it.name))
                    ),
                    definition=label + it.definition,
                    resolved=True,
                    area_km2=it.area_km2,
                )
            )
        if part.count and len(items) != part.count:
            unresolved.append(
                Unresolved(
                    plan.plan_id,
                    "element",
                    comp,
                    f"count mismatch: {comp} implies {part.count}, the plan gives {len(items)}",
                    items[0].passage.span(items[0].start, items[0].end),
                    slogan.name,
                    comp,
                )
            )
    if not any(e.resolved for e in elements):
        unresolved = [
            Unresolved(
                plan.plan_id,
                "layout",
                slogan.name,
                "the plan names this structure but never defines its components",
                src,
                slogan.name,
            ),
            *unresolved,
        ]
    layout = Layout(
        plan_id=plan.plan_id,
        name=slogan.name,
        source=src,
        elements=tuple(elements),
        expected=slogan.expected,
        context=ctx.group(1) if ctx else "",
    )
    return layout, unresolved


# --------------------------------------------------------------------------- public API


def extract_layouts(doc, plan: PlanInfo) -> tuple[tuple[Layout, ...], tuple[Unresolved, ...]]:
    """Find a plan's structure slogans and resolve their components.

    Parameters
    ----------
    doc : Document or PlanText
        The structured plan (see :func:`atlas.extract.passages.passages`).
    plan : PlanInfo
        The plan's identity; ``plan_id`` and ``adcode`` (anchor scope) are used.

    Returns
    -------
    layouts : tuple of Layout
        In order of first mention; components the plan never defines are elements with
        ``resolved=False``.
    unresolved : tuple of Unresolved
        Undefined structures (kind ``layout``), undefined components and count mismatches
        (kind ``element``), each with its reason and source.
    """
    ps = passages(doc)
    groups: dict[tuple, list[tuple[Passage, Slogan]]] = {}
    for p in ps:
        found = find_slogans(p.text)
        key_sets = {s.key: set(s.key) for s in found}  # distinct keys: linear in mentions
        for s in found:
            # a component pair inside its own glossary entry (两环一带 of 三山三河两环一带)
            mine = key_sets[s.key]
            if any(mine < other for k, other in key_sets.items() if k != s.key):
                continue
            groups.setdefault(s.key, []).append((p, s))
    layouts: list[Layout] = []
    unresolved: list[Unresolved] = []
    all_keys = set(groups)
    tables = tuple(getattr(doc, "tables", ()) or ())
    for _key, mentions in groups.items():
        layout, unres = _resolve(ps, mentions, all_keys, plan, tables)
        layouts.append(layout)
        unresolved.extend(unres)
    layouts.extend(label_layouts(ps, plan, {lay.name for lay in layouts}))
    log.info(
        "%s: %d layouts, %d elements, %d unresolved",
        plan.plan_id,
        len(layouts),
        sum(len(lay.elements) for lay in layouts),
        len(unresolved),
    )
    return tuple(layouts), tuple(unresolved)
