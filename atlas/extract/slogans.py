"""The grammar of structure slogans: 一核两翼, 一湾、两港、三廊、四区, 三大经济板块 ...

A slogan is a run of *parts*, each a numeral, an optional modifier, a unit word and an
optional action suffix (五区协同, 两带联动). Two or more parts make a slogan wherever they
stand; a single part counts only in the ``N大…`` form (三大经济板块, 五大工程) and only when
the plan marks it as a name (quotes, a definition, a list in front of it) — bare 一带, 两区 or
三个 are too common in running text to be structures.

Everything here works on strings; :mod:`atlas.extract.layouts` applies it to a plan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: numeral → count (0 = open-ended, 多)
NUMERALS: dict[str, int] = {
    "一": 1,
    "二": 2,
    "两": 2,
    "双": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
    "多": 0,
}

#: unit word → element role; longer words first so 片区 wins over 区, 廊道 over 廊
UNIT_ROLES: dict[str, str] = {
    "廊道": "corridor",
    "片区": "zone",
    "片": "zone",  # 一心两轴四片
    "板块": "zone",
    "组团": "cluster",
    "基地": "base",
    "中心": "node",
    "枢纽": "hub",
    "高地": "zone",
    "核": "core",
    "心": "core",
    "主": "core",  # 一主两副多节点: the main centre
    "副": "core",  # ... and its sub-centres (副中心), drawn like cores at their towns
    "城": "core",
    "极": "core",
    "翼": "wing",
    "带": "belt",
    "轴": "axis",
    "廊": "corridor",
    "脉": "corridor",
    "屏": "barrier",
    "区": "zone",
    "湾": "bay",
    "港": "port",
    "点": "node",
    "环": "ring",
    "圈": "ring",
    "山": "mountain",
    "河": "river",
    "水": "river",
    "园": "park",
    "横": "road",
    "纵": "road",
}
#: unit spellings that name the same component (三廊 = 三廊道)
UNIT_CANON: dict[str, str] = {"廊道": "廊"}

#: heads accepted in the single-part ``N大…`` form, with their role
DA_HEADS: dict[str, str] = {
    "板块": "zone",
    "工程": "project",
    "功能区": "zone",
    "片区": "zone",
    "集聚区": "zone",
    "组团": "cluster",
    "基地": "base",
    "园区": "park",
    "经济区": "zone",
    "产业带": "belt",
    "带": "belt",
    "廊道": "corridor",
    "区": "zone",
}

_NUM = "一二三四五六七八九十两双多"
_UNITS = "|".join(sorted(UNIT_ROLES, key=len, reverse=True))
_SUFFIX = "协同|联动|支撑|共建|共治|引领|带动|辐射|驱动|互动|并进|集聚|崛起|振兴|发展|协调"
#: one part: numeral, optional modifier (一古城, 一主城), unit, optional action suffix
PART_RE = re.compile(
    rf"(?P<num>[{_NUM}])(?P<mod>[古主副新老节])?(?P<unit>{_UNITS})(?P<suf>{_SUFFIX})?"
)
#: the same without named groups, for composing longer patterns
PART_PLAIN = re.sub(r"\(\?P<\w+>", "(?:", PART_RE.pattern)
_SEP = r"[、,\s]?"
SLOGAN_RE = re.compile(
    rf"(?<![{_NUM}第统唯])(?:{PART_RE.pattern}){_SEP}(?:(?:[{_NUM}])(?:[古主副新老节])?"
    rf"(?:{_UNITS})(?:{_SUFFIX})?{_SEP})*(?:[{_NUM}])(?:[古主副新老节])?(?:{_UNITS})(?:{_SUFFIX})?"
)
_DA_HEADS = "|".join(sorted(DA_HEADS, key=len, reverse=True))
DA_RE = re.compile(
    rf"(?<![{_NUM}第])(?P<num>[一二三四五六七八九十两])[大条](?P<mod>[\u4e00-\u9fff]{{0,6}}?)"
    rf"(?P<head>{_DA_HEADS})(?=[^\u4e00-\u9fff]|$|的|格局|布局|空间|总体|协调|建设|即|指|是|为)"
)
#: text right after a slogan that marks it as being defined (glossary entry, 即/指 ...)
DEF_AFTER_RE = re.compile(r"^[”\"]?\s*(?:[:：]\s*)?(?:是指|即|指|是|为)")
_QUOTES_OPEN = '“"‘「『'
_QUOTES_CLOSE = '”"’」』'


@dataclass(frozen=True)
class Part:
    """One slogan part, e.g. 五区协同 → numeral 五, count 5, unit 区, suffix 协同."""

    text: str
    numeral: str
    count: int  # 0 = open-ended (多)
    unit: str
    modifier: str = ""
    suffix: str = ""

    @property
    def key(self) -> tuple[int, str]:
        """Identity of the component across spellings (三廊 = 三廊道, 三河共治 = 三河)."""
        return (self.count, UNIT_CANON.get(self.unit, self.unit))

    @property
    def role(self) -> str:
        return UNIT_ROLES.get(self.unit) or DA_HEADS.get(self.unit, "zone")

    @property
    def bare(self) -> str:
        """The part without its action suffix (五区协同 → 五区)."""
        return (
            self.numeral
            + ("大" if self.unit in DA_HEADS and self.modifier else "")
            + (self.modifier + self.unit)
        )


@dataclass(frozen=True)
class Slogan:
    """A slogan occurrence in a string."""

    text: str  # as written, e.g. 一湾、两港、三廊、四区
    start: int
    end: int
    parts: tuple[Part, ...]
    quoted: bool  # the quotes around it hold exactly the slogan
    da: bool = False  # the single-part N大… form

    @property
    def name(self) -> str:
        """Slogan without punctuation (DESIGN §4 ``layout``)."""
        return re.sub(r"[、,\s“”\"]", "", self.text)

    @property
    def key(self) -> tuple[tuple[int, str], ...]:
        """Order-free identity: 三山共建、三河共治、两环一带 = 三山三河两环一带."""
        return tuple(sorted(p.key for p in self.parts))

    @property
    def expected(self) -> int:
        """Element count implied by the numerals; 0 when any part is open-ended (多)."""
        if any(p.count == 0 for p in self.parts):
            return 0
        return sum(p.count for p in self.parts)


#: a run of more parts is no plan slogan (real ones have at most 6-7: 一屏一带三脉多廊多点);
#: the cap also keeps a crafted run of thousands of parts from costing quadratic time
MAX_PARTS = 12


def parse_parts(text: str) -> tuple[Part, ...]:
    """Parse a string made only of slogan parts (and 、/, separators) into parts.

    Returns an empty tuple when ``text`` is not entirely slogan parts.
    """
    parts: list[Part] = []
    pos = 0
    t = text.strip()
    while pos < len(t):
        if t[pos] in "、, ":
            pos += 1
            continue
        m = PART_RE.match(t, pos)
        if not m:
            return ()
        parts.append(_part(m))
        pos = m.end()
    return tuple(parts)


def _part(m: re.Match[str]) -> Part:
    num = m.group("num")
    return Part(
        text=m.group(0),
        numeral=num,
        count=NUMERALS[num],
        unit=m.group("unit"),
        modifier=m.group("mod") or "",
        suffix=m.group("suf") or "",
    )


def _quoted(text: str, start: int, end: int) -> bool:
    return (
        start > 0
        and end < len(text)
        and text[start - 1] in _QUOTES_OPEN
        and text[end] in _QUOTES_CLOSE
    )


def _list_before(text: str, start: int, count: int) -> bool:
    """True when an enumeration of ``count`` items ends right before ``start``."""
    head = re.split(r"[。;:!?,“]", text[:start].rstrip('”"'))[-1]
    head = re.sub(r"等$", "", head)
    items = [x for x in re.split(r"、|和|及|与", head) if x]
    return count > 1 and len(items) == count


#: units that rank the members of one component (一主一副) rather than name components
_RANKS = frozenset({"主", "副"})


def _first_repeat(text: str, start: int, end: int) -> int:
    """Where a slogan match stops being one slogan: at a part that repeats an earlier one
    (构建一核两翼,一核即县城 → 一核两翼; 分为一主一副,一主为… → 一主一副)."""
    seen: set[tuple[int, str]] = set()
    pos = start
    while pos < end:
        if text[pos] in "、, ":
            pos += 1
            continue
        m = PART_RE.match(text, pos, end)
        if not m:
            break
        key = _part(m).key
        if key in seen:
            return pos
        seen.add(key)
        pos = m.end()
    return end


def find_slogans(text: str) -> list[Slogan]:
    """All slogans in ``text``, left to right.

    Multi-part slogans are taken wherever they occur; single-part ``N大…`` forms only when
    quoted, followed by a definition (``：是指``/``即``/``指``) or preceded by a list of
    exactly N items (沿海、县域、城区三大经济板块).
    """
    out: list[Slogan] = []
    for m in SLOGAN_RE.finditer(text):
        end = _first_repeat(text, m.start(), m.end())
        while end > m.start() and text[end - 1] in "、, ":
            end -= 1
        parts = parse_parts(text[m.start() : end])
        if not 2 <= len(parts) <= MAX_PARTS:
            continue
        if {p.unit for p in parts} <= _RANKS and re.search(r"分[为成]?$", text[: m.start()]):
            continue  # 两轴分为一主一副: the ranks of one component, not a layout
        # 一带一路 and the like: a part glued to a non-unit word is no slogan
        out.append(
            Slogan(
                text=text[m.start() : end],
                start=m.start(),
                end=end,
                parts=parts,
                quoted=_quoted(text, m.start(), end),
            )
        )
    taken = [(s.start, s.end) for s in out]
    for m in DA_RE.finditer(text):
        if any(a < m.end() and m.start() < b for a, b in taken):
            continue
        count = NUMERALS[m.group("num")]
        quoted = _quoted(text, m.start(), m.end())
        defined = bool(DEF_AFTER_RE.match(text[m.end() :]))
        if not (quoted or defined or _list_before(text, m.start(), count)):
            continue
        head = m.group("head")
        part = Part(
            text=m.group(0),
            numeral=m.group("num"),
            count=count,
            unit=head,
            modifier=m.group("mod"),
        )
        out.append(Slogan(m.group(0), m.start(), m.end(), (part,), quoted, da=True))
    out.sort(key=lambda s: s.start)
    return out
