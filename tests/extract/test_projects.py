"""Tests for atlas.extract.projects (golden files per plan with 专栏 project lists).

Regenerate after a reviewed change with
``python -m tests.regen_goldens projects`` (prints the diff; the test itself never writes).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from golden_diff import check, json_text

from atlas.extract.projects import extract_projects
from atlas.model import PlanInfo, Project
from atlas.paths import PLANS
from atlas.pipeline import read_plan
from atlas.read.structure import parse
from atlas.read.text import read_text


@pytest.fixture(autouse=True)
def _bind_places(places):
    """Stages called directly consult the real gazetteer, as :func:`extract_document` does."""
    yield


FIXTURES = Path(__file__).parent.parent / "fixtures" / "plans"
GOLDEN = Path(__file__).parent.parent / "golden" / "projects"


def plan_path(plan_id: str) -> Path:
    p = PLANS / f"{plan_id}.txt"
    return p if p.exists() else FIXTURES / f"{plan_id}.txt"


@cache
def projects_of(plan_id: str) -> tuple[Project, ...]:
    return extract_projects(read_plan(plan_path(plan_id)))


def by_name(projects, name):
    hits = [p for p in projects if p.name == name]
    assert len(hits) == 1, f"{name}: {len(hits)} hits"
    return hits[0]


def test_jinzhou_counts_and_boxes():
    ps = projects_of("jinzhou-2021")
    assert len(ps) == 190
    boxes = {p.box for p in ps}
    assert len(boxes) == 12  # 14 专栏, 2 of them indicator tables
    assert not any("主要指标" in b for b in boxes)
    water = [p for p in ps if p.box == "“十四五”时期水生态建设重点项目"]
    assert len(water) == 13  # research seed_002 §5.2.6: 13 water-ecology projects
    # 3.72+0.37+0.39+0.07+1.77+1.1+0.76+0.37+0.32+0.34+0.23+0.24+0.08 (L640, by hand)
    assert sum(p.investment for p in water) == pytest.approx(9.76)


def test_jinzhou_items():
    ps = projects_of("jinzhou-2021")
    p = by_name(ps, "义县花生现代农业产业园")
    assert (p.investment, p.category, p.places, p.source.line) == (
        20.0,
        "现代农业产业园",
        ("义县",),
        400,
    )
    assert p.source.quote == "投资 20 亿元义县花生现代农业产业园"
    p = by_name(ps, "北镇市、义县实施农村人居环境整治项目")
    assert p.investment == 0.42 and p.investment_text == "投资4200万元"  # 万元 → 亿元
    # a name cut by a page break (L512 ‖ L514) is whole, quoted across both lines
    p = by_name(ps, "北镇五金建材汽贸物流集散中心")
    assert (p.source.line, p.source.end_line, p.investment) == (512, 514, 4.0)
    # label / numbered sub-heading / box title as category
    assert by_name(ps, "锦州港航道改扩建工程").category == "航道项目"
    assert by_name(ps, "黑山县龙湾水库除险加固工程").category == "水生态建设"
    # (其中:…) sub-items become projects; 等N个项目 tails are not part of names
    assert by_name(ps, "汤河子经济开发区“太工计划”").investment == 30.0
    assert by_name(ps, "神工半导体公司年产360万片大尺寸半导体级硅片国产化").investment == 12.0
    assert by_name(ps, "中信钛业股份公司新建年产6万吨氯化法钛白粉").investment == 10.0
    # no amount in the 文物保护 list: items without investment
    assert by_name(ps, "奉国寺保护利用").investment is None


def test_duplicates_across_boxes_flagged():
    ps = projects_of("jinzhou-2021")
    dups = [p for p in ps if p.duplicate_of]
    assert [(p.name, p.duplicate_of) for p in dups] == [
        ("黑山国电投40万千瓦风电", "“十四五”时期工业“8+3”产业重点项目: 国电投40万千瓦风力发电")
    ]


def test_plans_without_boxes_have_no_projects():
    for plan_id in ("linghai-2021", "zhanqian-2021", "jinzhou-2024-report", "chaoyang-county-2021"):
        assert projects_of(plan_id) == ()


def test_own_plans_other_box_styles():
    ct = projects_of("changtu-2021")
    assert [(p.name, p.investment) for p in ct] == [
        ("昌图县高标准农田建设工程", 18.0),
        ("老城镇现代农业产业园项目", 3.5),
        ("招苏台河昌图段综合治理工程", 0.8),
    ]
    zx = projects_of("zhenxing-2021")
    assert [(p.name, p.investment, p.source.line) for p in zx] == [
        ("鸭绿江沿江景观带提升工程", 4.5, 83),
        ("浪头港区物流园二期项目", 12.0, 85),
        ("帽盔山片区棚户区改造项目", 0.8, 87),
    ]


def test_unseen_box_with_semicolons():
    text = (
        "一、重点任务\n专栏3 交通项目\n"
        "高速公路:投资25亿元本溪至桓仁高速公路;投资3000万元桓仁县客运站改造。\n"
        "二、保障措施\n加强组织领导。\n"
    )
    doc = parse(read_text(text, "t"), PlanInfo(plan_id="t", path="<t>"))
    ps = extract_projects(doc)
    assert [(p.name, p.investment, p.category) for p in ps] == [
        ("本溪至桓仁高速公路", 25.0, "高速公路"),
        ("桓仁县客运站改造", 0.3, "高速公路"),
    ]


def as_json(projects) -> list[dict]:
    out = []
    for p in projects:
        d = {k: v for k, v in p.__dict__.items() if k not in ("source", "plan_id")}
        d["places"] = list(p.places)
        d["source_line"] = p.source.line
        d["source_quote"] = p.source.quote
        out.append(d)
    return out


ALL = [
    "linghai-2021",
    "zhanqian-2021",
    "jinzhou-2021",
    "jinzhou-2024-report",
    "chaoyang-county-2021",
    "changtu-2021",
    "zhenxing-2021",
]


@pytest.mark.parametrize("plan_id", ALL)
def test_golden(plan_id):
    got = as_json(projects_of(plan_id))
    check(GOLDEN / f"{plan_id}.json", json_text(got), "python -m tests.regen_goldens projects")


def test_project_table():
    text = "\n".join(
        [
            "三、重点项目",
            "专栏4 “十四五”重大基础设施项目",
            "| 序号 | 项目名称 | 建设地点 | 建设内容 | 总投资（万元） |",
            "|---|---|---|---|---|",
            "| **交通** |  |  |  |  |",
            "| 1 | 彰武至新民高速公路 | 彰武县 | 新建高速公路45公里 | 280000 |",
            "| 2 | 阿尔乡镇污水处理厂 | 阿尔乡镇 | 日处理0.5万吨 | 3500 |",
            "四、保障措施",
        ]
    )
    doc = parse(read_text(text, "t"), PlanInfo(plan_id="t", path="<t>", adcode="210922"))
    ps = extract_projects(doc)
    assert [(p.name, p.investment, p.category, p.source.line) for p in ps] == [
        ("彰武至新民高速公路", 28.0, "交通", 6),
        ("阿尔乡镇污水处理厂", 0.35, "交通", 7),
    ]
    assert ps[0].places == ("彰武县",) and ps[1].places == ("阿尔乡镇",)
    assert ps[0].box == "“十四五”重大基础设施项目"
