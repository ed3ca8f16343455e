"""Entity extraction: parks, ports, water works, transport, protected areas and key projects.

A name is found by its head word (…经济开发区, …产业园, …港区, …水库, …断面, …高铁, …国道,
…站, …自然保护区, …工程) and extended leftwards over the characters of the name up to
punctuation or a verb that cannot belong to it (依托, 推进, 加快建设 …). The head word gives
the layer and role; a 工程/项目 is typed by what it works on (防洪治理 → water, 铁路/公路 →
transport) and kept as a ``project`` only when it names a place. ``X至Y段``/``X—Y段`` segments
carry ``from``/``to``; stated areas and lengths become ``area_km2``/``length_km``.

Each name becomes one entity per plan, sourced at its first mention (the sentence), with the
number of mentions in ``attrs``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from atlas.extract.anchors import find_anchors, is_city, outside_prefix
from atlas.extract.passages import Passage, passages
from atlas.extract.slogans import NUMERALS
from atlas.model import Entity, PlanInfo
from atlas.read.text import sentence_bounds

log = logging.getLogger(__name__)

#: head word → (layer, role); longer heads first when matching
HEADS: dict[str, tuple[str, str]] = {
    "高新技术产业开发区": ("park", "dev_zone"),
    "经济技术开发区": ("park", "dev_zone"),
    "经济开发区": ("park", "dev_zone"),
    "开发区": ("park", "dev_zone"),
    "高新区": ("park", "dev_zone"),
    "新区": ("park", "new_area"),
    "经济区": ("park", "dev_zone"),
    "产业园区": ("park", "park"),
    "工业园区": ("park", "park"),
    "物流园区": ("park", "logistics"),
    "产业园": ("park", "park"),
    "工业园": ("park", "park"),
    "物流园": ("park", "logistics"),
    "园区": ("park", "park"),
    "产业基地": ("park", "base"),
    "物流基地": ("park", "logistics"),
    "实训基地": ("park", "education"),
    "基地": ("park", "base"),
    "旅游度假区": ("park", "resort"),
    "度假区": ("park", "resort"),
    "旅游区": ("park", "resort"),
    "服装城": ("park", "market"),
    "箱包城": ("park", "market"),
    "商贸城": ("park", "market"),
    "集聚区": ("park", "cluster"),
    "物流港": ("park", "logistics"),
    "公路港": ("park", "logistics"),
    "港区": ("port", "port_area"),
    "码头": ("port", "wharf"),
    "泊位": ("port", "berth"),
    "港": ("port", "port"),
    "水库": ("water", "reservoir"),
    "断面": ("water", "section"),
    "河长制": ("water", "governance"),
    "灌区": ("water", "irrigation"),
    "水源地": ("water", "water_source"),
    "生态廊道": ("water", "corridor"),
    "高速铁路": ("transport", "rail"),
    "城际铁路": ("transport", "rail"),
    "铁路": ("transport", "rail"),
    "高铁": ("transport", "rail"),
    "客专": ("transport", "rail"),
    "高速公路": ("transport", "road"),
    "高速": ("transport", "road"),
    "国道": ("transport", "road"),
    "省道": ("transport", "road"),
    "公路": ("transport", "road"),
    "机场": ("transport", "airport"),
    "站": ("transport", "station"),
    "国家级自然保护区": ("ecology", "protected_area"),
    "自然保护区": ("ecology", "protected_area"),
    "生态保护区": ("ecology", "protected_area"),
    "湿地公园": ("ecology", "wetland"),
    "森林公园": ("ecology", "forest_park"),
    "地质公园": ("ecology", "geopark"),
    "风景名胜区": ("ecology", "scenic_area"),
    "风景区": ("ecology", "scenic_area"),
    "湿地": ("ecology", "wetland"),
    "工程": ("project", "project"),
    "项目": ("project", "project"),
}
_HEAD_RE = re.compile("|".join(sorted(map(re.escape, HEADS), key=len, reverse=True)))
#: one-character heads end a name only before a boundary (锦州港 航道… is a project, not 港)
_SHORT_OK = re.compile(r"^(?:[^\u4e00-\u9fff]|$|和|及|与|的|为|等|、|是|作为|建设|改造|扩建|新建)")
#: characters a name may contain besides CJK
_NAME_CHARS = re.compile(r"[\u4e00-\u9fff0-9A-Za-z()#·\-—]")
#: words that cannot be part of a name: the name starts after the last of them
_STOP_RE = re.compile(
    r"依托|推进|推动|加快|打造|做强|加强|建设|实施|打造|重点|积极|大力|完善|提升|支持|培育|发挥|(?<!综合)利用|围绕|"
    r"开展|启动|谋划|规划|新建|改建|扩建|续建|改造|全力|着力|争创|创建|申报|落实|形成|构建|修建|依法|清理|推行|继续|不忘|共建|进|设立|依据|按照|根据|时期|加大|对(?!口)|从严|严格|[一二两三四五六七八九十]+个|"
    r"提高|整合|保护|承接|做好|做强|做大|发展|服务|促进|实现|完成|建成|开工|引进|组织|"
    r"以下简称|简称|即|指|位于|邻|侧|逐步|由|探索|允许|改善|增强|进一步|努力|力争|不断|持续|深入|"
    r"学习|借鉴|对标|参照|复制|"
    r"全面|主动|加速|优化|强化|规范|鼓励|引导|带动|拓展|深化|融入|对接|聚焦|突出|坚持|推广|打通|"
    r"协调|配合|争取|确保|参与|谋求|实行|健全|配备|设立|成立|获批|获评|晋升|列入|纳入|"
    r"落户|一批|壮大|辐射|建立|封闭|投资|到\d{4}年|\d{4}年|[\d.\-]+(?:亿|万)?元的?|[\d\-]+[个座条家处项]|"
    r"沿(?=\d)|以|在|和|与|及|的|为|是|将|把|向|从|于|等|、|其中|包括|含|其|本(?=[市县区镇乡地部级届次])|该|这|各|全市|全县|全区"
)
#: a water work: what a 工程/项目 works on
_WATER_WORK = re.compile(
    r"防洪|治理|整治|除险加固|堤防|河道|水生态|生态修复|清淤|护岸|灌区|水系|河湖"
)
_TRANSPORT_WORK = re.compile(
    r"铁路|公路|高速|国道|省道|绕城|\d+线|大桥|桥梁|道路|立交|客运站|枢纽站|航道|机场|客专|"
    r"大通道|旅游路|[^\W\d]路工程|桥(?:翻建|改造|新建|维修|加固)"
)
_SEGMENT_RE = re.compile(
    r"([\u4e00-\u9fff0-9A-Za-z]{1,14}?)(?:至|—|–|~)([\u4e00-\u9fff0-9A-Za-z]{1,14}?)段"
)
_LENGTH_RE = re.compile(r"(\d+(?:\.\d+)?)(公里|千米|km)")
_AREA_RE = re.compile(r"(?:面积|占地)[^。;]{0,16}?(\d+(?:\.\d+)?)(平方公里|平方千米|公顷|万亩|亩)")
_AREA_FACTOR = {
    "平方公里": 1.0,
    "平方千米": 1.0,
    "公顷": 0.01,
    "万亩": 10000 / 1500,
    "亩": 1 / 1500,
}
#: stems too generic to be a named entity (该园区, 各类园区, 重点项目 …)
_GENERIC_STEM = re.compile(
    r"^(?:[一二两三四五六七八九十百千多几若干]+[个大类批座条项家处]?|[本该各此这全每有]|"
    r"重点|特色|现代|新型|相关|配套|示范|省级|国家级|国家|优质|市级|区级|县级|一批|产业|工业|物流|综合|"
    r"专业|现有|周边|沿线|骨干|主要|大型|小型|中型|农村|城市|城乡|乡村|交通|基础设施|民生|"
    r"重大|公共|公益|生态|环保|水利|能源|信息|在建|续建|新开工|储备|招商|建设|开发|旅游|文化|"
    r"高速|高铁|客运|货运|铁路|公路|港口|国际|国内|智慧|数字|绿色|安全|便捷|高效|时期|普通|快速|"
    r"港区|新增|生产性|首末|中途|场|快递|分拨|干线|国省|国省干线|县乡|应急|上|级|通|全|"
    r"境内|河流|通村|县乡通村|普通国|国|新县城|高标准|标准|两个|考核|国省道|大型海|病险|严整治|整治)*$"
)
_SKIP_SUFFIX = re.compile(
    r"(?:宅基地|服务站|工作站|监测站|基站|泵站|加油站|充电站|换电站|网站|驿站|消防站|卫生站|变电站|站点|公交站)$"
)
_MIN_STEM = 2
#: heads whose two-character stems are mostly verbs or functions (探索园区, 直播基地)
_GENERIC_HEADS = frozenset(
    {"园区", "产业园", "工业园", "物流园", "基地", "集聚区", "湿地", "站", "度假区", "旅游区"}
)
#: regional qualifiers that make a base a named designation (中国北方能源基地)
_REGIONAL = re.compile(r"^(?:中国|国家|北方|东北|辽西|辽东|辽宁|京津冀|环渤海)")
#: an education base without a place in its name still names one when a school runs it
_SCHOOL = re.compile(r"职业|学院|学校|技工|技师|教育中心|职教")
_WORKS = ("工程", "项目")
#: a list marker ((2), 3.) and 投资 20 亿元 / 3.72 亿元的 … in front of a project item
_LEAD_NUM = re.compile(
    r"^(?:\(\d{1,2}\)|\d{1,2}[.、)]|\([一二三四五六七八九十]{1,3}\))?"
    r"(?:(?:投资)?约?[0-9.]*(?:亿|万|千)?元的?)?"
)
#: roles of point-like features (their 至 names an end point, not a segment)
_POINT_ROLES = frozenset({"dev_zone", "new_area", "park", "base", "cluster", "port", "airport"})
#: heads that are also ordinary words (高速发展, 站在): they end a name only at a boundary
_NEED_BOUNDARY = frozenset({"港", "站", "高速", "高铁", "湿地", "基地"})
#: heads after which a short name may share the head with the member before 、 (京沈、锦赤高铁)
_TWIN_LAYERS = frozenset({"transport"})
_MAX_NAME = 36


@dataclass
class _Hit:
    name: str
    layer: str
    role: str
    passage: Passage
    sent: tuple[int, int]
    attrs: dict[str, str] = field(default_factory=dict)
    mentions: int = 1


#: names are at most this long (the longest in the seeds: 32 characters); the backward walk
#: stops there, so a paragraph of thousands of heads (开发区开发区…) stays linear
_MAX_NAME_CHARS = 80


def _name_start(text: str, head_start: int, floor: int) -> int:
    """Where the name ending in the head at ``head_start`` begins."""
    floor = max(floor, head_start - _MAX_NAME_CHARS)
    i = head_start
    depth = 0
    while i > floor:
        ch = text[i - 1]
        if ch == ")":
            depth += 1
        elif ch == "(":
            if depth == 0:
                break
            depth -= 1
        elif not _NAME_CHARS.match(ch) and depth == 0:
            break
        i -= 1
    left = text[i:head_start]
    cut = 0
    for m in _STOP_RE.finditer(left):
        # a stop word inside brackets belongs to the name (太子河(含大辽河)); so does a verb
        # right before a work's head (…绕城段改建工程)
        inside = left[: m.start()].count("(") != left[: m.start()].count(")")
        if len(m.group(0)) == 1 and re.match(r"[区县市镇乡]", left[m.end() :]):
            continue  # 太和区, 和平区: the character belongs to a place name
        verb_of_work = len(m.group(0)) > 1 and text[head_start:].startswith(_WORKS)
        if m.group(0) == "及" and _joins_name(left, cut, m):
            continue  # 东北商用车及二手车贸易物流产业基地: one name
        if not inside and not (m.end() == len(left) and verb_of_work):
            cut = m.end()
    return i + cut


def _joins_name(left: str, cut: int, m: re.Match[str]) -> bool:
    """Whether 及 at ``m`` joins two halves of one name: the part before it (from the last
    stop) names nothing by itself (no head word) and is a short noun phrase."""
    before = left[cut : m.start()]
    return (
        2 <= len(before) <= 10
        and not _HEAD_RE.search(before)
        and "、" not in before
        and not re.search(r"(?:平台|中心|体系|网络|系统|设施)$", before)
    )


_COUNTED_RE = re.compile(
    r"((?:[\u4e00-\u9fff]{2,10}、)+[\u4e00-\u9fff]{2,10})等?([一二两三四五六七八九十]|\d{1,2})个$"
)


#: the members of a counted list lie within this many characters before the name; searching
#: only there (and only before 个) keeps the nested pattern from backtracking over a long
#: paragraph (a 5 kB run of “锦州港、盘锦港、…” took minutes)
_COUNTED_WINDOW = 160


#: what follows the first of two level crossings (…机场和桃园平交道口)
_CROSSING_AFTER = re.compile(r"(?:[和与、][\u4e00-\u9fff]{1,8})?(?:平交)?道口")
#: what follows a company's name (等10家企业, 公司); a name once a company is one everywhere
_COMPANY_AFTER = re.compile(r"(?:等?[\d一二三四五六七八九十]+家(?:企业|公司)|公司|集团|有限|股份)")


def _numbered_twins(sent: str, start: int, name: str) -> tuple[int, str]:
    """锦州港401、402通用散货泊位: a numbered name after 、 takes the numbers and the prefix
    before it (the first number's name)."""
    if not name[:1].isdigit() or sent[start - 1 : start] != "、":
        return start, name
    lo = max(0, start - 40)  # the numbers sit right before the name: a bounded look-back
    m = re.search(r"[\u4e00-\u9fff]((?:\d{2,4}#?、)+)$", sent[lo:start])
    if not m:
        return start, name
    prefix_start = _name_start(sent, lo + m.start(1), 0)
    return prefix_start, sent[prefix_start:start] + name


_LISTED_RE = re.compile(r"((?:[\u4e00-\u9fff]{2,8}、)+[\u4e00-\u9fff]{2,8})等$")
_RANK_RE = re.compile(r"^(?:国家级|省级|市级|县级)")


def _listed_members(before: str, name: str) -> tuple[list[str], str]:
    """``依托双台镇、暖泉、九寨等省级飞地园区``: the members and the head they share
    (飞地园区), or ``([], "")``. Only for a name that is a rank plus a kind (省级飞地园区)."""
    m = _LISTED_RE.search(before[-_COUNTED_WINDOW:])
    if not m or not _RANK_RE.match(name):
        return [], ""
    items = m.group(1).split("、")
    cut = 0
    for sm in _STOP_RE.finditer(items[0]):
        cut = sm.end()
    items[0] = items[0][cut:]
    if len(items) < 2 or any(len(x) < 2 for x in items):
        return [], ""
    return items, _RANK_RE.sub("", name)


def _counted_members(before: str) -> list[str]:
    """The members of ``A、B、C三个`` right before a name, when the count matches."""
    if not before.endswith("个"):
        return []
    m = _COUNTED_RE.search(before[-_COUNTED_WINDOW:])
    if not m:
        return []
    items = m.group(1).split("、")
    first = items[0]
    cut = 0
    for sm in _STOP_RE.finditer(first):
        cut = sm.end()
    items[0] = first[cut:]
    count = int(m.group(2)) if m.group(2).isdigit() else NUMERALS[m.group(2)]
    return items if len(items) == count and all(len(x) >= 2 for x in items) else []


def _classify(name: str, head: str) -> tuple[str, str] | None:
    layer, role = HEADS[head]
    if layer == "park" and role in ("base", "park") and "物流" in name[-8:]:
        return "park", "logistics"  # 东北汽运物流产业基地: the kind is in the name
    if layer != "project":
        return layer, role
    if _WATER_WORK.search(name):
        return "water", "reach" if "段" in name else "flood_work"
    if _TRANSPORT_WORK.search(name):
        return "transport", _transport_role(name)
    if _SEGMENT_RE.search(name) and re.search(r"(?:建设|改造|新建|改建|扩建)工程$", name):
        return "transport", "road"  # 义县水泉至大榆树堡段建设工程: a route segment
    return "project", "project"


def _transport_role(name: str) -> str:
    """The kind of a transport work from the words of its name."""
    if re.search(r"航道|港池|防波堤", name):
        return "waterway"
    if re.search(r"公路|道路|大桥|立交|高速|国道|省道|绕城|\d+线|大通道|路工程|桥", name):
        return "road"
    if "机场" in name:
        return "airport"
    if re.search(r"客运站|枢纽站|汽车站|客运枢纽", name):
        return "station"
    return "rail"


def _attrs(name: str, sentence: str, pos: int, scope: str | None) -> dict[str, str]:
    """from/to/river of a segment; length and area stated right after the name (at ``pos``)."""
    out: dict[str, str] = {}
    seg = _SEGMENT_RE.search(name.split("(")[-1] if "段)" in name else name)
    if seg:
        left, right = seg.group(1), seg.group(2)
        anchors = find_anchors(left, scope)
        last = left.rfind(anchors[-1]) if anchors else -1
        start = left[last:] if last > 0 else left
        river = re.match(r"[\u4e00-\u9fff]{1,6}?[河江](?![\u4e00-\u9fff]*[河江])", name)
        if river:
            out["river"] = river.group(0)
            if start.startswith(river.group(0)) and len(start) > len(river.group(0)) + 1:
                start = start[len(river.group(0)) :]  # 柳河阿尔乡至…: the reach starts at 阿尔乡
        out["from"] = start
        out["to"] = right
    after = sentence[pos : pos + 30]
    nxt = _HEAD_RE.search(after)
    if nxt:
        after = after[: nxt.start()]  # the next name's figures are not this one's
    m = _LENGTH_RE.search(after) or _LENGTH_RE.search(name)
    if m:
        out["length_km"] = m.group(1)
    m = _AREA_RE.search(after)
    if m:
        out["area_km2"] = str(round(float(m.group(1)) * _AREA_FACTOR[m.group(2)], 4))
    return out


def _scan(p: Passage, scope: str | None, companies: set[str] | None = None) -> list[_Hit]:
    hits: list[_Hit] = []
    for span in sentence_bounds(p.text) or [(0, len(p.text))]:
        _scan_sentence(p, span, scope, hits, companies if companies is not None else set())
    return hits


def _scan_sentence(
    p: Passage,
    span: tuple[int, int],
    scope: str | None,
    hits: list[_Hit],
    companies: set[str],
) -> None:
    """Append the entities of one sentence of ``p`` (``span``) to ``hits``; names found to be
    companies are added to ``companies`` and skipped wherever they recur."""
    s, e = span
    sent = p.text[s:e]
    taken_end = -1
    for m in _HEAD_RE.finditer(sent):
        cand = _head_name(sent, m)
        if cand is None:
            continue
        head, start, name = cand
        before = sent[max(0, start - _COUNTED_WINDOW) : start]
        members = _counted_members(before)
        shared = name
        if not members:
            members, shared = _listed_members(before, name)
        if members and HEADS[head][0] in ("park", "water", "port", "ecology"):
            # 黑山庞河、北镇沟帮子、凌海大有、义县七里河四个农产品加工集聚区 → 4 entities;
            # 依托双台镇、暖泉、九寨等省级飞地园区 → 双台镇飞地园区, 暖泉飞地园区, 九寨飞地园区
            layer, role = HEADS[head]
            hits.extend(_Hit(member + shared, layer, role, p, span, {}) for member in members)
            continue
        if head in ("工程", "项目") and hits and hits[-1].sent == span:
            prev = hits[-1].name
            if sent[max(0, m.start() - len(prev)) : m.start()] == prev:
                continue  # 锦州港401#矿石泊位工程: the work on an entity already found
        if _COMPANY_AFTER.match(sent, m.end()):
            companies.add(_head_name(sent, m)[2] if _head_name(sent, m) else "")
            continue  # 捷通铁路等10家企业, 捷通铁路“中国标准动车组…”: a company
        if any(c and sent[max(0, m.end() - len(c)) : m.end()] == c for c in companies):
            continue
        start, name = _numbered_twins(sent, start, name)
        stem = name[: len(name) - len(head)]
        at = (
            _located_at(sent[max(0, start - 24) : start], sent[m.end() : m.end() + 24])
            if HEADS[head][0] == "park"
            else ""
        )
        if not _plausible_name(name, head, stem, scope, located=bool(at)):
            continue
        kind = _classify(name, head)
        if kind is None:
            continue
        layer, role = kind
        stem_places = find_anchors(stem, scope) if stem else ()
        if _generic(head, stem, layer, role, stem_places, name, located=bool(at)):
            continue
        if m.start() < taken_end and layer == "project":
            continue
        taken_end = max(taken_end, m.end())
        attrs = _attrs(name, sent, m.end(), scope)
        if at and at not in stem_places:
            attrs["at"] = at  # 在红旗镇建设农产品加工园区: the park's place
        hits.append(_Hit(name, layer, role, p, span, attrs))
        twin = _twin(sent, start, head, stem, layer)
        if twin:
            hits.append(_Hit(twin, layer, role, p, span, {}))


def _head_name(sent: str, m: re.Match[str]) -> tuple[str, int, str] | None:
    """The head word at ``m``, where its name starts and the name; None for a false head."""
    head = m.group(0)
    if sent[m.end() : m.end() + 1] == "域":
        return None  # 临空港区域: a region, not a port area
    if head in ("铁路", "高铁") and re.match(r"联络线|专用线|支线", sent[m.end() :]):
        return None  # …东站铁路联络线工程: the work's name goes on
    if head in _NEED_BOUNDARY and not _SHORT_OK.match(sent[m.end() :]):
        return None
    start = m.start() if head == "河长制" else _name_start(sent, m.start(), 0)
    name = _LEAD_NUM.sub("", sent[start : m.end()]).strip("()-— ")
    if "至" in name and HEADS[head][1] in _POINT_ROLES:
        name = name.rsplit("至", 1)[1]  # 龙栖湾至滨海新区: the place is the end point
    if HEADS[head][1] in ("airport", "station") and _CROSSING_AFTER.match(sent, m.end()):
        return None  # 封闭沈山铁路小岭子机场和桃园平交道口: a level crossing's name
    return head, start, name


def _plausible_name(
    name: str, head: str, stem: str, scope: str | None, located: bool = False
) -> bool:
    """Whether ``name`` reads as a proper name (length, brackets, a named station); a park
    the text puts at a place (``located``) may have a generic stem (港口物流园)."""
    if "通往" in stem:
        return False  # 县域通往建昌县高速公路: a description, not a name
    if head == "站" and not re.search(r"[东南西北]$", stem) and not find_anchors(stem, scope):
        return False  # 首末站, 中途站: no named station
    if head != "河长制" and (len(stem) < _MIN_STEM or (_GENERIC_STEM.match(stem) and not located)):
        return False
    bracket = re.search(r"\(([^)]*)\)", name)
    if bracket and len(bracket.group(1)) > 10 and not re.search(r"段|至|—", bracket.group(1)):
        return False  # 交叉(铁路在上公路在下…)铁路: an explanation, not a name
    return not (
        len(name) > _MAX_NAME or _SKIP_SUFFIX.search(name) or name.count("(") != name.count(")")
    )


#: words that describe what a park or work does; a stem made only of them names no place
_FUNCTION_WORDS = re.compile(
    r"农产品|农副产品|加工|深加工|电子商务|电商|高标准|标准化|示范性|示范|职业教育|教育|出口|物流|"
    r"冷链|仓储|现代|农业|工业|产业|科技|高新|技术|创新|创业|孵化|文化|旅游|生态|特色|智慧|数字|"
    r"绿色|集中式|饮用水|国考|病险|水库|除险加固|国家级|国家|省级|市级|县级|综合|商贸|通用|四好|农村|"
    r"城乡|重点|新型|中小|企业|小型|微型|海洋|集装箱|散货|饲料|海产品|水产品|食品|医药|生物|装备|"
    r"制造|机械|汽车|电子|信息|经济|跨境|对口合作|合作|精细化工|化工|石化|新材料|材料|新能源|"
    r"能源|光伏|风电|纺织|服装|建材|冶金|有色金属|金属|包装|印刷|"
    r"[一二两三四五六七八九十\d]+[个座条项家处]|等|的"
)
#: a transport word inside a park's stem: 省道宝锦线滨海新区… names a road, not the 新区
_ROUTE_IN_STEM = re.compile(r"省道|国道|高速公路|公路|[\u4e00-\u9fff]{2}线")


_LOCATED_RE = re.compile(
    r"(?:在|支持|依托|推动|鼓励)([\u4e00-\u9fff]{1,10}?(?:镇|乡|街道|新城|新区|开发区|港区))"
    r"(?:境内|内)?(?:规划)?(?:建设|打造|布局|新建|发展)$"
)


#: a town written right before the name (推进中固镇开原市工业园区建设)
_TOWN_BEFORE_RE = re.compile(
    r"(?:推进|加快|建设|提升|在|依托|支持|位于|、|，|,)([\u4e00-\u9fff]{1,8}?(?:镇|乡|街道))的?$"
)
#: the place stated after the name (盖州经济开发区位于团山街道)
_LOCATED_AFTER_RE = re.compile(
    r"^(?:\([^)]{0,20}\))?(?:位于|坐落于|坐落在|地处|选址于?)([\u4e00-\u9fff]{1,10}?(?:镇|乡|街道))"
)


#: the park named again by its head in the next clause (…开发区扩区升级,开发区地处南口前镇)
_LOCATED_LATER_RE = re.compile(
    r"^[^。;]{0,16}?,(?:开发区|园区|产业园|该园区|该区)(?:位于|地处|坐落于)"
    r"([\u4e00-\u9fff]{1,10}?(?:镇|乡|街道))"
)


def _located_at(before: str, after: str = "") -> str:
    """The town a park sits at: ``在X镇建设<name>``, ``…X镇(的)<name>``, ``<name>位于X镇`` or
    ``<name>…,开发区地处X镇``."""
    m = _LOCATED_RE.search(before[-24:]) or _TOWN_BEFORE_RE.search(before[-12:])
    if m is None:
        m = _LOCATED_AFTER_RE.match(after) or _LOCATED_LATER_RE.match(after)
    return m.group(1) if m else ""


def _generic(
    head: str,
    stem: str,
    layer: str,
    role: str,
    stem_places: tuple[str, ...],
    name: str,
    located: bool = False,
) -> bool:
    """Whether a classified name is a function or a kind rather than a named place
    (``located``: the text puts it at a place, 在红旗镇建设农产品加工园区, so it is one)."""
    bare = not _FUNCTION_WORDS.sub("", stem.replace("(", "").replace(")", ""))
    if head != "河长制" and bare and not located:
        return True  # 农产品加工园区, 国家级出口基地, 国考断面, 病险水库除险加固工程
    if layer == "park" and _ROUTE_IN_STEM.search(stem):
        return True
    if head in ("经济区", "新区") and is_city(stem):
        return True  # 融入沈阳经济区: a region named after a city, not a park
    if layer == "project" and re.search(r"\d+个(?:项目|工程)$|重点(?:项目|工程)$", name):
        return True  # 石化资源替代转型升级2个项目, 锦州港重点项目: a count or a category
    if head in ("工程", "项目") and not stem_places and not _SEGMENT_RE.search(name):
        return True  # a project counts only where it names a place
    if (
        role in ("base", "cluster")
        and not stem_places
        and not _REGIONAL.match(stem)
        and not located
    ):
        return True  # 农产品基地, 实践创新基地: a function, not a named place
    if role == "education" and not stem_places and not _SCHOOL.search(stem):
        return True  # 全国性人才实训基地: a kind of base; 县职业教育实训基地 is a school's
    if _HEAD_RE.search(stem[-3:]) and stem[-1] in "园区":
        return True  # 柳城经济开发区园区: the head repeated
    if (
        layer == "transport"
        and not stem_places
        and (len(stem) > 4 or stem[0] in "一二两三四五六七八九十")
    ):
        return True  # 新县城公路, 四好农村公路: no named route
    # 探索园区, 直播基地: a bare two-character stem is rarely a name
    return len(stem) == 2 and not stem_places and head in _GENERIC_HEADS and not located


def _twin(sent: str, start: int, head: str, stem: str, layer: str) -> str:
    """京沈、锦赤高铁: a short member before 、 shares the head (→ 京沈高铁), else ``""``."""
    if not sent[:start].endswith("、"):
        return ""
    k = _name_start(sent, start - 1, 0)
    pre = re.fullmatch(r"([\u4e00-\u9fff]{2,3})", sent[k : start - 1])
    if not (pre and layer in _TWIN_LAYERS and len(stem) <= 3):
        return ""
    word = pre.group(1)
    if word[-1] in "路线道港站河" or _HEAD_RE.search(word) or _STOP_RE.search(word):
        return ""
    return word + head


def _anchors(name: str, attrs: dict[str, str], scope: str | None) -> tuple[str, ...]:
    """Places in the name, then a segment's river and end points (in reading order)."""
    found = list(find_anchors(name, scope))
    for key in ("river", "from", "to", "at"):
        value = attrs.get(key, "")
        if value and not any(value in a or a in value for a in found):
            found.append(value)
    return tuple(found)


def _own_prefixes(plan: PlanInfo) -> tuple[str, ...]:
    """The plan's own unit names (站前区, 站前, 营口市 …), longest first."""
    parts = re.findall(r"[\u4e00-\u9fff]+?(?:省|市|区|县|旗)", plan.jurisdiction)
    names = set(parts) | {p[:-1] for p in parts if len(p) >= 3}
    return tuple(sorted(names, key=len, reverse=True))


def _dedup_key(name: str, own: tuple[str, ...]) -> str:
    """站前区造纸厂水库 and 造纸厂水库 are one entity: drop a leading own-unit name."""
    for prefix in own:
        if name.startswith(prefix) and len(name) - len(prefix) >= 3:
            return name[len(prefix) :]
    return name


def _is_label(hit: _Hit) -> bool:
    """Whether the hit's sentence is its name alone, as a list item's label (``2. X园。``)."""
    s, e = hit.sent
    said = re.sub(r"^\s*(?:\d{1,2}[.、)]|\(\d{1,2}\))?\s*", "", hit.passage.text[s:e])
    return said.rstrip("。;,: ") == hit.name


def _without_labels(hits: list[_Hit]) -> list[_Hit]:
    """Drop a list label (``2. 中药材加工园区。``: a sentence that is the name alone) when its
    paragraph goes on to name the park in full (郜家店中药材加工园区位于郜家店镇)."""
    out = []
    for hit in hits:
        label = _is_label(hit)
        fuller = [
            h
            for h in hits
            if h is not hit
            and h.passage is hit.passage
            and h.layer == hit.layer
            and len(h.name) > len(hit.name)
            and h.name.endswith(hit.name)
        ]
        if label and fuller:
            for h in fuller[:1]:
                h.mentions += hit.mentions
                for k, v in hit.attrs.items():
                    h.attrs.setdefault(k, v)
            continue
        out.append(hit)
    return out


def extract_entities(doc, plan: PlanInfo) -> tuple[Entity, ...]:
    """Find a plan's parks, ports, water works, transport, protected areas and projects.

    Parameters
    ----------
    doc : Document or PlanText
        The structured plan (see :func:`atlas.extract.passages.passages`).
    plan : PlanInfo
        Its identity; ``adcode`` scopes the anchor look-ups.

    Returns
    -------
    tuple of Entity
        One per distinct name, in order of first mention; ``attrs`` has ``mentions`` and,
        where the text states them, ``from``/``to``/``river``, ``length_km``, ``area_km2``.
    """
    scope = plan.adcode or None
    own = _own_prefixes(plan)
    seen: dict[str, _Hit] = {}
    companies: set[str] = set()
    for p in passages(doc):
        if p.heading:
            continue
        for hit in _scan(p, scope, companies):
            key = _dedup_key(hit.name, own)
            if key in seen:
                first = seen[key]
                if len(hit.name) > len(first.name) and _is_label(first):
                    first.name = hit.name  # the full name (西丰鹿产品…园) over a label (鹿产品…园)
                first.mentions += 1
                for k, v in hit.attrs.items():
                    first.attrs.setdefault(k, v)
                continue
            seen[key] = hit
    out: list[Entity] = []
    for hit in _without_labels(list(seen.values())):
        attrs = dict(hit.attrs)
        attrs["mentions"] = str(hit.mentions)
        anchors = _anchors(hit.name, attrs, scope)
        if hit.layer in ("park", "port"):
            outside = outside_prefix(hit.name)
            rest = find_anchors(hit.name[len(outside) :], scope) if outside else ()
            if outside and not [a for a in rest if not hit.name.startswith(outside + a)]:
                continue  # 天津滨海新区, 秦皇岛港: a place outside 辽宁, not the plan's park
            if outside:  # 北京朝阳·北票产业合作园区: the partner's district is no anchor
                anchors = tuple(a for a in anchors if not hit.name.startswith(outside + a))
        s, e = hit.sent
        out.append(
            Entity(
                plan_id=plan.plan_id,
                layer=hit.layer,
                role=hit.role,
                name=hit.name,
                source=hit.passage.span(s, e),
                anchors=anchors,
                attrs=tuple(sorted(attrs.items())),
            )
        )
    log.info("%s: %d entities", plan.plan_id, len(out))
    return tuple(out)
