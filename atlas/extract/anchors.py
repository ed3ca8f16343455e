"""Place words in a piece of plan text: the anchors of layout elements and entities.

Two sources, merged in text order: the gazetteer's longest-match scan (known places; the
anchor is the name *as written*, 大凌河, not the gazetteer's 大凌河街道, so the geometry stage
resolves it with its own rules) and a suffix pattern (…镇/…街道/…河/…港/…水库/…园区/…高速/
…铁路 …) so that places the gazetteer does not know are still reported — the geometry stage
marks those unresolved rather than dropping them.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from atlas.model import PlaceIndex

log = logging.getLogger(__name__)

#: suffixes that make a word a place name, longest first
PLACE_SUFFIXES: tuple[str, ...] = (
    "经济开发区",
    "开发区",
    "产业园区",
    "产业园",
    "园区",
    "新区",
    "街道",
    "水库",
    "港区",
    "高速公路",
    "高速",
    "铁路",
    "高铁",
    "客专",
    "机场",
    "国道",
    "镇",
    "乡",
    "村",
    "县",
    "市",
    "河",
    "江",
    "港",
    "湾",
    "岛",
    "山",
)
_SUFFIX_ALT = "|".join(PLACE_SUFFIXES)
#: words that cannot be inside a place name: a candidate starts after the last of them
_STOP = (
    "依托|沿着|沿|围绕|以|在|和|与|及|的|构建|形成|打造|建设|推进|加快|实施|位于|向|至|邻|侧|"
    "指|即|为|是|等|包括|包含|重点|主动|联动|发展|一体化|推动|提升|完善|开展|加强|整合|发挥|"
    "利用|毗邻|结合|支持|培育|壮大|做强|全力|积极|大力|东部|西部|南部|北部|中部|西北部|东北部|"
    "东南部|西南部|境内|全市|全县|全区|我市|我县|我区|本市|本县|实现|强化|保障|确定|构筑|城区|市区|"
    "加大|提高|促进|带动|承接|依靠|通过|串联|连接|贯通|贯穿|途经|经过|自(?!然|治)|布局|覆盖|涵盖|"
    "[东南西北]起"
)
_CAND_RE = re.compile(
    rf"[\u4e00-\u9fff]{{1,8}}?(?:{_SUFFIX_ALT})(?![\u4e00-\u9fff]*?(?:{_SUFFIX_ALT}))"
)
_TOKEN_RE = re.compile(r"[\u4e00-\u9fff]+(?:\([\u4e00-\u9fff]{1,4}\)[\u4e00-\u9fff]+)*")
#: 锦-阜-盘: a chain of short place abbreviations (an axis through those cities)
_CHAIN_RE = re.compile(r"([\u4e00-\u9fff]+)((?:-[\u4e00-\u9fff]+)+)")
_CHAIN_TAIL_RE = re.compile(r"联动|发展|一体|协同|城镇|经济|方向|走廊|通道|段|轴|带")
#: 大、小凌河 → 大凌河 (the first member borrows the shared tail)
_ELLIPSIS_RE = re.compile(
    r"([大小东西南北上下前后内外])、([大小东西南北上下前后内外])([\u4e00-\u9fff]{1,3}?(?:河|江|湖|山))"
)
_STOP_RE = re.compile(_STOP)
#: what may follow a one-character suffix inside a longer word (小凌河入海口, 大凌河生态廊道)
_CONTINUE = "段口岸流沿两上下支水入生文湿景公畔边西东南北中左右库区防治整疏清护堤综城("
#: the same after an admin suffix (县/市/乡/镇/村), where 城/区 would make 新县城, 市区
_CONTINUE_ADMIN = "段西东南北中("
#: 周边乡镇, 重点乡镇: towns in general, not a named one (阿尔乡镇 is one)
_GENERIC_TOWNS = re.compile(
    r"^(?:周边|各|全县|全市|全区|重点|有关|沿线|贫困|部分|所有|其他|中心|特色)?(?:乡镇|城镇|村镇)$"
)
#: numbered national/provincial roads: 国道304线, G102, 102国道
_ROAD_RE = re.compile(r"(?:国道|省道|[GS])\d{2,4}线?|\d{2,4}(?:国道|省道)")
#: generic words ending in a place suffix that are no places
_GENERIC = frozenset(
    [
        "三河",
        "上下游",
        "东山",
        "两河",
        "中心村",
        "临港",
        "乡村",
        "乡村振兴",
        "乡镇",
        "产业园",
        "传统村",
        "入海",
        "全县",
        "全市",
        "内河",
        "大型水库",
        "中型水库",
        "小型水库",
        "农村",
        "北山",
        "南山",
        "县乡",
        "县乡村",
        "县城",
        "县域",
        "县市",
        "各乡",
        "各县",
        "名山",
        "园区",
        "国道",
        "城乡",
        "城区",
        "城市",
        "城市群",
        "城镇",
        "大河",
        "小区",
        "小河",
        "山区",
        "山河",
        "市区",
        "市县",
        "市场",
        "建制村",
        "开发区",
        "新区",
        "景区",
        "本市",
        "机场",
        "村镇",
        "水库",
        "江山",
        "江河",
        "矿山",
        "滨河",
        "河口",
        "河流",
        "河湖",
        "河湖库",
        "河道",
        "沿江",
        "沿河",
        "沿海",
        "海港",
        "港口",
        "湾区",
        "特色村",
        "百河",
        "省市",
        "示范村",
        "社区",
        "空港",
        "美丽乡村",
        "自然村",
        "行政村",
        "街道",
        "西山",
        "贫困村",
        "超市",
        "跨河",
        "边界村",
        "都市",
        "重点村",
        "铁路",
        "青山",
        "靠山",
        "高山",
        "高速",
        "高铁",
    ]
)


#: the places extraction looks names up in; bound by :func:`using_places` around one extraction
_PLACES: ContextVar[PlaceIndex | None] = ContextVar("atlas_extract_places", default=None)


@contextmanager
def using_places(places: PlaceIndex | None) -> Iterator[None]:
    """Bind the place index that :func:`find_anchors` (and project place words) consult.

    ``None`` is text-only mode: anchors come from place-suffix patterns alone. The caller
    decides (:func:`atlas.extract.extract_document`); extraction never loads reference data
    itself, so the same text always gives the same result for the same places.
    """
    token = _PLACES.set(places)
    try:
        yield
    finally:
        _PLACES.reset(token)


def current_places() -> PlaceIndex | None:
    """The place index bound by :func:`using_places` (None in text-only mode)."""
    return _PLACES.get()


def _pattern_hits(text: str) -> list[tuple[int, int]]:
    """Spans of words that end in a place suffix, cut after the last stop word."""
    out: list[tuple[int, int]] = []
    for tok in _TOKEN_RE.finditer(text):
        word, base = tok.group(0), tok.start()
        # cut the token into stop-word-free pieces, then take suffix words from each piece
        pieces: list[tuple[int, int]] = []
        pos = 0
        for m in _STOP_RE.finditer(word):
            opens = pos == 0 or word[:pos].endswith(("包括", "即", "指", "含", "为"))
            if m.group(0) in ("和", "与", "及") and m.start() == pos and opens:
                continue  # 包括和平街道: a conjunction cannot open a list, 和 is the name's
            if m.start() > pos:
                pieces.append((pos, m.start()))
            pos = m.end()
        if pos < len(word):
            pieces.append((pos, len(word)))
        for a, b in pieces:
            piece = word[a:b]
            prev = 0  # end of the previous suffix word in this piece
            for m in re.finditer(rf"(?:{_SUFFIX_ALT})", piece):
                # a one-character suffix names the word since the last suffix (城区营口港 → 营口港)
                s, e = a + (prev if len(m.group(0)) == 1 else 0), a + m.end()
                while s < e and word[s] in "()":
                    s += 1  # 太子河(含大辽河)营口市: a name does not start at a bracket
                if not re.match(rf"(?:{_SUFFIX_ALT})", piece[m.end() :]):
                    prev = m.end()  # 阿尔乡镇: 乡 before 镇 is part of the name
                name = word[s:e]
                nxt = piece[m.end() : m.end() + 1]
                cont = _CONTINUE_ADMIN if m.group(0) in "县市乡镇村" else _CONTINUE
                if len(m.group(0)) == 1 and nxt and nxt not in cont:
                    continue  # 新县城, 汤河子, 港产联动: the suffix is inside a word
                if _GENERIC_TOWNS.match(name) or name.endswith(("城镇", "村镇")):
                    continue
                # the longest suffix word ending here; skip words nested in a longer one
                if len(name) < 2 or name in _GENERIC:
                    continue
                out.append((base + s, base + e))
    # keep the longest of overlapping spans (大凌河 beats 凌河; 锦州港 beats 锦州)
    out.sort(key=lambda se: (se[0], -(se[1] - se[0])))
    kept: list[tuple[int, int]] = []
    for s, e in out:
        if kept and s < kept[-1][1]:
            if e > kept[-1][1] and s == kept[-1][0]:
                kept[-1] = (s, e)
            continue
        kept.append((s, e))
    return kept


#: a list's last short town name followed by the list's count (北三家三镇 → 北三家)
_COUNTED_RE = re.compile(r"^([\u4e00-\u9fff]{2,6}?)[两三四五六七八九十]个?(?:镇|乡|乡镇|街道)$")


def find_anchors(text: str, scope: str | None = None) -> tuple[str, ...]:
    """Place names in ``text`` in text order, as written, without duplicates.

    Parameters
    ----------
    text : str
        Normalised plan text (a definition, a sentence, a list item).
    scope : str, optional
        Adcode of the plan's jurisdiction, to rank ambiguous gazetteer names.
    """
    # (以下简称园区): an abbreviation note, not a place
    text = re.sub(r"\((?:以下)?简称[^)]*\)", lambda m: " " * len(m.group(0)), text)
    spans: list[tuple[int, int]] = []
    extra: list[tuple[int, str]] = []
    for m in _CHAIN_RE.finditer(text):
        tokens = m.group(2).split("-")[1:]
        if len(tokens) >= 2 and len(tokens[0]) <= 2:
            size = len(tokens[0])  # 锦-阜-盘: the middle members give the width
        else:
            tail = _CHAIN_TAIL_RE.search(tokens[-1])
            if tail is None or not 1 <= tail.start() <= 2:
                continue
            size = tail.start()  # 锦-朝联动发展轴 → 锦, 朝
        first = m.group(1)[-size:]
        for k, tok in enumerate([first, *(t[:size] for t in tokens)]):
            extra.append((m.start() + k, tok))
    for m in _ROAD_RE.finditer(text):
        extra.append((m.start(), m.group(0)))
    for m in _ELLIPSIS_RE.finditer(text):
        extra.append((m.start(), m.group(1) + m.group(3)))
    gaz = _PLACES.get()
    if gaz is not None:
        for s, e, place in gaz.find_in_text(text, scope=scope):
            # outside 辽宁 only whole provinces and cities count (新县城 is no 新县)
            outside = place.code[:6].isdigit() and not place.code.startswith("21")
            if outside and place.level not in ("province", "city"):
                continue
            # extend a bare stem by the suffix that follows it (锦州 + 港 → 锦州港)
            m = re.match(rf"(?:{_SUFFIX_ALT})", text[e:])
            spans.append((s, e + (m.end() if m else 0)))
    known = list(spans)
    for s, e in _pattern_hits(text):
        if any(a < e and s < b and not (s <= a and b <= e) for a, b in known):
            continue  # 由平山区: the gazetteer's 平山区, not a mountain 由平山
        if not any(a <= s and e <= b for a, b in spans):
            spans = [(a, b) for a, b in spans if not (s <= a and b <= e)]
            spans.append((s, e))
    spans.sort()
    found: list[tuple[int, str]] = list(extra)
    last_end = -1
    for s, e in spans:
        if s < last_end:
            continue
        name = text[s:e]
        counted = _COUNTED_RE.match(name)
        if counted:  # 依托红透山、南口前、北三家三镇: the count closes the list, 北三家 is the town
            name, e = counted.group(1), s + len(counted.group(1))
        numbered = re.match(r"[一二两三四五六七八九十多几双](?:个|[\u4e00-\u9fff]$)", name)
        if name in _GENERIC or len(name) < 2 or numbered:
            last_end = e
            continue
        if not _GENERIC_TOWNS.match(name) and not name.endswith("农村"):  # 四好农村: no village
            found.append((s, name))
        last_end = e
    found.sort(key=lambda x: x[0])
    return tuple(dict.fromkeys(n for _, n in found))


def outside_prefix(name: str) -> str:
    """The place outside 辽宁 a name starts with (天津滨海新区 → 天津, 苏州工业园区 → 苏州), or
    ``""``: a province or city the gazetteer knows only outside 辽宁 (a name that is also a
    辽宁 place, 朝阳, does not count). Text-only mode (no gazetteer) never finds one."""
    gaz = _PLACES.get()
    if gaz is None:
        return ""
    for size in (3, 2):
        stem = name[:size]
        if len(stem) < size:
            continue
        found = gaz.geocode(stem, levels=("province", "city"))
        inside = [p for p in found if not p.code[:6].isdigit() or p.code.startswith("21")]
        if found and not inside and found[0].name.startswith(stem):
            return stem
    return ""


def is_city(name: str) -> bool:
    """Whether ``name`` is a prefecture-level city or a province (沈阳, 大连, 辽宁): a region
    such as 沈阳经济区 is named after it, not a park. Text-only mode: never."""
    gaz = _PLACES.get()
    if gaz is None or len(name) < 2:
        return False
    found = gaz.geocode(name, levels=("province", "city"))
    return bool(found) and found[0].name.rstrip("市省") == name.rstrip("市省")
