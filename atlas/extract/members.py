"""List members and element names from a definition: 指A、B和C → A, B, C.

Plans define a component by listing its members in many ways (、 lists, 和/及 pairs, ；-separated
zones, a shared tail 锦-阜-盘、锦-朝联动发展轴, a trailing restatement …五大工程, a lead-in
依托/沿/形成的 …). :func:`split_items` picks the reading that yields the number of members the
numeral promises, preferring members that end in the component's unit word; :func:`clean_name`
turns a defining phrase into the element's own name.
"""

from __future__ import annotations

import re

from atlas.read.text import sentence_bounds

_LEAD_RE = re.compile(
    r"^(?:是指|指|即|为|是|包括|包含|:|,|依托|沿着|向[东南西北]|主动|重点|我市|本市|"
    r"全市|全县|全区|我县|本县|我区|本区|建设|打造|构建|多个|若干)+"
)
_TAIL_RE = re.compile(
    r"(?:等?[一二两三四五六七八九十多]+(?:个|大|条|座|处)[\u4e00-\u9fff]{0,10}|的简称|共同[\u4e00-\u9fff]{2}|等)$"
)
_VERB_RE = re.compile(r"(?:形成的|形成|构建|打造|建设成为|建设|建成)")
_AREA_RE = re.compile(
    r"(?:面积|占地)[^。;]{0,16}?(\d+(?:\.\d+)?)(平方公里|平方千米|km2|km²|公顷|万亩|亩)"
)
_AREA_FACTOR = {"平方公里": 1.0, "平方千米": 1.0, "km2": 1.0, "km²": 1.0, "公顷": 0.01}
_AREA_FACTOR.update({"万亩": 10000 / 1500, "亩": 1 / 1500})


def clean_name(text: str) -> str:
    """An element's own name from its defining phrase (依托…/…等 and verbs removed)."""
    t = re.sub(r"[“”\"‘’「」]", "", text).strip(" ,;:。")
    t = re.sub(r"\((?:以下简称|简称)[^)]*\)", "", t)
    t = _LEAD_RE.sub("", t)
    verbs = list(_VERB_RE.finditer(t))
    if verbs and len(t) - verbs[-1].end() >= 2:
        t = t[verbs[-1].end() :]
    t = re.sub(r"^以[\u4e00-\u9fff]{1,8}为(?:核心|中心|主体|重点)的", "", t)
    t = re.sub(r"^沿[^,;]{1,12}?的(?=[\u4e00-\u9fff]{2})", "", t)  # 沿黄海大道的城镇发展轴
    t = re.sub(r"^沿[^,;的]{1,12}?布局(?=[\u4e00-\u9fff]{2})", "", t)  # 沿辽河布局辽河生态经济带
    # 北部现代农业区以桓洞镇、西佛镇为主体 / 中部城镇产业区包括A、B: the places it covers
    t = re.sub(r"(?<=[\u4e00-\u9fff]{2})以[^,;]{1,40}?为(?:主体|核心|中心|重点|依托)$", "", t)
    t = re.sub(r"(?<=[\u4e00-\u9fff]{2})(?:包括|包含|涵盖|覆盖)[^,;]*$", "", t)
    if "、" in t and "等" in t and len(t.rsplit("等", 1)[1]) >= 2:
        t = t.rsplit("等", 1)[1]  # 葡萄、花生、苹果等特色种植带 → 特色种植带
    return strip_tail(t).strip(" ,;:")


def strip_tail(text: str) -> str:
    """Drop a trailing 五大工程 / 两个城区 / 的简称 / 共同治理 / 等 (never the whole text)."""
    m = _TAIL_RE.search(text)
    return text[: m.start()] if m and m.start() > 0 else text


def unit_end(item: str, unit: str) -> bool:
    """Does ``item`` end with the component's unit word (区 for 片区, 廊 for 廊道)?"""
    tail = re.sub(r"[)\]”]+$", "", item)[-4:]
    return bool(unit) and (unit[-1] in tail or unit[0] in tail)


