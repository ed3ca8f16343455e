"""Tests for atlas.read.structure: headings, boxes, glossary, tables, sentences."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from atlas.paths import PLANS
from atlas.read.structure import Document, heading_style, parse
from atlas.read.text import load_plan, read_text

FIXTURES = Path(__file__).parent.parent / "fixtures" / "plans"


@cache
def doc_of(name: str) -> Document:
    path = PLANS / name if (PLANS / name).exists() else FIXTURES / name
    return parse(load_plan(path))


@pytest.mark.parametrize(
    ("text", "md", "style"),
    [
        ("第三章“十四五”时期空间布局", 0, ("chapter", 1)),
        ("第一节发展基础", 0, ("section", 2)),
        ("第一篇发展基础", 0, ("part", 0)),
        ("三、“一核两翼”引领发展新格局", 0, ("cn", 3)),
        ("(一)打造宜居宜业高品质核心城区", 0, ("cn_paren", 4)),
        ("1.推动教育高质量发展", 0, ("num", 5)),
        ("2.2035年远景目标", 0, ("num", 5)),
        ("(1)项目", 0, ("num_paren", 6)),
        ("名词解释", 0, ("front", 1)),
        ("专栏:“十四五”时期锦州港重点项目", 3, ("markdown", 3)),
    ],
)
def test_heading_styles(text, md, style):
    assert heading_style(text, md) == style


@pytest.mark.parametrize("text", ["6.9", "2.4", "地区生产总值", "——综合实力。"])
def test_not_headings(text):
    assert heading_style(text) is None


def test_linghai_sections():
    doc = doc_of("linghai-2021.txt")
    chapters = [s for s in doc.sections if s.style == "chapter"]
    assert len(chapters) == 15
    assert chapters[2].title == "第三章“十四五”时期空间布局" and chapters[2].source.line == 97
    sec = next(s for s in doc.sections if s.title == "第三节优化重点区域布局")
    assert sec.source.line == 121
    assert sec.path == ("第三章“十四五”时期空间布局", "第三节优化重点区域布局")


def test_zhanqian_toc_skipped_and_tree():
    doc = doc_of("zhanqian-2021.txt")
    # the 目录 (L12-L49) repeats every heading; it is not part of the tree
    first = doc.sections[0]
    assert (first.title, first.source.line) == ("前言", 51)
    titles = [s.title for s in doc.sections]
    assert titles.count("三、“一核两翼”引领发展新格局") == 1
    sec = next(s for s in doc.sections if s.title == "2.2035年远景目标")
    assert sec.source.line == 547 and sec.style == "num"
    para = next(p for p in doc.paragraphs if p.line == 567)
    assert para.heading_path == (
        "三、“一核两翼”引领发展新格局",
        "(二)建设“南翼”营口市科技创新产业园",
    )


def test_run_in_heading_report():
    doc = doc_of("jinzhou-2024-report.txt")
    sec = next(s for s in doc.sections if s.source.line == 97)
    assert sec.title == "(一)坚定不移推动经济高质量发展" and sec.style == "cn_paren"
    para = next(p for p in doc.paragraphs if p.line == 97)
    assert para.body.startswith("牢牢把握")
    assert para.heading_path == ("二、2024年工作安排", "(一)坚定不移推动经济高质量发展")


def test_jinzhou_boxes():
    doc = doc_of("jinzhou-2021.txt")
    assert len(doc.boxes) == 14
    port = next(b for b in doc.boxes if "锦州港" in b.title)
    assert port.source.line == 658
    # sub-headings 1./2./### 3. stay inside; **民航发展。** (L674) ends the box
    assert [doc.paragraphs[i].line for i in port.paragraphs] == [660, 662, 664, 666, 670, 672]
    industry = next(b for b in doc.boxes if "8+3" in b.title)
    lines = [doc.paragraphs[i].line for i in industry.paragraphs]
    assert lines[0] == 436 and 456 in lines and lines[-1] == 462  # ## 2.三大传统产业 inside
    energy = next(b for b in doc.boxes if "能源" in b.title)
    assert [doc.paragraphs[i].line for i in energy.paragraphs][-1] == 726


def test_jinzhou_glossary():
    doc = doc_of("jinzhou-2021.txt")
    assert len(doc.glossary) == 75  # 68. appears twice, 69 is missing (research §6.4)
    g = doc.glossary_lookup("一核一带三轴三片区")
    assert g is not None and g.number == 36 and g.source.line == 1094
    assert g.definition.startswith("一核指锦州-凌海一体化发展的核心区域")
    g = doc.glossary_lookup("五区协同、两带联动、多点支撑")
    assert g.source.line == 1088 and g.source.end_line == 1090  # page break inside
    assert doc.glossary[-1].term == "兴辽英才计划" and doc.glossary[-1].source.line == 1182


def test_sentences_carry_provenance_and_path():
    doc = doc_of("linghai-2021.txt")
    sents = [s for s in doc.sentences() if "147亿元" in s.text]
    assert len(sents) == 1
    s = sents[0]
    assert s.source.line == 27
    assert s.source.quote == "预计到2020 年末,全市地区生产总值实现147 亿元,增长2%。"
    assert s.heading_path == ("第一章规划背景", "第一节发展基础")
    k = s.text.index("147")
    assert s.span(k, k + 5).quote == "147 亿元"


def test_own_plan_changtu_structure():
    doc = doc_of("changtu-2021.txt")
    assert [s.title for s in doc.sections if s.style == "part"] == [
        "第一篇发展基础与总体要求",
        "第二篇重点任务",
    ]
    assert len(doc.boxes) == 2 and doc.boxes[1].title == "重大项目"
    tbl = doc.tables[0]
    assert [r.group for r in tbl.rows] == ["经济发展"] * 3 + ["生态环境"] * 3
    assert [g.term for g in doc.glossary] == ["一县一业", "高标准农田"]


def test_own_plan_zhenxing_structure():
    doc = doc_of("zhenxing-2021.txt")
    assert doc.text.encoding == "gb18030"
    assert doc.title == "丹东市振兴区国民经济和社会发展第十四个五年规划纲要"
    tbl = doc.tables[0]
    assert tbl.caption == "表1振兴区“十四五”主要指标"
    assert tbl.rows[2].cells == ("", "社区综合服务设施覆盖率", "", "100", "100", "约束性")
    assert [g.term for g in doc.glossary] == ["沿江商贸带", "城市更新"]


def test_unknown_text_parses():
    doc = parse(read_text("一、总体要求\n到2025年,全县森林覆盖率达到40%。\n", "t"))
    assert [s.title for s in doc.sections] == ["一、总体要求"]
    assert [s.text for s in doc.sentences()] == ["到2025年,全县森林覆盖率达到40%。"]


def test_portal_chrome_and_notes():
    report = doc_of("jinzhou-2024-report.txt")
    chrome = [p.line for p in report.paragraphs if p.kind == "chrome"]
    assert chrome == [3, 4, 5, 155, 156, 157, 161, 163]  # the footer address (L157) included
    assert not any("皇姑区" in s.text for s in report.sentences())
    linghai = doc_of("linghai-2021.txt")
    # the site's disclaimer (温馨提示 1.-4.) is boilerplate, not numbered headings
    assert [p.line for p in linghai.paragraphs if p.kind == "chrome"][-6:] == [
        427,
        428,
        429,
        430,
        431,
        432,
    ]
    assert not any(s.source.line >= 427 for s in linghai.sections)
    zhanqian = doc_of("zhanqian-2021.txt")
    notes = [p for p in zhanqian.paragraphs if p.kind == "note"]
    assert sum(p.text.startswith("(责任部门") for p in notes) == 61
    assert (
        next(p for p in zhanqian.paragraphs if p.line == 559).text
        == "(责任部门:商务局、住建局、金融局)"
    )
