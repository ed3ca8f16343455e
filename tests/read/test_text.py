"""Tests for atlas.read.text: decoding, normalisation, page-break re-joining, provenance."""

from __future__ import annotations

import pytest

from atlas.errors import PlanFormatError
from atlas.paths import PLANS
from atlas.read.text import (
    MAX_BYTES,
    decode,
    load_plan,
    normalize_line,
    read_text,
    sentence_bounds,
    split_lines,
)

JINZHOU = PLANS / "jinzhou-2021.txt"
ZHANQIAN = PLANS / "zhanqian-2021.txt"
SAMPLE = "第一章 规划背景\n预计到2020 年末,全市地区生产总值实现147 亿元,增长2%。\n"


# --------------------------------------------------------------------------- decoding


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "utf-16-le", "utf-16-be"]
)
def test_decode_detects_encodings(encoding):
    text, enc = decode(SAMPLE.encode(encoding))
    assert text.lstrip("\ufeff") == SAMPLE
    assert enc  # the detected label is reported


def test_decode_utf16_without_bom_pure_cjk():
    # no ASCII at all, so no NUL bytes: detected by plausibility
    data = "锦州市国民经济和社会发展规划纲要森林覆盖率".encode("utf-16-le")
    assert decode(data)[0] == "锦州市国民经济和社会发展规划纲要森林覆盖率"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \n\n ", "empty"),
        (b"%PDF-1.7\n...", "PDF"),
        (b"PK\x03\x04rest-of-zip", "DOCX"),
        (b"\x89PNG\r\n\x1a\n", "PNG"),
        (bytes(range(256)) * 20, "binary"),
    ],
)
def test_decode_refuses_non_text(data, message):
    with pytest.raises(PlanFormatError, match=message):
        decode(data)


def test_decode_refuses_binary_that_reads_as_utf16_without_bom():
    # NUL bytes and no BOM: as UTF-16-LE these 9 bytes are printable but random ideographs
    # ('Ā戂湩牡'), not plan text
    with pytest.raises(PlanFormatError, match="binary file") as info:
        decode(b"\x00\x01\x02binary")
    assert "\n" not in str(info.value)


def test_decode_refuses_oversized():
    with pytest.raises(PlanFormatError, match="limit"):
        decode(b"a" * (MAX_BYTES + 1))


def test_read_text_refuses_control_characters():
    with pytest.raises(PlanFormatError, match="binary"):
        read_text("规划\x01\x02\x03\x04\x05\x06" * 10, "x")


def test_read_text_refuses_html_page():
    with pytest.raises(PlanFormatError, match="HTML"):
        read_text("<!DOCTYPE html><html><body><script>x()</script>规划</body></html>".encode(), "x")


def test_load_plan_missing_file(tmp_path):
    with pytest.raises(PlanFormatError, match="no such plan file"):
        load_plan(tmp_path / "nope.txt")


def test_split_lines_counts_like_awk():
    assert split_lines("a\nb\n") == ["a", "b"]
    assert split_lines("a\r\nb\rc") == ["a", "b", "c"]
    assert split_lines("a\fb\n") == ["a\fb"]  # a form feed is not a line break


# --------------------------------------------------------------------------- normalisation


def test_normalize_widths_spaces_and_markup():
    text, cols = normalize_line("**(一) 综合实力稳步提升。**到 ２０２０ 年末，达到 1074 亿元")
    assert text == "(一)综合实力稳步提升。到2020年末,达到1074亿元"
    assert len(cols) == len(text)
    assert cols[0] == 2  # the '(' after '**'


def test_normalize_html_nbsp_and_latin_zero():
    # spaces next to CJK characters go; the one between two ASCII tokens stays
    assert normalize_line("| <b>一、经济发展</b> | μg/m <sup>3</sup> |")[0] == (
        "|一、经济发展| μg/m 3 |"
    )
    assert normalize_line("表1-1 \u00a0“十三五”规划")[0] == "表1-1“十三五”规划"
    assert normalize_line("二O 二一年一月")[0] == "二〇二一年一月"
    assert normalize_line("### 专栏：“十四五”时期")[0] == "专栏:“十四五”时期"
    assert normalize_line("PM2.5 年平均浓度")[0] == "PM2.5年平均浓度"


def test_sentence_bounds_keeps_closing_quotes():
    t = "建设“一核两翼。”推进工作!最后"
    assert [t[s:e] for s, e in sentence_bounds(t)] == ["建设“一核两翼。”", "推进工作!", "最后"]


# --------------------------------------------------------------------------- paragraphs


def test_jinzhou_page_breaks_rejoined():
    pt = load_plan(JINZHOU)
    assert len(pt.raw_lines) == 1182  # the last line has no trailing newline
    joined = [p.source_lines for p in pt.paragraphs if len(p.source_lines) > 1]
    # research note seed_002 §6.3: 67 mid-sentence breaks + L1022→L1026
    assert len(joined) == 68
    assert (33, 35) in joined and (1022, 1026) in joined and (750, 754) in joined
    para = next(p for p in pt.paragraphs if "朝凌客专" in p.text)
    k = para.text.index("朝凌客专")
    span = para.span(k, k + 4)
    assert (span.line, span.end_line, span.quote) == (33, 35, "朝凌客专")


def test_span_quotes_original_sentence_without_page_break():
    pt = load_plan(JINZHOU)
    para = next(p for p in pt.paragraphs if p.line == 270)
    s, e = sentence_bounds(para.text)[-1]
    span = para.span(s, e)
    assert span.line == 270 and span.end_line == 272
    assert span.quote.endswith("工业增加值对全市贡献率 5%以上。")
    assert "\n" not in span.quote


def test_short_lines_are_not_joined():
    # one-cell-per-line tables and headings stay separate paragraphs
    pt = load_plan(ZHANQIAN)
    assert [p.text for p in pt.paragraphs if 79 <= p.line <= 87] == [
        "指标名称",
        "单位",
        "2020年规划目标",
        "2020年实际完成",
        "完成情况",
    ]
    assert next(p for p in pt.paragraphs if p.line == 12).text == "目录"


def test_verbatim_quote_keeps_original_characters():
    pt = read_text("到２０２０年末，全市地区生产总值达到１０７４亿元。\n", "t")
    para = pt.paragraphs[0]
    assert para.text == "到2020年末,全市地区生产总值达到1074亿元。"
    assert para.span().quote == "到２０２０年末，全市地区生产总值达到１０７４亿元。"


def test_page_number_between_halves_is_dropped():
    pt = read_text("全县建设了一批重点项目,推进朝凌\n\n- 12 -\n\n客专锦州段建设。\n", "t")
    assert len(pt.paragraphs) == 1
    assert pt.paragraphs[0].text == "全县建设了一批重点项目,推进朝凌客专锦州段建设。"
    assert pt.paragraphs[0].source_lines == (1, 5)


def test_chrome_lines_are_not_joined():
    pt = read_text("当前位置:首页>政务公开>规划计划\n某县国民经济和社会发展规划纲要\n", "t")
    assert [p.text for p in pt.paragraphs] == [
        "当前位置:首页>政务公开>规划计划",
        "某县国民经济和社会发展规划纲要",
    ]
