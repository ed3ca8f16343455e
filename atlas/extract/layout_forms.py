"""The less explicit ways a plan fills a slogan's components (after the ``X即…`` definitions).

Each function looks at the paragraphs near a slogan's mention (or at the plan's tables) and
returns :class:`Found` members for components still empty:

- :func:`from_tables` — a layout table (组成 | 名称 | 范围 …) with one component label per row,
  continuation rows leaving the label cell blank;
- :func:`from_by_role` — ``以A和B为两翼``, ``以县城为核心`` (the core part), ``以A、B等为多节点``;
- :func:`from_counted` — ``形成A、B及C三区`` / ``A、B及C三个片区`` (a list of exactly N before the
  component's numeral and unit);
- :func:`from_leads` — clauses that open with a name ending in the unit
  (``绕阳河生态带串联…；东沙河生态带串联…``) and names right after a layout verb
  (``沿辽河布局西部生态农业带``, ``打造南北向城镇发展轴``); a plural component takes them
  only when their number matches its numeral;
- :func:`from_headed_lists` — ``第四节 建设“多点”`` followed by a list of townships.

Everything here is text-only; the caller turns members into layout elements and anchors.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from atlas.extract.members import clean_name, split_items
from atlas.extract.passages import Passage
from atlas.extract.slogans import Part, parse_parts
from atlas.model import SourceSpan
from atlas.read.text import sentence_bounds


@dataclass(frozen=True)
class Found:
    """Members found for one component, with the text that defines them."""

    part: Part
    names: tuple[str, ...]
    passage: Passage
    start: int
    end: int
    definition: str


def _is_name(name: str) -> bool:
    """A member name: two characters or more, not itself a slogan part (两中心)."""
    return len(name) >= 2 and not parse_parts(name) and not re.search(r"[“”\"]", name)


# --------------------------------------------------------------------------- tables


@dataclass(frozen=True)
class _RowSource:
    """A table row as a passage source (``span`` quotes the row)."""

    source: SourceSpan

    def span(self, start: int = 0, end: int | None = None) -> SourceSpan:
        return self.source


def _row_part(cell: str, by_key: dict[tuple[int, str], Part]) -> Part | None:
    parts = parse_parts(re.sub(r"[“”\"]", "", cell.split(":", 1)[0]))
    if len(parts) == 1 and parts[0].key in by_key:
        return by_key[parts[0].key]
    return None


def from_tables(tables: Iterable[Any], parts: Sequence[Part]) -> list[Found]:
    """Members from a table whose rows carry the slogan's component labels.

    The label cell is the first cell that is a component of the slogan; the element's name is
    the next non-empty cell, or follows the label in its own cell (三带:北部柞蚕产业带); a row
    whose label cell is blank continues the row above, and so does, in a table of such
    label:name cells, a row whose first cell is a name alone (西部中药材产业带).
    """
    by_key = {p.key: p for p in parts}
    for table in tables:
        out: list[Found] = []
        col = -1
        current: Part | None = None
        inline = False
        for row in table.rows:
            cells = list(row.cells)
            if col < 0:
                col = next((i for i, c in enumerate(cells) if _row_part(c, by_key)), -1)
                if col < 0:
                    continue
                inline = ":" in cells[col]
            label = cells[col] if col < len(cells) else ""
            part = _row_part(label, by_key) if label else current
            if part is None and inline and current is not None and _is_name(label):
                part, cells = current, [*cells[:col], f":{label}", *cells[col + 1 :]]
            if part is None:
                current = None
                continue
            current = part
            own = cells[col].split(":", 1)[1].strip() if ":" in cells[col] else ""
            name = own or next((c for c in cells[col + 1 :] if c and c not in "—-"), "")
            if not name:
                continue
            text = "，".join(c for c in cells if c)
            psg = Passage(-1, text, False, -1, tuple(table.heading_path), _RowSource(row.source))
            out.append(Found(part, (clean_name(name),), psg, 0, len(text), text))
        if len({f.part.key for f in out}) >= 2:
            return out
    return []


# --------------------------------------------------------------------------- 以…为两翼


#: a clause about another component: where a 以X为… definition stops
_NEXT_CLAUSE_RE = re.compile(r"[,;](?:以|沿|依托|形成|构建|打造|布局)")
#: 以A和B为两翼, and the same at a clause start without 以 (乙镇和丙镇为两翼)
_BY_ROLE_RE = re.compile(r"(?:以|(?<=[,;:。])|^)([^,;。:为以]{2,80}?)为([\u4e00-\u9fff]{2,4})")
#: what 以X为… says of a core part when the slogan's label is not repeated
_CORE_WORDS = ("核心", "中心")


def _label_part(word: str, parts: Sequence[Part], missing: set) -> Part | None:
    for part in parts:
        label = part.text.replace(part.suffix, "") if part.suffix else part.text
        if word.startswith(label) and part.key in missing:
            return part
    if word.startswith(_CORE_WORDS):
        cores = [p for p in parts if p.role == "core" and p.count == 1 and p.key in missing]
        if len(cores) == 1:
            return cores[0]
    return None


def from_by_role(ps: Sequence[Passage], parts: Sequence[Part], missing: set) -> list[Found]:
    """``以A和B为两翼``, ``以县城为核心``, ``以A、B、C等特色镇为多节点``."""
    out: list[Found] = []
    taken: set = set()
    for p in ps:
        for m in _BY_ROLE_RE.finditer(p.text):
            part = _label_part(m.group(2), parts, missing - taken)
            if part is None:
                continue
            members = split_items(m.group(1), part.count, part.unit)
            names = tuple(n for n in (clean_name(x) for x in members) if _is_name(n))
            if not names or (part.count and len(names) != part.count):
                continue
            taken.add(part.key)
            # 以海城主城区为核心,包括海州街道…: the rest of the sentence says what it holds
            stop = next((e for s, e in sentence_bounds(p.text) if s <= m.start() < e), m.end())
            nxt = _NEXT_CLAUSE_RE.search(p.text, m.end(), stop)
            stop = nxt.start() if nxt else stop  # ,以A和B为两翼: the next member's clause
            out.append(Found(part, names, p, m.start(), m.end(), p.text[m.start() : stop]))
    return out


# --------------------------------------------------------------------------- 形成A、B及C三区


def from_counted(ps: Sequence[Passage], parts: Sequence[Part], missing: set) -> list[Found]:
    """``形成A、B及C三区`` / ``A、B和C三个片区``: a list of exactly N before the numeral."""
    out: list[Found] = []
    for part in parts:
        if part.key not in missing or part.count < 2:
            continue
        pat = re.compile(
            rf"([^,;:。]{{4,120}}?)(?:{part.numeral}|{part.count})(?:个|条|大)?"
            rf"[\u4e00-\u9fff]{{0,4}}?{part.unit}"
        )
        hit = None
        for p in ps:
            for m in pat.finditer(p.text):
                head = re.sub(r"^.*?(?:形成|构建|打造|建设|布局|划分为|分为|包括)", "", m.group(1))
                if head.endswith(("、", "“", '"')):
                    continue  # 一枢纽、两中心、两高地: the slogan's own parts
                members = split_items(re.sub(r"等$", "", head), part.count, part.unit)
                names = tuple(clean_name(x) for x in members)
                if len(names) == part.count and all(_is_name(n) for n in names):
                    hit = Found(part, names, p, m.start(), m.end(), m.group(0))
                    break
            if hit:
                out.append(hit)
                break
    return out


# --------------------------------------------------------------------------- leading names

_FOLLOW = (
    r"(?=以|包括|串联|沿|位于|依托|重点|涵盖|覆盖|范围|为|是|由|地处|主要|北起|南起|西起|东起|,|:"
    r"|。$)"  # 太子河绿色发展带。沿太子河…: a paragraph led by the name as its own sentence
)
_VERB_NAME = r"(?:布局|打造|建设|形成|构建|培育)"
_NOT_NAME = re.compile(
    r"^(?:[一二两三四五六七八九十多]|其中|重点|全[市县区]|我[市县区]|推动|推进|以|依托|沿|在|对|"
    r"建设|打造|构建|形成|布局|加快|着力|坚持)"
)


def _unit_alt(part: Part) -> str:
    return re.escape(part.unit)


def _clauses(text: str) -> list[tuple[int, int]]:
    out = []
    for s, e in sentence_bounds(text) or [(0, len(text))]:
        start = s
        for m in re.finditer(r";", text[s:e]):
            out.append((start, s + m.end()))
            start = s + m.end()
        out.append((start, e))
    return out


def _lead_names(p: Passage, part: Part) -> list[tuple[str, int, int, int]]:
    """(name, name start, clause start, clause end) for the part's unit in ``p``."""
    unit = _unit_alt(part)
    lead = re.compile(rf"\s*([\u4e00-\u9fff]{{1,14}}?{unit}){_FOLLOW}")
    verb = re.compile(rf"{_VERB_NAME}([\u4e00-\u9fff]{{2,14}}?{unit})(?=[,;。]|$)")
    named = re.compile(rf"[^,;。为]{{1,8}}为([\u4e00-\u9fff]{{2,14}}?{unit})(?=[,;。]|$)")
    out: list[tuple[str, int, int, int]] = []
    for s, e in _clauses(p.text):
        clause = p.text[s:e]
        # 东部山区为生态涵养区,中部平原为现代农业区: names after 为, one per comma clause
        subs = [(s + a.start(), s + a.end()) for a in re.finditer(r"[^,]+", clause)]
        hits = [(named.match(p.text, a, b), a, b) for a, b in subs]
        hits = [(m, a, b) for m, a, b in hits if m and not _NOT_NAME.match(m.group(1))]
        if hits:
            out.extend((m.group(1), m.start(1), a, b) for m, a, b in hits)
            continue
        m = lead.match(clause)
        if (
            m
            and (len(m.group(1)) >= 3 or re.fullmatch(rf"[东南西北中]{unit}", m.group(1)))
            and not _NOT_NAME.match(m.group(1))
            and "为" not in m.group(1)
        ):
            out.append((m.group(1), s + m.start(1), s, e))
            continue
        for vm in verb.finditer(clause):
            name = vm.group(1)
            if len(name) >= 4 and not _NOT_NAME.match(name) and not re.search("[的和与及、]", name):
                out.append((name, s + vm.start(1), s, e))
    return out


