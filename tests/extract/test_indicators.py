"""Tests for atlas.extract.indicators and atlas.extract.keys (golden files per plan).

Regenerate the golden files after a reviewed change with
``python -m tests.regen_goldens indicators`` (prints the diff; the test itself never writes).
"""

from __future__ import annotations

import json
import random
from functools import cache
from pathlib import Path

import pytest
from golden_diff import check, json_text

from atlas.extract.indicators import extract_indicators, normalize_unit, parse_value
from atlas.extract.keys import canonical_key, find_names
from atlas.model import Indicator, PlanInfo
from atlas.paths import PLANS
from atlas.pipeline import extract_text, read_plan
from atlas.read.structure import parse
from atlas.read.text import read_text

FIXTURES = Path(__file__).parent.parent / "fixtures" / "plans"
GOLDEN = Path(__file__).parent.parent / "golden" / "indicators"
SEEDS = [
    "linghai-2021",
    "zhanqian-2021",
    "jinzhou-2021",
    "jinzhou-2024-report",
    "chaoyang-county-2021",
]
OWN = ["changtu-2021", "zhenxing-2021"]


def plan_path(plan_id: str) -> Path:
    p = PLANS / f"{plan_id}.txt"
    return p if p.exists() else FIXTURES / f"{plan_id}.txt"


@cache
def indicators_of(plan_id: str) -> tuple[Indicator, ...]:
    return extract_indicators(read_plan(plan_path(plan_id)))


def as_json(inds) -> list[dict]:
    out = []
    for i in inds:
        d = {k: v for k, v in i.__dict__.items() if k not in ("source", "plan_id")}
        d["source_line"] = i.source.line
        d["source_quote"] = i.source.quote
        out.append(d)
    return out


def find(inds, key, kind="target", **kw):
    hits = [
        i
        for i in inds
        if i.key == key and i.kind == kind and all(getattr(i, k) == v for k, v in kw.items())
    ]
    assert hits, f"no {kind} indicator {key} {kw}"
    return hits[0]


# --------------------------------------------------------------------------- units


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("1500左右", (1500.0, "左右", "1500左右")),
        ("6以内", (6.0, "以内", "6以内")),
        ("2440(累计)", (2440.0, "累计", "2440(累计)")),
        ("[20]", (20.0, "累计", "[20]")),
        (">5", (5.0, "高于", ">5")),
        ("<2.5", (2.5, "低于", "<2.5")),
        (">全市平均增速", (None, "高于", ">全市平均增速")),
        ("不低于沿海六市平均水平", (None, "不低于", "不低于沿海六市平均水平")),
        ("19:26:55", (None, "", "19:26:55")),
        ("待省反馈", (None, "", "待省反馈")),
        ("-3.2", (-3.2, "", "-3.2")),
        ("35,566", (35566.0, "", "35,566")),
        ("--", (None, "", "")),
        ("/", (None, "", "")),
    ],
)
def test_parse_value(cell, expected):
    assert parse_value(cell) == expected


def test_units_and_keys():
    assert normalize_unit("m2") == "平方米"
    assert normalize_unit("μg/m 3") == "微克/立方米"
    assert normalize_unit("", "学前教育普惠率") == "%"
    assert canonical_key("1.地区生产总值") == "gdp"
    assert canonical_key("地区生产总值年均增速") == "gdp_growth"
    assert canonical_key("人均地区生产总值") == "gdp_per_capita"
    assert canonical_key("4.户籍人口城镇化率") == "urbanization_rate_registered"
    assert canonical_key("城市空气指数(PM2.5)") == "pm25"
    assert canonical_key("某某指数") == ""
    assert [k for _, _, k in find_names("常住人口城镇化率和森林覆盖率")] == [
        "urbanization_rate",
        "forest_cover",
    ]


# --------------------------------------------------------------------------- spot values


