"""Key projects: 专栏 project lists split into items.

A 专栏 (:attr:`atlas.read.structure.Document.boxes`) lists projects as long runs such as
``精细化工:投资15亿元三溢科技公司精细化工产业园,投资12亿元龙宇新材料公司…等17个项目。``
Each paragraph is split at top-level ``, ; 。`` (not inside brackets) into items; an item's
leading ``投资 X 亿元/万元(的)`` gives its investment (normalised to 亿元), the rest its name
(trailing ``等N个项目`` tails and ``(含…)`` member lists are kept out of the name). Items in
``(其中:…)`` brackets become projects of their own. The category is the item's label
(``精细化工:``), else the box's numbered sub-heading (``1.航道项目``), else the box title
without ``“十四五”时期…重点项目``.

Place words are the admin-unit names in the item (``义县``, ``凌海市温滴楼镇``), found with the
gazetteer when it is available, else by admin suffixes. An item repeating an earlier one of
another 专栏 (same investment and near-identical name, e.g. ``国电投40万千瓦风力发电`` and
``黑山国电投40万千瓦风电``) gets ``duplicate_of`` = ``<box>: <name>``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace

from atlas.extract.anchors import current_places
from atlas.model import Project
from atlas.read.structure import DocParagraph, Document
from atlas.read.tables import Table

log = logging.getLogger(__name__)

_INVEST_RE = re.compile(
    r"^(?:计划|总)?投资\s*(?P<about>约|近|超过)?\s*(?P<num>\d+(?:\.\d+)?)\s*"
    r"(?P<unit>亿元|万元|亿|万)(?:人民币)?(?:的)?"
)
#: the amount stated after the name: …工程,总投资12亿元 / …工程(投资3.5亿元)
_INVEST_TAIL_RE = re.compile(
    r"[,:(]?\s*(?:计划|项目)?(?:总)?投资(?:额|规模)?\s*(?:为|约|近|达)?\s*"
    r"(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>亿元|万元|亿|万)\)?$"
)
_TAIL_RE = re.compile(
    r"(?:等\s*\d*\s*个?(?:建设)?项目|等?\s*\d+\s*个(?:建设)?项目|等\s*\d+\s*个(?:建设)?|等)$"
)
_COUNT_RE = re.compile(r"等\s*(\d+)\s*个")
_LABEL_RE = re.compile(r"^(?P<label>[^,;。:()]{2,16}):")
_MEMBERS_RE = re.compile(r"\((?:含|包括)[^()]*\)")
_SUB_RE = re.compile(r"\(其中:(?P<inner>.*)\)")
_PLACE_RE = re.compile(
    r"[\u4e00-\u9fff]{2,5}?(?:自治县|市|县|区|镇|乡|街道|村)(?![\u4e00-\u9fff]{0,1}(?:场|级|民|长|政|委))"
)


_AMOUNT_ONLY_RE = re.compile(
    r"^(?:计划|项目)?(?:总)?投资(?:额|规模)?\s*(?:为|约|近|达)?\s*\d+(?:\.\d+)?\s*(?:亿元|万元|亿|万)\)?$"
)


def _split_top(text: str, seps: str = ",;。") -> list[tuple[int, int]]:
    """Offsets of the parts of ``text`` split at separators outside brackets/quotes."""
    parts: list[tuple[int, int]] = []
    depth = 0
    start = 0
    for i, ch in enumerate(text):
        if ch in "(（[【“《":
            depth += 1
        elif ch in ")）]】”》":
            depth = max(0, depth - 1)
        elif ch in seps and depth == 0:
            parts.append((start, i))
            start = i + 1
    parts.append((start, len(text)))
    return [(s, e) for s, e in parts if text[s:e].strip()]


def _to_yi(num: float, unit: str) -> float:
    return round(num / 10000.0, 6) if unit.startswith("万") else num


def _short_title(title: str) -> str:
    t = re.sub(r"^“?[十][一二三四五]五”?(?:时期|期间)?", "", title)
    t = re.sub(r"(?:重点|重大)?(?:建设)?项目(?:表|清单)?$", "", t)
    return t.strip("“”") or title


def place_words(text: str, scope: str = "") -> tuple[str, ...]:
    """Admin-unit names (县/市/区/镇/乡/街道/村) written in ``text``, in order, unique."""
    gaz = current_places()
    out: list[str] = []
    if gaz is not None and hasattr(gaz, "find_in_text"):
        prev_end = -1
        for s, e, place in gaz.find_in_text(text, scope=scope or None):
            word = text[s:e]
            if place.level in ("province", "city", "county"):
                out.append(word)
                prev_end = e
            elif place.level == "township" and (
                re.search(r"(?:镇|乡|街道)$", word) or s == prev_end
            ):
                # a bare township name counts only right after its county (义县刘龙台)
                out.append(word)
    else:
        out = [m.group(0) for m in _PLACE_RE.finditer(text)]
    return tuple(dict.fromkeys(out))


def _item(
    doc: Document,
    dp: DocParagraph,
    s: int,
    e: int,
    category: str,
    box: str,
) -> list[Project]:
    """Projects from ``dp.text[s:e]`` (one item, plus any (其中:…) sub-items)."""
    text = dp.text
    raw = text[s:e]
    lead = len(raw) - len(raw.lstrip(" ,、"))
    s += lead
    item = text[s:e].strip()
    if not item:
        return []
    inv = None
    inv_text = ""
    m = _INVEST_RE.match(item)
    name = item
    t = _INVEST_TAIL_RE.search(item) if m is None else None
    if m:
        inv = _to_yi(float(m.group("num")), m.group("unit"))
        inv_text = item[: m.end()].rstrip("的")
        name = item[m.end() :]
    elif t:
        inv = _to_yi(float(t.group("num")), t.group("unit"))
        inv_text = item[t.start() :].strip(",:() ")
        name = item[: t.start()]
    subs: list[Project] = []
    sm = _SUB_RE.search(name)
    if sm:
        inner_start = s + (len(item) - len(name)) + sm.start("inner")
        for a, b in _split_top(sm.group("inner"), "、,;"):
            subs.extend(_item(doc, dp, inner_start + a, inner_start + b, category, box))
        name = name[: sm.start()] + name[sm.end() :]
    name = _MEMBERS_RE.sub("", name)
    name = _TAIL_RE.sub("", name.strip()).strip(" ,、。")
    if not name:
        return subs
    span = dp.span(s, e)
    main = Project(
        plan_id=doc.plan.plan_id,
        name=name,
        source=span,
        category=category,
        places=place_words(item, doc.plan.adcode),
        investment=inv,
        box=box,
        investment_text=inv_text,
    )
    return [main, *subs]


_NUMBERED_RE = re.compile(r"^(?:\d{1,2}[.、](?!\d)|\(\d{1,2}\)|[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳])\s*")
_ANY_INVEST_RE = re.compile(
    r"(?:计划|项目)?(?:总)?投资(?:额|规模)?\s*(?:为|约|近|达)?\s*"
    r"(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>亿元|万元|亿|万)"
)


def _numbered_item(
    doc: Document, dp: DocParagraph, start: int, category: str, box: str
) -> list[Project]:
    text = dp.text
    end = len(text)
    for stop in "。:;,(":
        k = text.find(stop, start)
        if 0 <= k < end:
            end = k
    name = _TAIL_RE.sub("", text[start:end].strip()).strip()
    if not name:
        return []
    m = _ANY_INVEST_RE.search(text, start)
    inv = _to_yi(float(m.group("num")), m.group("unit")) if m else None
    return [
        Project(
            plan_id=doc.plan.plan_id,
            name=name,
            source=dp.span(start, len(text)),
            category=category,
            places=place_words(text[start:], doc.plan.adcode),
            investment=inv,
            box=box,
            investment_text=m.group(0) if m else "",
        )
    ]


def box_projects(doc: Document, box_index: int) -> list[Project]:
    """Projects listed in one 专栏 ([] for a box holding only a table)."""
    box = doc.boxes[box_index]
    members = [doc.paragraphs[i] for i in box.paragraphs]
    if not members or all(dp.kind in ("table", "caption", "note") for dp in members):
        return []
    out: list[Project] = []
    sub_heading = ""
    for dp in members:
        if dp.kind == "heading":
            sub_heading = re.sub(r"^\d{1,2}[.、]\s*", "", dp.text)
            continue
        if dp.kind != "text":
            continue
        text = dp.text
        offset = 0
        category = sub_heading or _short_title(box.title)
        num = _NUMBERED_RE.match(text)
        if num:
            # a numbered entry (1.XX工程。建设…,总投资12亿元。) is one project
            out.extend(_numbered_item(doc, dp, num.end(), category, box.title))
            continue
        lm = _LABEL_RE.match(text)
        if lm:
            category = lm.group("label")
            offset = lm.end()
        parts = _split_top(text[offset:])
        merged: list[tuple[int, int]] = []
        for a, b in parts:
            if merged and _AMOUNT_ONLY_RE.match(text[offset + a : offset + b].strip()):
                merged[-1] = (merged[-1][0], b)  # …工程,总投资12亿元 → one item
            else:
                merged.append((a, b))
        for a, b in merged:
            out.extend(_item(doc, dp, offset + a, offset + b, category, box.title))
    return out


def _bigrams(s: str) -> frozenset[str]:
    s = re.sub(r"[^\u4e00-\u9fffA-Za-z0-9]", "", s)
    return frozenset(s[i : i + 2] for i in range(len(s) - 1))


def _similar(a: str, b: str, ba: frozenset[str], bb: frozenset[str]) -> bool:
    if a == b or (len(a) >= 4 and a in b) or (len(b) >= 4 and b in a):
        return True
    return bool(ba and bb) and len(ba & bb) / min(len(ba), len(bb)) >= 0.6


def flag_duplicates(projects: list[Project]) -> list[Project]:
    """Mark items that repeat an earlier item of *another* 专栏 (``duplicate_of``).

    Same investment (or none stated) and near-identical names: one contains the other, or
    they share at least 60 % of the shorter name's character bigrams.
    """
    grams = [_bigrams(p.name) for p in projects]
    out: list[Project] = []
    for k, p in enumerate(projects):
        dup = ""
        for j, q in enumerate(out):
            if q.box == p.box or q.duplicate_of:
                continue
            if p.investment is not None and p.investment != q.investment:
                continue
            if _similar(p.name, q.name, grams[k], grams[j]):
                dup = f"{q.box}: {q.name}"
                break
        out.append(replace(p, duplicate_of=dup) if dup else p)
    return out


def _column(columns: tuple[str, ...], pattern: str) -> int:
    return next((j for j, c in enumerate(columns) if re.search(pattern, c)), -1)


def table_projects(doc: Document, tbl: Table) -> list[Project]:
    """Projects from a project table (a 项目名称 column plus 投资/建设内容/地点 columns).

    The investment column's unit comes from its header (``总投资(万元)``; 亿元 by default);
    the 建设地点 column, when present, gives the places (else the name's place words).
    """
    cols = tbl.columns
    name_col = _column(cols, r"项目(?:名称)?$|项目名称|工程名称")
    inv_col = _column(cols, r"投资")
    where_col = _column(cols, r"地点|位置|所在地|选址")
    if name_col < 0 or (inv_col < 0 and where_col < 0 and _column(cols, r"建设内容|规模") < 0):
        return []
    unit = "万元" if inv_col >= 0 and "万元" in cols[inv_col] else "亿元"
    box = doc.boxes[tbl.box].title if tbl.box >= 0 else tbl.caption
    out: list[Project] = []
    for row in tbl.rows:
        name = _TAIL_RE.sub("", row.cells[name_col]).strip()
        if not name:
            continue
        inv = None
        inv_text = ""
        if inv_col >= 0 and (m := re.search(r"\d+(?:\.\d+)?", row.cells[inv_col])):
            inv = _to_yi(float(m.group(0)), unit)
            inv_text = f"{row.cells[inv_col]}{unit}"
        where = row.cells[where_col] if where_col >= 0 else ""
        places = place_words(where, doc.plan.adcode) or place_words(name, doc.plan.adcode)
        if where and not places:
            places = (where,)  # the table says where, even if no admin unit is named
        out.append(
            Project(
                plan_id=doc.plan.plan_id,
                name=name,
                source=row.source,
                category=_clean_group(row.group) or _short_title(box),
                places=places,
                investment=inv,
                box=box,
                investment_text=inv_text,
            )
        )
    return out


def _clean_group(group: str) -> str:
    return re.sub(r"^[一二三四五六七八九十]+、\s*", "", group).strip()


def extract_projects(doc: Document) -> tuple[Project, ...]:
    """All 专栏 project items and project-table rows of a plan, duplicates flagged.

    Items come in document order: each box's text items, then project tables in order of
    their first line.
    """
    items: list[Project] = []
    for b in doc.boxes:
        items.extend(box_projects(doc, b.index))
    for tbl in doc.tables:
        items.extend(table_projects(doc, tbl))
    items.sort(key=lambda p: p.source.line)
    return tuple(flag_duplicates(items))