def from_leads(ps: Sequence[Passage], parts: Sequence[Part], missing: set) -> list[Found]:
    """Names opening a clause, or right after a layout verb, that end in the part's unit."""
    out: list[Found] = []
    for part in parts:
        if part.key not in missing:
            continue
        seen: dict[str, Found] = {}
        for p in ps:
            for name, start, s, e in _lead_names(p, part):
                if name not in seen and not any(name in n or n in name for n in seen):
                    seen[name] = Found(part, (name,), p, start, e, p.text[s:e])
        items = list(seen.values())
        if items and (len(items) == part.count or (part.count == 0 and len(items) >= 2)):
            out.extend(items)
    return out


# --------------------------------------------------------------------------- 建设“多点”

_TOWN_RE = re.compile(r"[\u4e00-\u9fff]{1,8}?(?:镇|乡|街道)")


def from_headed_lists(ps: Sequence[Passage], parts: Sequence[Part], missing: set) -> list[Found]:
    """A heading that names an open-ended node component, then a list of townships."""
    out: list[Found] = []
    for part in parts:
        if part.key not in missing or part.count != 0:
            continue
        label = part.text.replace(part.suffix, "") if part.suffix else part.text
        for k, p in enumerate(ps):
            if not p.heading or label not in p.text or k + 1 >= len(ps):
                continue
            body = ps[k + 1]
            first = body.text[: (sentence_bounds(body.text) or [(0, len(body.text))])[0][1]]
            m = re.search(r"((?:[\u4e00-\u9fff]{2,10}、)+[\u4e00-\u9fff]{2,10})", first)
            if not m:
                continue
            items = [re.sub(r"^(?:以|依托|推动|建设)", "", x) for x in m.group(1).split("、")]
            items = [re.sub(r"等.*$", "", clean_name(x)) for x in items]
            if len(items) >= 2 and all(_TOWN_RE.fullmatch(x) for x in items):
                out.append(Found(part, tuple(items), body, m.start(), m.end(), first))
                break
    return out