def test_jinzhou_spot_values():
    inds = indicators_of("jinzhou-2021")
    t14 = [i for i in inds if i.table == "“十四五”时期经济社会发展主要指标"]
    t13 = [i for i in inds if i.table == "“十三五”时期主要指标预计完成情况"]
    assert len(t14) == 20 and len(t13) == 31
    gdp = find(t14, "gdp")
    assert (gdp.base_year, gdp.base_value, gdp.target_year, gdp.target_value) == (
        2020,
        1074.0,
        2025,
        1500.0,
    )
    assert (gdp.qualifier, gdp.target_text, gdp.growth, gdp.unit) == (
        "左右",
        "1500左右",
        6.5,
        "亿元",
    )
    assert gdp.source.line == 204 and gdp.category == "经济发展"
    forest = find(t14, "forest_cover")
    assert (forest.base_value, forest.target_value, forest.source.line) == (21.0, 24.0, 226)
    rev = find(t14, "budget_revenue")
    assert rev.target_value is None and rev.target_text == "不低于沿海六市平均水平"
    assert rev.qualifier == "不低于"
    fai = find(t14, "fixed_investment")
    assert (fai.target_value, fai.qualifier, fai.growth) == (2440.0, "累计", 10.0)
    assert find(t14, "unemployment_rate").qualifier == "以内"
    assert find(t14, "pm25").unit == "微克/立方米"
    # the review table: kind review, plan target in target_*, the achieved figure in actual_*
    f13 = find(t13, "forest_cover", kind="review")
    assert (f13.actual_year, f13.actual_value, f13.base_value) == (2020, 21.0, None)
    assert (f13.base_growth, f13.target_value, f13.growth) == (0.4, 21.0, 0.4)
    assert find(t13, "energy_intensity", kind="review").base_text == "待省反馈"
    assert not any(i.attribute for i in inds)  # no 预期性/约束性 column in this plan


def test_report_actual_vs_target():
    inds = indicators_of("jinzhou-2024-report")
    actual = find(inds, "gdp_growth", kind="actual")
    assert (actual.base_year, actual.base_value, actual.source.line) == (2023, 5.4, 17)
    target = find(inds, "gdp_growth", kind="target")
    # a growth rate only: growth 6.5, no target level (issue 14)
    assert (target.target_year, target.target_value, target.growth) == (2024, None, 6.5)
    assert target.source.line == 93
    assert find(inds, "new_jobs", kind="actual").base_value == 1.7
    assert find(inds, "new_jobs").target_value == 1.6
    assert find(inds, "urban_income_growth", kind="actual").base_value == 5.1  # 分别…和
    assert find(inds, "rural_income_growth", kind="actual").base_value == 8.0
    assert find(inds, "cpi").qualifier == "不高于"
    assert find(inds, "income_growth").qualifier == "同步"
    # 下降3%以上: a reduction target, the verb part of the name (as in the tables' 下降率 rows)
    drop = find(inds, "energy_intensity")
    assert (drop.name, drop.target_value, drop.growth) == ("单位地区生产总值能耗下降", 3.0, None)


def test_zhanqian_tables():
    inds = indicators_of("zhanqian-2021")
    t11 = [i for i in inds if i.table.startswith("表1-1")]
    t21 = [i for i in inds if i.table.startswith("表2-1")]
    assert len(t11) == 18 and len(t21) == 16
    assert [i.status for i in t11].count("未完成") == 7
    assert [i.status for i in t11].count("完成") == 5
    assert [i.status for i in t11].count("无统计") == 6
    g = find(t21, "gdp_growth")
    assert (g.base_value, g.target_value, g.target_text, g.qualifier) == (
        2.4,
        None,
        ">全市平均增速",
        "高于",
    )
    assert g.attribute == "预期性"
    assert [i.attribute for i in t21].count("约束性") == 6
    tech = find(t21, "tech_transfer")
    assert (tech.base_value, tech.target_value, tech.qualifier) == (4.0, 20.0, "累计")
    assert find(t11, "green_space_per_capita", kind="review").unit == "平方米"
    # a park's own targets stay recognisable by their section (not the district's)
    park = find(inds, "industrial_output", target_value=100.0)
    assert (park.category, park.source.line) == ("建设“南翼”营口市科技创新产业园", 569)


