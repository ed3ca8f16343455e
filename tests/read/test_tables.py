"""Tests for atlas.read.tables: pipe tables split across pages and one-cell-per-line tables."""

from __future__ import annotations

from functools import cache

from atlas.paths import PLANS
from atlas.read.structure import Document, parse
from atlas.read.tables import read_pipe_table
from atlas.read.text import load_plan, read_text


@cache
def doc_of(name: str) -> Document:
    return parse(load_plan(PLANS / name))


def test_read_pipe_table_direct():
    text = "\n".join(
        [
            "| 指标 | 单位 | 2020年 |  |",
            "|---|---|---|---|",
            "|  |  | 绝对量 | 增长(%) |",
            "| <b>一、经济</b> |  |  |  |",
            "| 地区生产总值 | 亿元 | 100 | 5 |",
        ]
    )
    pt = read_text(text, "t")
    paras = parse(pt).paragraphs
    tbl, nxt = read_pipe_table(paras, pt.raw_lines, 0, "cap", -1)
    assert nxt == 5
    assert tbl.columns == ("指标", "单位", "2020年/绝对量", "2020年/增长(%)")
    assert [(r.cells, r.group, r.source.line) for r in tbl.rows] == [
        (("地区生产总值", "亿元", "100", "5"), "一、经济", 5)
    ]


def test_jinzhou_pipe_tables():
    doc = doc_of("jinzhou-2021.txt")
    assert len(doc.tables) == 2
    t13, t14 = doc.tables
    # three page-split fragments, repeated headers dropped, two-level header flattened
    assert len(t13.rows) == 31
    assert t13.columns[2] == "“十三五”规划目标/绝对量"
    assert t13.columns[5] == "2020年预计完成情况/年均增长(%)"
    assert t13.rows[-1].cells[0] == "31.氮氧化物排放减少" and t13.rows[-1].source.line == 100
    # the second fragment of the 十四五 table has a blank header: inherited
    assert len(t14.rows) == 20
    assert t14.columns == (
        "指标名称",
        "单位",
        "2020年预计/绝对量",
        "2020年预计/增长(%)",
        "2025年目标/绝对量",
        "2025年目标/年均增长(%)",
    )
    row = next(r for r in t14.rows if r.cells[0] == "17.森林覆盖率")
    assert row.cells[1:] == ("%", "21", "0.4", "24", "2.7") and row.group == "四、生态环境"
    assert row.source.line == 226
    assert t14.rows[2].cells[4] == "2440(累计)"  # <br> removed


def test_zhanqian_cell_tables():
    doc = doc_of("zhanqian-2021.txt")
    t11, t21 = doc.tables
    assert t11.style == "cells" and len(t11.rows) == 18 and len(t21.rows) == 16
    assert t11.columns == (
        "类别",
        "指标名称",
        "单位",
        "2020年规划目标",
        "2020年实际完成",
        "完成情况",
    )
    # category split over two lines (综合 / 实力), only on the group's first row
    assert t11.rows[0].cells == ("综合实力", "地区生产总值", "亿元", "207", "152", "未完成")
    assert t11.rows[1].cells[0] == "综合实力"
    # the dropped unit cell of 人均期望寿命 does not shift the row
    assert t11.rows[12].cells == ("社会民生", "人均期望寿命", "", "78", "78", "完成")
    assert t11.rows[12].source.line == 221
    assert t21.columns == ("类别", "序号", "主要指标", "单位", "2020年", "2025年", "属性")
    assert t21.rows[4].cells == (
        "高质量发展",
        "5",
        "五年新增科技成果转化数量",
        "",
        "[4]",
        "[20]",
        "预期性",
    )
    assert t21.note == "注:[]为五年累计数据"


def test_cell_table_fixed_width_without_terminator():
    cells = ["表3 主要指标", "指标名称", "单位", "2020年", "2025年"]
    cells += ["森林覆盖率", "%", "30", "35", "地区生产总值", "亿元", "100", "150"]
    text = "\n".join(cells) + "\n"
    doc = parse(read_text(text, "t"))
    (tbl,) = doc.tables
    assert [r.cells for r in tbl.rows] == [
        ("", "森林覆盖率", "%", "30", "35"),
        ("", "地区生产总值", "亿元", "100", "150"),
    ]
    assert [r.source.line for r in tbl.rows] == [6, 10]
