"""Prose targets read clause by clause: ``主语 + 动词 + 数值 (+ 属性)``.

A plan's target sentence lists its goals as clauses (``到2025年,地区生产总值年均增长6%(预期性);
一般公共预算收入由9.3亿元增加到12亿元;单位地区生产总值能耗降低完成省下达任务(约束性)``). Each
clause is read as its subject, as written, and one of these statements:

- ``年均增长6%`` — a growth rate only: ``growth`` = 6, no target level;
- ``由A增加到B`` / ``从A提高到B`` — base A, target B;
- ``…下降10%`` / ``…累计下降14%`` / ``…降低率`` — a reduction target; the verb is part of the
  name (万元地区生产总值用水量下降), the value is the target;
- ``完成…下达任务`` — a target without a number;
- ``达到 / 控制在 / 稳定在 / 保持在 / 不低于 / 提高到 … N`` — a target level;
- ``改造城镇老旧小区320个`` — a subject followed directly by a number and a unit.

``(预期性)``/``(约束性)`` right after a clause is that clause's attribute (and only its). A clause
that is only a growth rate (``,年均增长6%左右``) adds the growth to the clause before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from atlas.extract.keys import canonical_key

_NUM = r"-?\d+(?:\.\d+)?"
_UNIT = (
    r"%|‰|个百分点|平方公里|平方米|微克/立方米|立方米|公里|公顷|"
    r"[万亿千]?(?:美元|元|人次|人|户|家|个|吨|斤|亩|标箱|千瓦|张|所|项|件|套|床|辆|座|处|条|公里)|"
    r"岁|天|亿|万"
)
_Q2 = r"左右|以上|以内|以下"
_ATTR_RE = re.compile(r"^\s*\((预期性|约束性)\)")
_LEAD_RE = re.compile(
    r"^(?:(?:到|至|在)?(?:19|20)\d\d年(?:底|末)?|“?十四五”?(?:时期|期间|期末|末)?|"
    r"全(?:市|县|区)|我(?:市|县|区)|其中|力争|确保|同时|并且?|实现|使|推动|推进|促进|带动|"
    r"[^,;:。]{0,16}主要目标是|\s)+"
)
_FROM_TO_RE = re.compile(
    rf"^(?P<subj>.+?)(?:由|从)(?:(?P<ya>(?:19|20)\d\d)年(?:的|末)?)?(?P<a>{_NUM})(?P<ua>{_UNIT})?"
    r"(?:左右)?"
    r"(?P<verb>提高|增加|增长|提升|上升|扩大|降低|下降|减少|降|升)(?:到|至)"
    rf"(?P<b>{_NUM})(?P<ub>{_UNIT})?(?P<q2>{_Q2})?"
)
_GROWTH_RE = re.compile(
    rf"^(?P<subj>.*?)(?:年均|年平均|每年)?(?:增长|增速|增幅|递增)(?:率)?(?:为|达到|保持在)?"
    rf"(?P<q1>约)?(?P<num>{_NUM})%(?P<q2>{_Q2})?"
)
_DROP_RE = re.compile(
    rf"^(?P<subj>.+?(?:累计)?(?:下降|降低|减少)(?:率)?)(?:达到|为)?(?P<num>{_NUM})"
    rf"(?P<unit>%|个百分点)(?P<q2>{_Q2})?"
)
_TASK_RE = re.compile(
    r"^(?P<subj>.+?)(?:完成|达到|实现|不低于|不高于|低于|控制在)[^,;。]{0,12}?下达(?:的)?"
    r"(?:目标)?(?:任务|指标|要求)"
)
_LEVEL_RE = re.compile(
    r"^(?P<subj>.+?)(?P<verb>达到|控制在|稳定在|保持在|提高到|提高至|提升到|提升至|增加到|增加至|"
    r"下降到|下降至|降低到|降低至|减少到|减少至|降至|"
    r"突破|超过|不低于|不少于|不高于|不超过|低于|高于|达)"
    rf"(?P<q1>约)?(?P<num>{_NUM})(?P<unit>{_UNIT})?(?P<q2>{_Q2})?"
)
_BARE_RE = re.compile(rf"^(?P<subj>[^\d]{{2,20}}?)(?P<num>{_NUM})(?P<unit>{_UNIT})(?P<q2>{_Q2})?")
_BAD_SUBJ = re.compile(
    r"分别|、|和|(?<!普)及|与|[0-9]|^(?:建设|加快|加强|完善|打造|坚持|实施|发展|提升|提高|"
    r"保持|经济|全面|基本|各项|重点)|(?:任务|工作|目标|水平)$"
)


#: words that make a subject a piece of running text, not an indicator's name
_VERBISH = re.compile(
    r"^(?:占|对|比|较|按|与|在|以|每年|要|争取)|实现|发展到|引进|推介|完成|争取|规划|计划|按照|巩固|"
    r"形成|积极|引导|通过|力争|累计(?!下降)|均$"
)
#: the shapes of an indicator's name (for names outside the key vocabulary)
_INDICATOR_NAME = re.compile(
    r"(?:率|比例|比重|收入|人次|浓度|销售额|总额|总量|增加值|总值|吞吐量|生产能力|下降|降低)$"
)
_COUNT_UNITS = frozenset({"个", "座", "所", "处", "家", "户", "套", "栋", "条"})


@dataclass(frozen=True)
class Clause:
    """One target read from a clause; offsets are relative to the sentence."""

    name: str
    start: int
    end: int
    base_value: float | None = None
    target_value: float | None = None
    growth: float | None = None
    base_year: int | None = None  # 由2020年的45.2%提高到47%: the year of the base value
    unit: str = ""
    qualifier: str = ""
    attribute: str = ""
    text: str = ""
    growth_only: bool = False
    form: str = ""  # from_to, drop, growth, task, level, bare

    def plausible(self, known: tuple[str, ...] = ()) -> bool:
        """Whether the clause is an indicator statement worth its own row: a growth rate,
        a from-to change, a reduction or a task always (their subject reads as a name); a
        level only with an attribute or, when no known indicator name is in the clause,
        with a name shaped like an indicator (…率, …比例, …收入, …人次 …); a bare count only
        after 改造/新建/新增 (改造城镇老旧小区320个)."""
        if _VERBISH.search(self.name):
            return False
        if self.form in ("from_to", "drop", "growth", "task"):
            return bool(self.key or _INDICATOR_NAME.search(self.name) or self.attribute)
        if self.form == "level":
            if self.attribute:
                return True
            if known:  # 农村卫生厕所普及率: a known name with its qualifier, as written
                if len(known) == 1 and self.name.endswith(known[0]):
                    return self.name != known[0]
                return _INDICATOR_NAME.search(self.name) is not None and "浓度" in self.name
            return bool(_INDICATOR_NAME.search(self.name))
        return (
            not known
            and len(self.name) >= 5
            and bool(re.match(r"改造|新建|新增", self.name))
            and self.unit in _COUNT_UNITS
        )

    @property
    def key(self) -> str:
        key = canonical_key(self.name)
        if self.growth_only and key and not key.endswith("_growth"):
            return f"{key}_growth"
        return key


def _clauses(text: str) -> list[tuple[int, int]]:
    """Clause spans split at , ; : and 。 outside brackets."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "(（":
            depth += 1
        elif ch in ")）" and depth:
            depth -= 1
        elif depth == 0 and ch in ",;:。":
            out.append((start, i))
            start = i + 1
    out.append((start, len(text)))
    return [(s, e) for s, e in out if e > s]


def _subject(raw: str) -> str:
    subj = _LEAD_RE.sub("", raw).strip()
    subj = re.sub(r"(?:年均|年平均|每年)$", "", subj)
    bare = re.sub(r"\([^)]*\)|PM2\.5|PM10|5G|[345]A", "", subj)  # digits of a name's own
    if not 2 <= len(subj) <= 24 or _BAD_SUBJ.search(bare):
        return ""
    return subj


def _qual(q1: str | None, q2: str | None) -> str:
    return q2 or ("左右" if q1 == "约" else "")


def _read(clause: str) -> dict | None:
    """The statement one clause makes (without offsets), or None."""
    m = _FROM_TO_RE.match(clause)
    if m:
        return dict(
            raw=m.group("subj"), end=m.end(), base_value=float(m.group("a")),
            target_value=float(m.group("b")), unit=m.group("ub") or m.group("ua") or "",
            qualifier=m.group("q2") or "", form="from_to",
            base_year=int(m.group("ya")) if m.group("ya") else None,
        )  # fmt: skip
    m = _DROP_RE.match(clause)
    if m:
        return dict(
            raw=m.group("subj"), end=m.end(), target_value=float(m.group("num")),
            unit=m.group("unit"), qualifier=m.group("q2") or "", form="drop",
        )  # fmt: skip
    m = _GROWTH_RE.match(clause)
    if m:
        return dict(
            raw=m.group("subj"), end=m.end(), growth=float(m.group("num")), unit="%",
            qualifier=_qual(m.group("q1"), m.group("q2")), growth_only=True, form="growth",
        )  # fmt: skip
    m = _TASK_RE.match(clause)
    if m:
        return dict(raw=m.group("subj"), end=m.end(), qualifier="完成下达任务", form="task")
    m = _LEVEL_RE.match(clause)
    form = "level"
    if m is None:
        m = _BARE_RE.match(clause)
        form = "bare"
    if m:
        verb = m.groupdict().get("verb") or ""
        qual = _qual(m.groupdict().get("q1"), m.group("q2"))
        if not qual and verb in ("不低于", "不少于", "突破", "超过", "高于"):
            qual = "不低于" if verb in ("不低于", "不少于") else "高于"
        elif not qual and verb in ("不高于", "不超过", "低于"):
            qual = "不超过" if verb != "低于" else "低于"
        return dict(
            raw=m.group("subj"), end=m.end(), target_value=float(m.group("num")),
            unit=m.group("unit") or "", qualifier=qual, form=form,
        )  # fmt: skip
    return None


def _join_previous(out: list[Clause], got: dict, end: int, attribute: str) -> None:
    """A clause without a subject completes the one before it: ``,年均增长6%左右(预期性)``
    adds the growth, ``,到2025年达到200亿元`` the target level."""
    prev = out[-1]
    if got.get("growth_only") and prev.growth is None:
        out[-1] = replace(
            prev, growth=got["growth"], end=end, attribute=prev.attribute or attribute
        )
    elif got.get("form") == "level" and prev.target_value is None and prev.base_value is None:
        out[-1] = replace(
            prev,
            target_value=got["target_value"],
            unit=got["unit"] or prev.unit,
            qualifier=got["qualifier"],
            growth_only=False,
            end=end,
            attribute=prev.attribute or attribute,
        )


def clause_targets(text: str) -> list[Clause]:
    """The targets a target sentence states, clause by clause (see the module docstring)."""
    out: list[Clause] = []
    for s, e in _clauses(text):
        clause = text[s:e]
        lead = len(clause) - len(clause.lstrip())
        got = _read(clause.strip())
        if got is None:
            continue
        end = s + lead + got["end"]
        attr = _ATTR_RE.match(text[end : end + 8])
        attribute = attr.group(1) if attr else ""
        if attr:
            end += attr.end()
        raw = got.pop("raw")
        got.pop("end")
        subj = _subject(raw)
        if not subj:
            if out and not _LEAD_RE.sub("", raw).strip():
                _join_previous(out, got, end, attribute)
            continue
        out.append(
            Clause(name=subj, start=s + lead, end=end, attribute=attribute, text=clause, **got)
        )
    return out