def test_prose_thousands_separator_and_unseen_text():
    ex = extract_text(
        "一、目标\n到2025年,城镇居民人均可支配收入达到48,700元,森林覆盖率达到40%。\n", "t"
    )
    assert [(i.key, i.target_year, i.target_value, i.unit) for i in ex.indicators] == [
        ("urban_income", 2025, 48700.0, "元"),
        ("forest_cover", 2025, 40.0, "%"),
    ]


def test_prose_targets():
    inds = indicators_of("linghai-2021")
    gdp = find(inds, "gdp", kind="actual")
    assert (gdp.base_year, gdp.base_value, gdp.base_growth, gdp.source.line) == (
        2020,
        147.0,
        2.0,
        27,
    )
    grain = find(inds, "grain_capacity")
    assert (grain.target_year, grain.target_value, grain.unit, grain.source.line) == (
        2025,
        11.0,
        "亿斤",
        205,
    )
    assert find(inds, "industry_structure").target_text == "28:30:42"
    assert find(inds, "unemployment_rate").qualifier == "以内"
    chaoyang = indicators_of("chaoyang-county-2021")
    cum = find(chaoyang, "gdp", kind="actual")
    assert (cum.base_value, cum.qualifier) == (466.7, "累计")  # 5-year sum, not annual GDP
    assert find(chaoyang, "forest_cover").target_value == 50.0


# --------------------------------------------------------------------------- golden


@pytest.mark.parametrize("plan_id", SEEDS + OWN)
def test_golden(plan_id):
    got = as_json(indicators_of(plan_id))
    check(GOLDEN / f"{plan_id}.json", json_text(got), "python -m tests.regen_goldens indicators")


# --------------------------------------------------------------------------- robustness


def _signature(inds):
    return [
        (i.key, i.kind, i.base_value, i.target_value, i.target_text, i.qualifier, i.source.line)
        for i in inds
    ]


def _extract(data: bytes | str, plan_id: str) -> tuple[Indicator, ...]:
    info = PlanInfo(plan_id=plan_id, path="<t>", kind="plan", period="2021-2025;2035")
    if plan_id == "jinzhou-2024-report":
        info = PlanInfo(plan_id=plan_id, path="<t>", kind="work-report", period="2023-2024")
    return extract_indicators(parse(read_text(data, plan_id), info))


@pytest.mark.parametrize("encoding", ["gbk", "utf-16", "utf-8-sig"])
@pytest.mark.parametrize("plan_id", ["jinzhou-2021", "zhanqian-2021"])
def test_reencoded_same_indicators(plan_id, encoding):
    text = plan_path(plan_id).read_text(encoding="utf-8")
    base = _signature(_extract(text, plan_id))
    assert _signature(_extract(text.encode(encoding, errors="replace"), plan_id)) == base


def _drop_blank_lines(text: str) -> tuple[str, list[int]]:
    """Remove blank lines; return the text and new→old line numbers."""
    kept = [(n, line) for n, line in enumerate(text.split("\n"), start=1) if line.strip()]
    return "\n".join(line for _, line in kept), [n for n, _ in kept]


@pytest.mark.parametrize("plan_id", ["jinzhou-2021", "zhanqian-2021", "jinzhou-2024-report"])
def test_blank_lines_removed_same_indicators(plan_id):
    text = plan_path(plan_id).read_text(encoding="utf-8")
    base = _extract(text, plan_id)
    squeezed, old_of = _drop_blank_lines(text)
    got = _extract(squeezed, plan_id)
    assert [(i.key, i.kind, i.base_value, i.target_value) for i in got] == [
        (i.key, i.kind, i.base_value, i.target_value) for i in base
    ]
    # provenance still points at the same original text (mapped back through the squeeze)
    assert [old_of[i.source.line - 1] for i in got] == [i.source.line for i in base]


def _insert_breaks(text: str, seed: int = 7) -> tuple[str, list[int]]:
    """Cut long prose lines mid-sentence (a page break: blank lines in between).

    Returns the new text and, for every new line, the original line it came from.
    """
    rng = random.Random(seed)
    out: list[str] = []
    old_of: list[int] = []
    for n, line in enumerate(text.split("\n"), start=1):
        if len(line) > 120 and "|" not in line and not line.startswith("#") and rng.random() < 0.5:
            cut = rng.randrange(40, len(line) - 40)
            if line[cut - 1] in "。,，;；:：!?" or line[cut] in "。,，":
                cut += 1
            out.extend([line[:cut], "", "", line[cut:]])
            old_of.extend([n, n, n, n])
        else:
            out.append(line)
            old_of.append(n)
    return "\n".join(out), old_of


