"""Tables in plan text, rebuilt into rows: markdown pipe tables and one cell per line.

Pipe tables (``| 指标名称 | 单位 | … |``) arrive split across pages: each fragment repeats its
header (or leaves it blank), two-level headers put the sub-header in the first data line,
and group rows (``<b>一、经济发展</b>``, ``**经济发展**``) label the rows below them.
One-cell-per-line tables (``表1-1`` then 指标名称 / 单位 / … each on its own line) lose empty
cells and rowspans; rows are rebuilt from header vocabulary and row terminators.
:mod:`atlas.read.structure` finds the tables; the functions here read them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from atlas.model import SourceSpan

_CN = "一二三四五六七八九十百零〇"
_TABLE_NOTE_RE = re.compile(r"^(?:注|说明|备注)\s*[:：]")


@dataclass(frozen=True)
class TableRow:
    """One data row; ``cells`` align with :attr:`Table.columns` ("" for missing cells)."""

    cells: tuple[str, ...]
    source: SourceSpan
    group: str = ""  # group/category label in force (一、经济发展; 综合实力)


@dataclass(frozen=True)
class Table:
    """A table rebuilt from markdown pipes or one cell per line.

    ``columns`` are flattened header names; a two-level header gives ``parent/child``
    (e.g. ``2025年目标/绝对量``).
    """

    index: int
    caption: str
    columns: tuple[str, ...]
    rows: tuple[TableRow, ...]
    source: SourceSpan  # the caption (or first header line)
    heading_path: tuple[str, ...] = ()
    box: int = -1
    style: str = "pipe"  # pipe or cells
    note: str = ""


#: a page footer line between the fragments of a page-split table (— 12 —, 第 3 页)
_PAGE_FOOTER_RE = re.compile(
    r"^(?:[-—–]\s*\d{1,4}\s*[-—–]|第\s*\d{1,4}\s*页(?:\s*/?\s*共\s*\d+\s*页)?)$"
)
_SEP_RE = re.compile(r"^\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?$")
_CELL_HEADER_RE = re.compile(
    r"类别|序号|指标|单位|\d{4}年|属性|完成情况|目标|实际|备注|基期|规划|类型|名称|现状|年均|增长|绝对"
    r"|布局要素|空间要素|范围|功能定位|主导产业|发展方向"  # a layout table (布局要素|范围|功能定位)
)
_STATUS_RE = re.compile(r"^(?:预期性|约束性|完成|未完成|基本完成|超额完成|无统计|达到|未达到)$")
UNIT_RE = re.compile(
    r"^(?:%|‰|[万亿千百]?(?:元|美元|人|户|家|个|件|套|项|张|所|座|台|辆|头|只|吨|斤|亩|人次|标箱)|"
    r"岁|年|天|小时|公里|千米|米|平方米|平方公里|m2|m²|km2|km²|立方米|万立方米|公顷|万公顷|"
    r"吨标煤|万吨标煤|千瓦|万千瓦|兆瓦|千伏|微克/立方米|μg/m3|ug/m3|mg/m3|GW|MW|kW|"
    r"[万亿]?千瓦时|床|张/千人|人/千人|件/万人|年/人)$"
)


def _split_pipe(text: str) -> list[str]:
    t = text.strip()
    if t.startswith("|"):
        t = t[1:]
    if t.endswith("|"):
        t = t[:-1]
    return [c.strip() for c in t.split("|")]


def _is_group_row(cells: list[str], raw: str) -> bool:
    rest = [c for c in cells[1:] if c]
    return (
        bool(cells and cells[0])
        and not rest
        and (
            "<b>" in raw
            or "**" in raw
            or re.match(rf"^[{_CN}]+、", cells[0]) is not None
            or re.search(r"\d", cells[0]) is None
        )
    )


def read_pipe_table(
    paras: Sequence[Any], raw: Sequence[str], start: int, caption: str, box: int
) -> tuple[Table, int]:
    """Read the run of pipe-table paragraphs starting at ``start``.

    Returns the table and the index of the first paragraph after the run (the paragraphs
    ``start .. next-1`` are the table's).
    """
    i = start
    header: list[str] | None = None
    sub: list[str] | None = None
    rows: list[TableRow] = []
    group = ""
    first = paras[start]
    run: list[Any] = []
    while i < len(paras):
        if paras[i].text.startswith("|"):
            run.append(paras[i])
            i += 1
        elif (
            _PAGE_FOOTER_RE.match(paras[i].text.strip())
            and i + 1 < len(paras)
            and paras[i + 1].text.startswith("|")
        ):
            i += 1  # a page footer (— 12 —) between two fragments of one table
        else:
            break
    # page-split fragments follow each other with only blank lines between, so one run
    # holds them all; each fragment repeats (or blanks) the header: keep the first
    is_sep = [_SEP_RE.match(dp.text.replace(" ", "")) is not None for dp in run]
    after_sep = False
    for k, dp in enumerate(run):
        if is_sep[k]:
            after_sep = True
            continue
        cells = _split_pipe(dp.text)
        if k + 1 < len(run) and is_sep[k + 1]:
            if header is None or not any(header):
                header = cells
            continue
        if (
            after_sep
            and header is not None
            and not cells[0]
            and any(cells)
            and not any(re.search(r"\d", c) and not _CELL_HEADER_RE.search(c) for c in cells)
        ):
            if sub is None:
                sub = cells
            continue  # a (repeated) second header row
        after_sep = False
        if _is_group_row(cells, raw[dp.line - 1]):
            group = cells[0]
            continue
        if not any(cells):
            continue
        rows.append(TableRow(cells=tuple(cells), source=dp.span(), group=group))
    header = header or []
    width = max([len(header)] + [len(r.cells) for r in rows]) if (header or rows) else 0
    cols: list[str] = []
    parent = ""
    for j in range(width):
        h = header[j] if j < len(header) else ""
        s = sub[j] if sub and j < len(sub) else ""
        if h:
            parent = h
        elif not s:
            parent = ""
        name = f"{parent}/{s}" if (s and parent) else (h or s or f"col{j + 1}")
        cols.append(name)
    rows = [
        TableRow(cells=r.cells + ("",) * (width - len(r.cells)), source=r.source, group=r.group)
        for r in rows
    ]
    tbl = Table(
        index=-1,
        caption=caption,
        columns=tuple(cols),
        rows=tuple(rows),
        source=first.span(),
        heading_path=first.heading_path,
        box=box,
        style="pipe",
    )
    return tbl, i


def _plain_row(texts: list[str], cells: list[Any], width: int) -> TableRow:
    """A row whose cells sit in header order (padded when the last ones are empty)."""
    out = (texts + [""] * width)[:width]
    quote = "|".join(dp.span().quote for dp in cells)
    end = cells[-1].para.end_line
    return TableRow(cells=tuple(out), source=SourceSpan(cells[0].line, quote, end), group="")


def read_cell_table(
    paras: Sequence[Any], start: int, caption_dp: Any
) -> tuple[Table | None, int, int]:
    """Rebuild a one-cell-per-line table following the caption paragraph at ``start - 1``.

    Returns the table (None if the cells do not make one), the index after its last cell
    (or after its note) and the index of its note paragraph (``注:…``; -1 if none); the
    cells are the paragraphs ``start .. start + len(cells) - 1``.

    Header cells are read while they use header vocabulary (类别, 序号, 指标, 单位, 20XX年,
    属性 ...). Rows end at a status/attribute cell (预期性, 约束性, 完成, 未完成, 无统计) when
    the last column holds one, else at the next 序号. Empty unit and category cells are
    dropped in such tables, so cells are assigned from the row's end: status, the value
    columns, then unit (if the cell is a unit), name, 序号, category (joined if split).
    """
    cells: list[Any] = []
    i = start
    note = ""
    note_at = -1
    while i < len(paras):
        t = paras[i].text
        if _TABLE_NOTE_RE.match(t):
            note = t
            note_at = i
            i += 1
            break
        if len(t) > 30 or re.search(r"[。]", t) or paras[i].kind == "heading":
            break
        cells.append(paras[i])
        i += 1
    header: list[str] = []
    for dp in cells:
        if _CELL_HEADER_RE.search(dp.text) and not re.fullmatch(r"[\d.%/<>\[\]-]+", dp.text):
            header.append(dp.text)
        else:
            break
    data = cells[len(header) :]
    if len(header) < 3 or not data:
        return None, start, -1
    value_cols = [
        j for j, h in enumerate(header) if re.search(r"\d{4}年|目标|现状|基期|增长|增速", h)
    ]
    has_status = bool(re.search(r"属性|完成情况|类型", header[-1]))
    has_no = any(h == "序号" for h in header)
    # split the data cells into rows
    raw_rows: list[list[Any]] = []
    cur: list[Any] = []
    for dp in data:
        if has_status:
            cur.append(dp)
            if _STATUS_RE.match(dp.text):
                raw_rows.append(cur)
                cur = []
        elif has_no:
            if re.fullmatch(r"\d{1,3}", dp.text) and cur and len(cur) > 2:
                raw_rows.append(cur)
                cur = []
            cur.append(dp)
        else:  # no row terminator: fixed width (cells must all be there)
            cur.append(dp)
            if len(cur) == len(header):
                raw_rows.append(cur)
                cur = []
    if cur:
        raw_rows.append(cur)
    name_col = next((j for j, h in enumerate(header) if "指标" in h or "名称" in h), 0)
    unit_col = next((j for j, h in enumerate(header) if h == "单位"), -1)
    no_col = next((j for j, h in enumerate(header) if h == "序号"), -1)
    cat_col = next((j for j, h in enumerate(header) if h in ("类别", "类型", "领域")), -1)
    columns = list(header)
    # a layout table (布局要素|范围|功能定位): no values to align from the end, cells in order
    plain = not value_cols and not has_status and unit_col < 0 and no_col < 0
    if plain:
        shift = 0
    elif cat_col < 0 and name_col == 0:
        columns = ["类别", *header]  # category column without a header cell (表1-1)
        shift = 1
    else:
        shift = 0
    rows: list[TableRow] = []
    category = ""
    for rr in raw_rows:
        texts = [dp.text for dp in rr]
        if plain:
            rows.append(_plain_row(texts, rr, len(columns)))
            continue
        out = [""] * len(columns)
        k = len(texts)
        if has_status:
            out[-1] = texts[k - 1]
            k -= 1
        vals = value_cols[:]
        for vc in reversed(vals):
            if k > 0:
                out[vc + shift] = texts[k - 1]
                k -= 1
        prefix = texts[:k]
        if unit_col >= 0 and prefix and UNIT_RE.match(prefix[-1]):
            out[unit_col + shift] = prefix.pop()
        if prefix:
            out[name_col + shift] = prefix.pop()
        if no_col >= 0 and prefix and re.fullmatch(r"\d{1,3}", prefix[-1]):
            out[no_col + shift] = prefix.pop()
        if prefix:
            category = "".join(prefix)
        ci = cat_col + shift if cat_col >= 0 else 0
        if cat_col >= 0 or shift:
            out[ci] = category
        first, last = rr[0], rr[-1]
        quote = "|".join(dp.span().quote for dp in rr)
        rows.append(
            TableRow(
                cells=tuple(out),
                source=SourceSpan(line=first.line, quote=quote, end_line=last.para.end_line),
                group=category,
            )
        )
    tbl = Table(
        index=-1,
        caption=caption_dp.text,
        columns=tuple(columns),
        rows=tuple(rows),
        source=caption_dp.span(),
        heading_path=caption_dp.heading_path,
        box=caption_dp.box,
        style="cells",
        note=note,
    )
    return tbl, i, note_at
