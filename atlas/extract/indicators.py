"""Indicators: every row of a plan's indicator tables, plus targets and results in prose.

Tables (:attr:`atlas.read.structure.Document.tables`) are read by their column headers: a column's
year comes from ``20XX年`` (or ``“十三五”`` → 2020, ``“十四五”`` → 2025), its side from
目标/规划 (target) vs 预计/完成/实际/现状 (base/actual), else by year order; 增长/增速
columns hold growth rates. A review table (a goal and an achieved column for the same year,
e.g. 十三五 完成情况) yields ``kind="review"`` rows: the goal in ``target_*``, the achieved
figure in ``actual_year``/``actual_value``; a table that also has later targets yields a
``target`` row too, based on the achieved figure.

Prose: every sentence outside tables and 专栏 project lists is searched for known indicator
names (:mod:`atlas.extract.keys`) followed by a value (``地区生产总值增长5.4%``,
``到2025年,全市粮食生产能力达到11亿斤``, ``城镇登记失业率控制在4.5%以内``), ratio
(``28:30:42``) or qualitative target (``与经济增长同步``, ``高于全省平均水平``). The year
is the nearest year named before the value, else the section's (``2023年工作回顾``), else the
plan period's; values in years up to the base year are ``actual``, later ones ``target``.
``分别`` constructions pair subjects and values (``城镇和农村…收入分别增长5.1%和8%``).
Target sentences are first read clause by clause (:mod:`atlas.extract.prose_targets`): the
subject as written, 年均增长N% (growth only, no target level), 由A增加到B (base, target),
…下降N% (a reduction target, the verb in the name), 完成…下达任务 (no number), and the
(预期性)/(约束性) that follows the clause.

Conventions (DESIGN §4 plus): ``kind="actual"`` keeps the observed value in ``base_value``
(``base_year`` its year, ``base_growth`` its growth); a target is in ``target_value``
(``growth`` = targeted annual growth). A statement that gives only a rate of growth gets the
``_growth`` key (``gdp_growth``, unit %): an achieved rate in ``base_value`` and
``base_growth``, a targeted rate in ``growth`` only (``target_value`` stays empty).
Qualitative cells keep their text (``target_text``/``base_text``) with ``qualifier``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from atlas.extract.keys import canonical_key, find_names
from atlas.extract.numbers import NO_SCI_AFTER, NO_SCI_BEFORE, plausible
from atlas.extract.prose_targets import clause_targets
from atlas.model import Indicator, SourceSpan
from atlas.read.structure import Document, Sentence
from atlas.read.tables import UNIT_RE, Table

#: placeholder cells meaning "no value"
_EMPTY = {"", "—", "--", "-", "/", "——", "—-", "－", "∅", "...", "…"}
#: a number; thousands separators (35,566) only where no clause comma can be meant
_NUM_RE = re.compile(
    NO_SCI_BEFORE + r"(?:-?\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d,])|-?\d+(?:\.\d+)?)" + NO_SCI_AFTER
)
_RATIO_RE = re.compile(r"\d+(?:\.\d+)?(?::\d+(?:\.\d+)?){2,3}")
_YEAR_RE = re.compile(r"((?:19|20)\d\d)年")
_PERIOD_END = {"十一五": 2010, "十二五": 2015, "十三五": 2020, "十四五": 2025, "十五五": 2030}
_QUALIFIERS = (
    ("不低于", "不低于"),
    ("不少于", "不低于"),
    ("不高于", "不高于"),
    ("不超过", "不超过"),
    ("高于", "高于"),
    ("超过", "高于"),
    ("快于", "高于"),
    ("低于", "低于"),
    ("突破", "突破"),
    ("左右", "左右"),
    ("以上", "以上"),
    ("以内", "以内"),
    ("以下", "以下"),
    ("累计", "累计"),
    ("同步", "同步"),
    ("力争", "力争"),
    ("约", "左右"),
    ("持平", "持平"),
)
_UNIT_MAP = {
    "m2": "平方米",
    "m²": "平方米",
    "㎡": "平方米",
    "km2": "平方公里",
    "km²": "平方公里",
    "μg/m3": "微克/立方米",
    "μg/m^3": "微克/立方米",
    "ug/m3": "微克/立方米",
    "μg/m³": "微克/立方米",
    "亿": "亿元",
    "万": "万元",
}


# --------------------------------------------------------------------------- values


def normalize_unit(unit: str, name: str = "") -> str:
    """Normalise a unit as written (``m2`` → 平方米, ``μg/m 3`` → 微克/立方米).

    A missing unit is inferred only where the name leaves no doubt: …率/比重/占比 → %,
    …天数 → 天.
    """
    u = re.sub(r"\s+|\^", "", unit or "")
    u = _UNIT_MAP.get(u, u)
    if not u and name:
        if re.search(r"(?:率|比重|占比|比例)$", name):
            return "%"
        if name.endswith("天数"):
            return "天"
    return u


def parse_value(cell: str) -> tuple[float | None, str, str]:
    """Parse a value cell or phrase.

    Returns
    -------
    value : float or None
        The number, if there is one (``[20]`` → 20, ``2440(累计)`` → 2440, ``>5`` → 5);
        None for placeholders, ratios (``19:26:55``) and text (``达到市级要求``).
    qualifier : str
        左右, 以内, 以上, 不低于, 高于, 低于, 累计, 同步, 持平 ... ("" if none).
    text : str
        The cell as written (normalised), "" for placeholders.
    """
    t = (cell or "").strip()
    if t in _EMPTY:
        return None, "", ""
    qual = ""
    if t.startswith("[") and t.endswith("]"):
        qual = "累计"
    elif t.startswith((">=", "≥")):
        qual = "不低于"
    elif t.startswith(("<=", "≤")):
        qual = "不高于"
    elif t.startswith(">"):
        qual = "高于"
    elif t.startswith("<"):
        qual = "低于"
    else:
        for word, q in _QUALIFIERS:
            if word in t:
                qual = q
                break
    if _RATIO_RE.fullmatch(t.replace(" ", "")):
        return None, qual, t
    m = _NUM_RE.search(t)
    if m is None:
        return None, qual, t
    rest = (t[: m.start()] + t[m.end() :]).strip("[]()<>=≥≤ ")
    if re.search(r"[\u4e00-\u9fff]", rest) and not re.fullmatch(
        r"(?:左右|以上|以内|以下|累计|\(累计\)|约|力争|突破|不低于|不高于|不超过|达到)*", rest
    ):
        # a number inside a phrase (e.g. 达到2级标准): keep the text, not a value
        return None, qual, t
    value = float(m.group(0).replace(",", ""))
    if not plausible(value):
        return None, qual, t  # absurd: kept as text, listed in report.json warnings
    return value, qual, t


def _clean_name(name: str) -> str:
    name = re.sub(r"^\s*\d{1,3}[.、]\s*", "", name)
    return re.sub(r"^其中\s*[:：]\s*", "", name).strip()  # 其中:旅游业增加值


def _clean_group(group: str) -> str:
    return re.sub(r"^[一二三四五六七八九十]+、\s*", "", group).strip()


# --------------------------------------------------------------------------- tables


@dataclass(frozen=True)
class _Col:
    role: str  # name unit category no attribute status value other
    year: int | None = None
    side: str = ""  # base / target
    growth: bool = False


def _column_roles(columns: tuple[str, ...]) -> list[_Col]:
    roles: list[_Col] = []
    years: list[int] = []
    for c in columns:
        if re.search(r"属性", c):
            roles.append(_Col("attribute"))  # 指标属性 is the attribute, not the name
        elif re.search(r"指标|名称|项目", c) and not re.search(r"\d{4}|目标|完成", c):
            roles.append(_Col("name"))
        elif c == "单位":
            roles.append(_Col("unit"))
        elif c in ("类别", "类型", "领域"):
            roles.append(_Col("category"))
        elif c == "序号":
            roles.append(_Col("no"))
        elif re.search(r"属性", c):
            roles.append(_Col("attribute"))
        elif re.fullmatch(r"完成情况|完成状态", c):
            roles.append(_Col("status"))
        else:
            y = None
            if m := _YEAR_RE.search(c):
                y = int(m.group(1))
            else:
                for period, end in _PERIOD_END.items():
                    if period in c:
                        y = end
            if y is None:
                # 年均增长(%) without a year: the growth over the plan period (target side)
                growth_col = bool(re.search(r"增长|增速|增幅", c))
                roles.append(_Col("value", None, "target", True) if growth_col else _Col("other"))
                continue
            years.append(y)
            side = ""
            if re.search(r"目标|规划", c):
                side = "target"
            elif re.search(r"预计|完成|实际|实现|现状|基期|基数|基年", c):
                side = "base"
            growth = bool(re.search(r"增长|增速|增幅", c.split("/")[-1]))
            roles.append(_Col("value", y, side, growth))
    if years:
        lo, hi = min(years), max(years)
        roles = [
            _Col(
                r.role,
                r.year,
                r.side or ("base" if r.year == lo and lo != hi else "target"),
                r.growth,
            )
            if r.role == "value"
            else r
            for r in roles
        ]
    return roles


def _is_indicator_table(tbl: Table, roles: list[_Col]) -> bool:
    has_name = any(r.role == "name" for r in roles)
    has_value = any(r.role == "value" for r in roles)
    return has_name and has_value and ("指标" in tbl.caption or "指标" in "".join(tbl.columns))


def _row_fields(roles: list[_Col], cells: tuple[str, ...]) -> tuple[dict, dict]:
    """The text fields (name, unit …) and the value cells ``{(side, year, growth): cell}``."""
    text = {"name": "", "unit": "", "attribute": "", "status": "", "category": ""}
    values: dict[tuple[str, int | None, bool], str] = {}
    for col, cell in zip(roles, cells, strict=False):
        if col.role == "name":
            text["name"] = _clean_name(cell)
        elif col.role in ("unit", "category", "status"):
            text[col.role] = cell
        elif col.role == "attribute":
            text["attribute"] = cell if cell in ("预期性", "约束性") else ""
        elif col.role == "value":
            values[(col.side, col.year, col.growth)] = cell
    return text, values


def _value_fields(values: dict, review_years: set, skip_review: bool) -> dict:
    """base/target/growth fields of one row from its value cells (review years left out)."""
    f: dict = {}
    for (side, year, growth), cell in values.items():
        if skip_review and side == "target" and year in review_years:
            continue
        value, qual, text = parse_value(cell)
        if side == "base":
            if growth:
                f["base_growth"] = value
            else:
                f.update(base_year=year, base_value=value, base_text=text)
        elif growth:
            f.update(growth=value, growth_text=text)
        else:
            f.update(target_year=year, target_value=value, target_text=text, qualifier=qual)
    return f


def _review_fields(values: dict, year: int, later: bool) -> dict:
    """A 十三五 review row: the goal for ``year`` as the target, the achieved as actual (and
    the planned and achieved growth rates, when the table has them)."""

    def cell(side: str, growth: bool) -> str:
        for (sd, y, g), c in values.items():
            if sd == side and g == growth and (y == year or (y is None and not later)):
                return c
        return ""

    target, qual, target_text = parse_value(cell("target", False))
    actual, _q, actual_text = parse_value(cell("base", False))
    growth, _q, growth_text = parse_value(cell("target", True))
    return dict(
        target_year=year,
        target_value=target,
        target_text=target_text,
        qualifier=qual,
        growth=growth,
        growth_text=growth_text,
        base_growth=parse_value(cell("base", True))[0],
        actual_year=year,
        actual_value=actual,
        base_text=actual_text,
    )


def table_indicators(doc: Document, tbl: Table) -> list[Indicator]:
    """One :class:`Indicator` per data row of an indicator table ([] for other tables).

    A review table (a 2020 goal column next to the 2020 achieved column) gives ``kind=review``
    rows: the goal in ``target_*``, the achieved figure in ``actual_*``. A table that also has
    later targets (十三五 完成情况及十四五 目标) gives both a review row and a target row whose
    base is the achieved figure.
    """
    roles = _column_roles(tbl.columns)
    if not _is_indicator_table(tbl, roles):
        return []
    values_ = [r for r in roles if r.role == "value" and r.year]
    base_years = [r.year for r in values_ if r.side == "base"]
    target_years = [r.year for r in values_ if r.side == "target"]
    review_years = {y for y in target_years if y in base_years}
    later = [y for y in target_years if y not in review_years]
    caption = re.sub(r"^专栏\s*[:：]?\s*", "", tbl.caption)
    out: list[Indicator] = []
    for row in tbl.rows:
        text, values = _row_fields(roles, row.cells)
        name = text["name"]
        if not name:
            continue
        unit = text["unit"]
        m = re.fullmatch(r"(.+?)[(（]([^()（）]{1,8})[)）]", name)
        if not unit and m and (UNIT_RE.match(m.group(2)) or m.group(2) in _UNIT_MAP):
            name, unit = m.group(1), m.group(2)  # 地区生产总值（亿元）: the unit in the name
        common = dict(
            plan_id=doc.plan.plan_id,
            name=name,
            key=canonical_key(name),
            unit=normalize_unit(unit, name),
            source=row.source,
            status=text["status"],
            category=_clean_group(text["category"] or row.group),
            table=caption,
        )
        if review_years:
            fields = _review_fields(values, max(review_years), bool(later))
            out.append(Indicator(**common, kind="review", **fields))
        if review_years and not later:
            continue
        f = _value_fields(values, review_years, skip_review=True)
        if "target_year" not in f and later:
            f["target_year"] = max(later)
        if "base_year" not in f and base_years:
            f["base_year"] = max(base_years)
        out.append(Indicator(**common, attribute=text["attribute"], kind="target", **f))
    return out


# --------------------------------------------------------------------------- prose

_VERBS = (
    r"增长|增速为?|增幅为?|下降|降低|减少|提高到|提高至|提升至|提升到|提高|提升|达到|达|实现|"
    r"突破|超过|控制在|稳定在|保持在|完成|为|涨幅|累计"
)
_UNITS = (
    r"%|‰|个百分点|平方公里|平方米|立方米|微克/立方米|公里|公顷|"
    r"[万亿千]?(?:美元|元|人次|人|户|家|个|吨|斤|亩|标箱|千瓦|张|所|项|件|套|床)|岁|天|亿|万"
)
_VALUE_RE = re.compile(
    rf"^(?P<gap>[^,;。:0-9%]{{0,10}}?)(?P<verb>{_VERBS})?"
    r"(?P<q1>不低于|不少于|不高于|不超过|高于|低于|超过|突破|约|力争)?"
    r"(?P<num>-?\d{1,3}(?:,\d{3})+(?:\.\d+)?(?=\.\d|[万亿元%人户家个吨])|-?\d+(?:\.\d+)?)"
    + NO_SCI_AFTER
    + rf"(?P<unit>{_UNITS})?(?P<q2>左右|以上|以内|以下|多|余)?"
)
_RATIO_VALUE_RE = re.compile(
    r"^(?P<gap>[^,;。0-9]{0,10}?)(?P<ratio>\d+(?:\.\d+)?(?:\s?:\s?\d+(?:\.\d+)?){2,3})"
)
#: a name used as a denominator or reference (占地区生产总值比重, 每千常住人口…) is not the
#: indicator the value belongs to
_NOT_SUBJECT_BEFORE = re.compile(r"(?:占|每[千万百十]?|对|比|较|按|与)$")
_NOT_SUBJECT_GAP = re.compile(r"比重|占比|贡献率|比例|密度|总数的|人员|床位")
_QUALITATIVE_RE = re.compile(
    r"^(?P<gap>[^,;。0-9]{0,8}?)(?P<text>(?:增长|增速)?(?:与经济增长同步|与经济同步增长|同步增长|"
    r"(?:高于|不低于|快于|超过)(?:全国|全省|全市|沿海[^,;。]{0,4})[^,;。]{0,6}?平均(?:水平|增速)?))"
)
_SECTION_NUMBER_RE = re.compile(
    r"^(?:第[一二三四五六七八九十百零〇\d]+[编篇章节]|\([一二三四五六七八九十\d]+\)|"
    r"[一二三四五六七八九十]+、|\d{1,2}[.、](?!\d))\s*"
)
_HAS_VALUE_RE = re.compile(r"\d|同步|平均")
_REVIEW_RE = re.compile(r"回顾|发展基础|成就|主要成绩|十三五|完成情况|工作总结")
_GROWTH_VERBS = {"增长", "增速", "增速为", "增幅", "增幅为", "下降", "降低", "减少"}


def _period(doc: Document) -> tuple[int, int]:
    """(base year, target year) of the plan: 2021-2025 → (2020, 2025); report 2023-2024."""
    years = [int(y) for y in re.findall(r"(?:19|20)\d\d", doc.plan.period)]
    if doc.plan.kind == "work-report" and len(years) >= 2:
        return years[0], years[1]
    if len(years) >= 2:
        return years[0] - 1, years[1]
    for p, end in _PERIOD_END.items():
        if p in doc.title:
            return end - 5, end
    if m := _YEAR_RE.search(doc.title):
        y = int(m.group(1))
        return y - 1, y
    return 2020, 2025


def _context_year(sent: Sentence, base: int, target: int, report: bool) -> int:
    for title in reversed(sent.heading_path):
        if m := _YEAR_RE.search(title):
            return int(m.group(1))
        if _REVIEW_RE.search(title):
            return base
        if re.search(r"十四五|目标|展望", title):
            return target
    return target


def _year_before(text: str, pos: int, default: int, base: int, target: int) -> int:
    best = None
    for m in _YEAR_RE.finditer(text, 0, pos):
        y = int(m.group(1))
        if text[max(0, m.start() - 1) : m.start()] in ("比", "较"):
            continue  # 比2020年提高5个百分点: the year compared with, not the statement's
        if 1990 <= y <= 2060:
            best = y
    if best is not None:
        return best
    if re.search(r"今年", text[:pos]) and base < target:
        return target
    if re.search(r"十四五”?(?:末|期末|时期|期间)", text[:pos]):
        return 2025
    return default


def _subjects(clause: str) -> list[str]:
    """Split ``城镇和农村常住居民人均可支配收入`` into full subject names."""
    parts = [p for p in re.split(r"和|、|及|与", clause) if p]
    if len(parts) < 2:
        return parts
    last = parts[-1]
    out = []
    for p in parts[:-1]:
        if len(p) < len(last) and canonical_key(p) == "":
            p = p + last[len(p) :] if len(p) <= 3 else p
        out.append(p)
    return [*out, last]


def _make(
    doc: Document,
    name: str,
    key: str,
    span: SourceSpan,
    year: int,
    base: int,
    num: float | None,
    unit: str,
    qual: str,
    text: str,
    growth: bool,
) -> Indicator:
    kind = "actual" if year <= base else "target"
    unit = normalize_unit(unit)
    if growth:
        key = f"{key}_growth" if key and not key.endswith("_growth") else key
        unit = "%"
    fields: dict = {}
    if kind == "actual":
        fields.update(base_year=year, base_value=num, base_text=text)
        if growth:
            fields["base_growth"] = num
    else:
        fields.update(target_year=year, target_value=num, target_text=text, qualifier=qual)
        if growth:  # a targeted rate: growth only, no target level
            fields.update(target_value=None, growth=num, growth_text=text)
    if kind == "actual":
        fields["qualifier"] = qual
    return Indicator(
        plan_id=doc.plan.plan_id,
        name=name,
        key=key,
        unit=unit,
        source=span,
        kind=kind,
        table="prose",
        **fields,
    )


def _qual(q1: str | None, q2: str | None) -> str:
    for q in (q2, q1):
        if q:
            return {
                "多": "以上",
                "余": "以上",
                "约": "左右",
                "超过": "高于",
                "不少于": "不低于",
            }.get(q, q)
    return ""


def prose_indicators(doc: Document) -> list[Indicator]:
    """Indicators stated in sentences (see the module docstring)."""
    base, target = _period(doc)
    report = doc.plan.kind == "work-report"
    out: list[Indicator] = []
    for sent in doc.sentences(kinds=("text",)):
        n0 = len(out)
        covered = _clause_indicators(doc, sent, base, target, report, out)
        _sentence_indicators(doc, sent, base, target, report, out, covered)
        if len(out) > n0 and sent.heading_path:
            # the innermost heading groups prose indicators as a table's category would
            label = _SECTION_NUMBER_RE.sub("", sent.heading_path[-1]).strip()
            out[n0:] = [replace(i, category=label) for i in out[n0:]]
    return out


def _clause_indicators(
    doc: Document, sent: Sentence, base: int, target: int, report: bool, out: list[Indicator]
) -> list[tuple[int, int]]:
    """Targets read clause by clause (:mod:`atlas.extract.prose_targets`), appended to ``out``;
    returns the clause spans read, which the name-by-name reading then leaves alone."""
    if sent.box >= 0:
        return []
    default_year = _context_year(sent, base, target, report)
    covered: list[tuple[int, int]] = []
    names = find_names(sent.text)
    for c in clause_targets(sent.text):
        year = _year_before(sent.text, c.start, default_year, base, target)
        if year <= base:
            continue  # achieved figures stay with the name-by-name reading
        known = tuple(sent.text[s:e] for s, e, _k in names if c.start <= s < c.end)
        if not c.plausible(known):
            continue
        covered.append((c.start, c.end))
        out.append(
            Indicator(
                plan_id=doc.plan.plan_id,
                name=c.name,
                key=c.key,
                unit="%" if c.growth_only else normalize_unit(c.unit, c.name),
                source=sent.span(c.start, c.end),
                base_year=(c.base_year or base) if c.base_value is not None else None,
                base_value=c.base_value,
                target_year=year,
                target_value=c.target_value,
                target_text=sent.text[c.start : c.end],
                qualifier=c.qualifier,
                growth=c.growth,
                attribute=c.attribute,
                kind="target",
                table="prose",
            )
        )
    return covered


def _sentence_indicators(
    doc: Document,
    sent: Sentence,
    base: int,
    target: int,
    report: bool,
    out: list[Indicator],
    covered: list[tuple[int, int]] = (),
) -> None:
    """Append the indicators one sentence states to ``out`` (names inside ``covered``
    clauses were read already)."""
    if sent.box >= 0:
        return  # 专栏 project lists: investments, not indicators
    text = sent.text
    if not _HAS_VALUE_RE.search(text):
        return  # no number and no qualitative comparison: nothing to extract
    names = find_names(text)
    if not names:
        return
    default_year = _context_year(sent, base, target, report)
    for i, (s, e, key) in enumerate(names):
        if any(a <= s < b for a, b in covered):
            continue
        stop = names[i + 1][0] if i + 1 < len(names) else len(text)
        seg = text[e:stop]
        name = text[s:e]
        # 分别 construction: subjects joined by 和/、 share one verb and a value list
        clause_start = max(text.rfind(c, 0, s) for c in ",;。:") + 1
        if "分别" in seg[:12] and (i == 0 or names[i - 1][0] < clause_start):
            subj = _subjects(text[clause_start:e])
            after = seg[seg.index("分别") + 2 :]
            vals = list(
                re.finditer(
                    NO_SCI_BEFORE + r"(-?\d+(?:\.\d+)?)" + NO_SCI_AFTER + rf"({_UNITS})?",
                    after.split(";")[0].split("。")[0],
                )
            )
            verb = re.match(rf"({_VERBS})?", after).group(0) or ""
            if len(vals) >= len(subj) >= 2:
                for sname, vm in zip(subj, vals, strict=False):
                    skey = canonical_key(sname)
                    if not skey:
                        continue
                    pos = e + seg.index("分别") + 2 + vm.start()
                    year = _year_before(text, s, default_year, base, target)
                    out.append(
                        _make(
                            doc, sname, skey, sent.span(s, pos + len(vm.group(0))), year,
                            base, float(vm.group(1)), vm.group(2) or "", "", vm.group(0),
                            verb in _GROWTH_VERBS or verb.startswith("增"),
                        )
                    )  # fmt: skip
                continue
        year = _year_before(text, s, default_year, base, target)
        if _NOT_SUBJECT_BEFORE.search(text[max(0, s - 2) : s]):
            continue
        r = _RATIO_VALUE_RE.match(seg)
        if r:
            ratio = re.sub(r"\s", "", r.group("ratio"))
            out.append(
                _make(
                    doc, name, key, sent.span(s, e + r.end()), year, base, None, "", "",
                    ratio, False,
                )
            )  # fmt: skip
            continue
        m = _VALUE_RE.match(seg)
        if m and _NOT_SUBJECT_GAP.search(m.group("gap") or ""):
            continue
        if m and (m.group("unit") or m.group("verb")) and m.group("num"):
            num = float(m.group("num").replace(",", ""))
            if not plausible(num):
                continue  # absurd: listed in report.json warnings, never a value
            unit = m.group("unit") or ""
            if 1990 <= num <= 2060 and seg[m.end("num") : m.end("num") + 1] == "年":
                continue
            verb = m.group("verb") or ""
            gap = m.group("gap") or ""
            said = gap + verb
            growth = unit in ("%", "") and (
                verb in _GROWTH_VERBS or bool(re.search(r"增长|增速|增幅", gap))
            )
            if (
                growth
                and re.search(r"下降|降低|减少", said)
                and not re.search(r"下降|降低|减少", name)
            ):
                num = -num
            qual = _qual(m.group("q1"), m.group("q2"))
            if not qual and verb in ("突破", "超过"):
                qual = _qual(verb, None)  # 突破200亿: a floor, not a point target
            before = text[max(0, s - 6) : s]
            if not qual and ("累计" in said or "累计" in before):
                qual = "累计"
            elif not qual and "每年" in before + said:
                qual = "每年"  # a yearly quota, not a level
            elif not qual and re.search(r"新增|净增", text[max(0, s - 4) : s] + said):
                qual = "新增"  # a flow (新增…家), not a stock (达到…家)
            end = e + m.end()
            ind = _make(
                doc, name, key, sent.span(s, end), year, base, num, unit,
                qual, seg[: m.end()].strip(), growth,
            )  # fmt: skip
            # a growth clause right after a level (…147亿元,增长2% / 完成156.3亿元、增长3.2%)
            rest = seg[m.end() :]
            g = _GROWTH_AFTER_RE.match(rest)
            if g and not growth:
                gv = float(g.group(2)) * (-1 if g.group(1) == "下降" else 1)
                ind = _with_growth(ind, gv, sent.span(s, end + g.end()))
            out.append(ind)
            continue
        q = _QUALITATIVE_RE.match(seg)
        if q:
            qt = q.group("text")
            qual = "同步" if "同步" in qt else ("不低于" if "不低于" in qt else "高于")
            out.append(
                _make(
                    doc, name, key, sent.span(s, e + q.end()), year, base, None, "", qual,
                    qt, qt.startswith(("增长", "增速")),
                )
            )  # fmt: skip


#: a growth clause right after a level value, joined by a comma or an enumeration comma
_GROWTH_AFTER_RE = re.compile(r"^[,、](?:按[^,]{0,8},)?(?:年均|同比)?(增长|下降)(-?\d+(?:\.\d+)?)%")


def _with_growth(ind: Indicator, g: float, span: SourceSpan) -> Indicator:
    from dataclasses import replace

    if ind.kind == "actual":
        return replace(ind, base_growth=g, source=span)
    return replace(ind, growth=g, source=span)


# --------------------------------------------------------------------------- API


def _same(a: Indicator, b: Indicator) -> bool:
    """True if prose indicator ``a`` states a value that ``b`` already holds."""
    if a.key != b.key or not a.key:
        return False
    if a.kind == "actual":  # an observed value: b's base (a table's 2020 column) or actual
        if b.kind == "review":
            return a.base_year == b.actual_year and a.base_value == b.actual_value
        return a.base_year == b.base_year and a.base_value == b.base_value
    return (
        b.kind == "target"
        and a.target_year == b.target_year
        and a.target_value == b.target_value
        and (a.target_value is not None or a.target_text == b.target_text)
    )


def extract_indicators(doc: Document) -> tuple[Indicator, ...]:
    """All indicators of a plan: table rows first (document order), then prose statements.

    A prose statement repeating a table row (same key, kind, year and value) is dropped; two
    prose statements of the same fact are kept once (the first).
    """
    table_rows: list[Indicator] = []
    for tbl in doc.tables:
        table_rows.extend(table_indicators(doc, tbl))
    prose: list[Indicator] = []
    for ind in prose_indicators(doc):
        if any(_same(ind, t) for t in table_rows) or any(_same(ind, p) for p in prose):
            continue
        prose.append(ind)
    return tuple(table_rows + prose)
