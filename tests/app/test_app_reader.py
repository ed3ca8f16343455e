"""AppTest of the 规划文本 page: the plan text with highlighted spans, opened at a line."""

import re

from app_fixture import app_test, fixture_atlas, real_atlas


def _body(at) -> str:
    return "\n".join(h.proto.body for h in at.get("html"))


def test_reader_opens_at_line_with_highlights_and_map_links(monkeypatch):
    at = app_test("reader", fixture_atlas(), monkeypatch, plan="fixture-city", line="9")
    at.run()
    assert not at.exception
    assert at.header[0].value == "规划文本"
    body = _body(at)
    line9 = re.search(r'<div id="L9" class="ln hit tgt"[^>]*>(.*?)</div>', body).group(1)
    # the quote is marked in the park colour
    assert '<mark style="background:#fed7aa" title="园区">做强锦州高新技术产业开发区' in line9
    assert "[地图：锦州高新技术产业开发区]" in line9
    assert "plan=fixture-city&amp;feature=fixture-city%3Apark%3A" in line9
    assert "scrollIntoView" in body and "getElementById('L9')" in body
    assert "已定位到第 9 行。" in [c.value for c in at.caption]
    assert [m.value for m in at.metric] == ["13", "9"]  # lines, lines with extractions


def test_reader_escapes_plan_text(monkeypatch):
    at = app_test("reader", fixture_atlas(), monkeypatch, plan="fixture-city")
    at.run()
    body = _body(at)
    assert "建设测试园&lt;img src=x onerror=&quot;alert(2)&quot;&gt;" in body
    assert "<img" not in body and "<script>alert" not in body
    # the indicator line is marked as an indicator
    line12 = re.search(r'<div id="L12" class="ln hit"[^>]*>(.*?)</div>', body).group(1)
    assert '<mark style="background:#fef08a" title="指标">主要指标：' in line12


def test_reader_only_extracted_lines(monkeypatch):
    at = app_test("reader", fixture_atlas(), monkeypatch, plan="fixture-city")
    at.run()
    at.toggle[0].set_value(True).run()
    ids = re.findall(r'<div id="L(\d+)"', _body(at))
    assert ids == ["4", "5", "6", "7", "9", "10", "11", "12", "13"]


def test_reader_on_real_build(monkeypatch):
    gpkg = real_atlas()
    assert gpkg is not None, "atlas.build did not produce the real atlas"
    at = app_test("reader", gpkg, monkeypatch, plan="jinzhou-2021", line="1")
    at.run()
    assert not at.exception
    body = _body(at)
    assert "# 锦州市国民经济和社会发展 第十四个五年规划纲要" in body
    assert body.count("[地图：") > 20


def test_page_query_parameter_routes_to_the_reader(monkeypatch):
    from app_fixture import APP
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("ATLAS_GPKG", str(fixture_atlas()))
    at = AppTest.from_file(str(APP), default_timeout=60)
    for k, v in {"page": "reader", "plan": "fixture-city", "line": "10"}.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception
    assert at.header[0].value == "规划文本"
    assert '<div id="L10" class="ln hit tgt"' in _body(at)


def test_mark_line_marks_quotes_and_escapes():
    from atlas.render.reader import Span, mark_line

    text = "一是<b>做强</b>园区；二是建设港口，并延伸到下一行"
    out = mark_line(
        text,
        [
            Span("park", "园区", "<b>做强</b>园区"),
            Span("port", "港口", "建设港口，并延伸到下一行的句子"),  # runs over the line end
        ],
    )
    assert out == (
        '一是<mark style="background:#fed7aa" title="园区">&lt;b&gt;做强&lt;/b&gt;园区</mark>；二是'
        '<mark style="background:#bfdbfe" title="港口">建设港口，并延伸到下一行</mark>'
    )
    assert mark_line("<script>x</script>", []) == "&lt;script&gt;x&lt;/script&gt;"
