"""AppTest of the 规划文本 page: the plan text with highlighted spans, opened at a line."""

import re

import pytest
from app_fixture import app_test, fixture_atlas, real_atlas


def _body(at) -> str:
    return "\n".join(h.proto.body for h in at.get("html"))


def test_reader_opens_at_line_with_highlights_and_map_links(monkeypatch):
    at = app_test("reader", fixture_atlas(), monkeypatch, plan="fixture-city", line="9")
    at.run()
    assert not at.exception
    assert at.header[0].value == "规划文本"
    body = _body(at)
    line9 = re.search(r'<div id="L9" class="ln tgt"[^>]*>(.*?)</div>', body).group(1)
    assert "做强锦州高新技术产业开发区，打造光伏和半导体产业集群。" in line9
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
    # the indicator line is highlighted as an indicator
    assert re.search(r'id="L12" class="ln" style="background:#fef9c3"', body)


def test_reader_only_extracted_lines(monkeypatch):
    at = app_test("reader", fixture_atlas(), monkeypatch, plan="fixture-city")
    at.run()
    at.toggle[0].set_value(True).run()
    ids = re.findall(r'<div id="L(\d+)"', _body(at))
    assert ids == ["4", "5", "6", "7", "9", "10", "11", "12", "13"]


def test_reader_on_real_build(monkeypatch):
    gpkg = real_atlas()
    if gpkg is None:
        pytest.skip("atlas.build is not available yet")
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
    assert '<div id="L10" class="ln tgt"' in _body(at)