def top_split(text: str, seps: str) -> list[str]:
    """Split on any of ``seps`` outside brackets."""
    out, depth, cur = [], 0, []
    for ch in text:
        if ch in "(（[":
            depth += 1
        elif ch in ")）]" and depth:
            depth -= 1
        if depth == 0 and ch in seps:
            out.append("".join(cur))
            cur = []
            continue
        cur.append(ch)
    out.append("".join(cur))
    return [x.strip() for x in out if x.strip()]


def _split_last(items: list[str], unit: str) -> list[str]:
    """Split the last list item on 和/及/与 when that yields items of the unit."""
    if not items:
        return items
    last = items[-1]
    for conj in ("和", "及", "与"):
        if conj in last:
            a, b = last.rsplit(conj, 1)
            if conj == "与" and not (unit_end(a, unit) and unit_end(b, unit)):
                continue
            if a and b:
                return [*items[:-1], a, b]
    return items


def _distribute(items: list[str], unit: str) -> list[str]:
    """A、B联动发展轴 → A联动发展轴, B联动发展轴 (members share the last item's tail)."""
    last = items[-1]
    if len(items) < 2 or not unit_end(last, unit):
        return items
    short = [x for x in items[:-1] if not unit_end(x, unit)]
    if not short:
        return items
    width = max(
        (len(t) for t in re.findall(r"[\u4e00-\u9fff]+", short[0].split("-", 1)[-1])), default=0
    )
    chain = re.match(rf"[\u4e00-\u9fff]{{1,2}}(?:-[\u4e00-\u9fff]{{{max(width, 1)}}})+", last)
    if chain and "-" in short[0]:
        cut = chain.end()
    elif all(len(x) <= 2 for x in short) and len(short[0]) < len(last):
        cut = len(short[0])  # 京沈、锦赤高铁 → 京沈高铁
    else:
        return items
    tail = last[cut:]
    if not cut or not tail:
        return items
    return [x if unit_end(x, unit) else x + tail for x in items[:-1]] + [last]


def split_items(text: str, count: int, unit: str) -> list[str]:
    """The list members of a definition: the split that gives ``count`` items of the unit."""
    body = _LEAD_RE.sub("", text.strip(" ,;。"))
    body = strip_tail(body)
    if count == 1:
        return [body] if body else []
    candidates: list[list[str]] = []
    if ";" in body:
        candidates.append(top_split(body, ";"))
    for clause in top_split(body, ","):
        candidates.append(_split_last(top_split(strip_tail(clause), "、"), unit))
    if "," not in body:
        candidates.append(top_split(re.sub(r"和|及", "、", body), "、"))
        for conj in "和及与":
            candidates.append(top_split(body, conj))
    best: list[str] = []
    best_score = -1.0
    for cand in candidates:
        cand = [c if "、" in c else re.sub(r"(?<=.)等[\u4e00-\u9fff]{2,10}$", "", c) for c in cand]
        cand = [strip_tail(c) for c in cand]
        cand = [c for c in cand if c]
        if len(cand) < 2 or any(";" in c for c in cand):
            continue  # an item never spans a semicolon: that split is the stronger one
        fits = count == len(cand) or (count == 0 and len(cand) >= 2)
        # an item may be its name and then its description (A带,串联…): either ends in the unit
        share = sum(unit_end(c, unit) or unit_end(clean_name(c.split(",")[0]), unit) for c in cand)
        share /= len(cand)
        score = (2.0 if fits else 0.0) + share + (0.1 if count == 0 else 0) * len(cand) / 10
        if score > best_score:
            best, best_score = cand, score
    if not best:
        return [body] if body else []
    return _distribute(best, unit) if unit else best


def area_km2(text: str) -> float | None:
    m = _AREA_RE.search(text)
    if not m:
        return None
    return round(float(m.group(1)) * _AREA_FACTOR[m.group(2)], 4)


def sentence_end(text: str, start: int) -> int:
    for s, e in sentence_bounds(text):
        if s <= start < e:
            return e
    return len(text)