@pytest.mark.parametrize("plan_id", ["jinzhou-2021", "jinzhou-2024-report", "linghai-2021"])
def test_page_breaks_inserted_same_indicators(plan_id):
    text = plan_path(plan_id).read_text(encoding="utf-8")
    base = _extract(text, plan_id)
    broken, old_of = _insert_breaks(text)
    assert len(old_of) > text.count("\n") + 20  # breaks were inserted
    got = _extract(broken, plan_id)
    assert [(i.key, i.kind, i.base_value, i.target_value) for i in got] == [
        (i.key, i.kind, i.base_value, i.target_value) for i in base
    ]
    # same verbatim quotes (the break is not part of them), on the same original lines
    assert [i.source.quote for i in got] == [i.source.quote for i in base]
    assert [old_of[i.source.line - 1] for i in got] == [i.source.line for i in base]


_FULL = str.maketrans("0123456789%.", "０１２３４５６７８９％．")


@pytest.mark.parametrize("plan_id", ["jinzhou-2024-report", "linghai-2021", "zhanqian-2021"])
def test_fullwidth_digits_same_indicators(plan_id):
    text = plan_path(plan_id).read_text(encoding="utf-8")
    base = _signature(_extract(text, plan_id))
    assert _signature(_extract(text.translate(_FULL), plan_id)) == base


def test_upload_path_same_as_file():
    data = plan_path("jinzhou-2024-report").read_bytes()
    ex = extract_text(data, "upload-1")
    assert ex.plan.kind == "work-report" and ex.plan.adcode == "210700"
    assert _signature(ex.indicators) == _signature(indicators_of("jinzhou-2024-report"))


# --------------------------------------------------------------------------- issue 17


@pytest.mark.parametrize("cell", ["1e308", "2.5E+3", "1E-5", "9" * 400, "1" + "0" * 15])
def test_scientific_and_absurd_cells_are_not_values(cell):
    value, _, text = parse_value(cell)
    assert value is None and text == cell


@pytest.mark.parametrize(("cell", "value"), [("-3.5", -3.5), ("35,566", 35566.0), ("5e", 5.0)])
def test_plain_numbers_still_parse(cell, value):
    assert parse_value(cell)[0] == value


SCI_PLAN = """锦州市国民经济和社会发展第十四个五年规划纲要
第一章 发展目标
到2025年，地区生产总值增长1e308%，常住人口达到2.5E+3万人。
到2025年，一般公共预算收入达到99999999999999999999亿元。
到2025年，城镇化率达到70%。
"""


def test_scientific_notation_is_flagged_never_misread():
    ex = extract_text(SCI_PLAN, "sci", text_only=True)
    values = {i.key: (i.base_value, i.target_value) for i in ex.indicators}
    for base, target in values.values():
        assert base not in (1.0, 308.0, 2.5, 3.0) and target not in (1.0, 308.0, 2.5, 3.0)
    assert any(t == 70.0 for _, t in values.values())  # the plain number still reads
    warnings = ex.extra["warnings"]
    assert [(w["line"], w["text"]) for w in warnings] == [
        (3, "1e308"),
        (3, "2.5E+3"),
        (4, "99999999999999999999"),
    ]
    assert all("not read as an indicator value" in w["warning"] for w in warnings)


def test_report_json_lists_number_warnings_with_lines(tmp_path):
    from atlas.cli import main

    plan = tmp_path / "sci.txt"
    small = FIXTURES / "own_zhangwu.txt"
    plan.write_text(small.read_text(encoding="utf-8") + "\n到2025年，地区生产总值增长1e308%。\n")
    n = len(plan.read_text(encoding="utf-8").splitlines())
    assert main(["build", str(plan), "--out", str(tmp_path / "out")]) == 0
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    (entry,) = report["plans"]
    assert [(w["line"], w["text"]) for w in entry["warnings"]] == [(n, "1e308")]
