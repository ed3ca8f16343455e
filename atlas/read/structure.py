"""Document structure of a plan: section tree, glossary, 专栏 boxes and tables.

:func:`parse` turns a :class:`~atlas.read.text.PlanText` into a :class:`Document`:

- **headings** of every style found in plans — markdown ``#`` lines, 第X编/章/节, 一、,
  （一）/(一), 1./1、, (1)/①, 前言/序言/附件 — ranked by style (not by the unreliable
  markdown level) into a tree; headings run into their paragraph (``(一)坚定不移推动经济高质量
  发展。牢牢把握…``) open a section whose title is the lead sentence. A table of contents
  (目录) is recognised and kept out of the tree.
- **paragraphs** each know their heading path and ``kind``: ``text``, ``heading``,
  ``table`` (rows/cells of a table), ``toc``, ``caption``, ``box`` (a 专栏 title), ``note``
  (table notes, ``(责任部门:…)`` lines), ``glossary`` or ``chrome`` (web-portal header/footer
  boilerplate: breadcrumbs, 发布时间, share widgets, and everything from a footer line such as
  责任编辑/版权所有/温馨提示 on — a footer's address is not a place of the plan).
- **glossary**: entries of a 名词解释 section, ``term → definition`` with source spans.
- **boxes**: 专栏 blocks. They have no end marker: a box runs over the following table
  rows, arabic-numbered sub-headings (``1. 航道项目``), labelled items (``精细化工:…``) and
  paragraphs listing investments (``投资 X 亿元…``); it ends at the next chapter-level or
  (一)/一、-style heading, the next 专栏, or the first ordinary prose paragraph.
- **tables**: markdown pipe tables and one-cell-per-line tables under a ``表N-M`` caption,
  found here and rebuilt into rows by :mod:`atlas.read.tables`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from atlas.model import PlanInfo, SourceSpan
from atlas.read.tables import Table, TableRow, read_cell_table, read_pipe_table

__all__ = [
    "Box",
    "DocParagraph",
    "Document",
    "GlossaryEntry",
    "Section",
    "Sentence",
    "Table",
    "TableRow",
    "heading_style",
    "parse",
]
from atlas.read.text import Paragraph, PlanText, is_chrome, sentence_bounds

_CN = "一二三四五六七八九十百零〇"
#: (style, rank, regex) — lower rank = higher level; first match wins
HEADING_STYLES: tuple[tuple[str, int, re.Pattern[str]], ...] = (
    ("part", 0, re.compile(rf"^第[{_CN}\d]+(?:编|篇|部分)")),
    ("chapter", 1, re.compile(rf"^第[{_CN}\d]+章")),
    (
        "front",
        1,
        re.compile(
            r"^(?:附[:、]?)?(?:前言|序言|引言|附件|附则|结束语|结语|名词解释|名词释义|术语解释)$"
        ),
    ),
    ("section", 2, re.compile(rf"^第[{_CN}\d]+节")),
    ("cn", 3, re.compile(rf"^[{_CN}]+、")),
    ("cn_paren", 4, re.compile(rf"^\([{_CN}]+\)")),
    ("num", 5, re.compile(r"^\d{1,2}(?:[.、](?!\d)|\.(?=(?:19|20)\d\d年))")),
    ("num_paren", 6, re.compile(r"^(?:\(\d{1,2}\)|[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳])")),
)
#: markdown-only headings (no numbering) rank between 节 and 一、 by their # count
_MD_RANK = {1: 0, 2: 2, 3: 3, 4: 4, 5: 5, 6: 6}
MAX_HEADING_CHARS = 48
_BOX_RE = re.compile(r"^专栏\s*(?:[\d一二三四五六七八九十]+(?:[-.]\d+)?)?\s*[:.、]?\s*")
_CAPTION_RE = re.compile(r"^(?:附?表\s*\d+(?:[-.—]\d+)?)\s*")
_GLOSSARY_RE = re.compile(r"名词解释|名词释义|术语解释")
_GLOSS_ENTRY_RE = re.compile(r"^(?:\d{1,3}[.、]\s*)?([^:。,;]{1,30}?)\s*:\s*(.+)$")
_INVEST_RE = re.compile(r"投资\s*(?:约|总额)?\s*\d[\d.]*\s*(?:亿|万)")
_LABEL_RE = re.compile(r"^[^。,;:]{2,20}:")
#: web-portal footers: everything from such a line to the end is boilerplate (an address in
#: a footer must never become a map feature)
_FOOTER_RE = re.compile(
    r"^(?:责任编辑|版权所有|主办单位|温馨提示|扫一扫|网站标识码|ICP备|.{0,6}公网安备)"
)
#: single portal lines (header chrome, share/print widgets, attachment links)
_CHROME_LINE_RE = re.compile(
    r"^(?:【\s*(?:字体|字号)|收藏|详情|分享|打印|关闭|•?\s*(?:附件|视频)\s*:$|微信公众号$|政务微博$)|【下载附件】"
)
#: responsibility notes after paragraphs: (责任部门:商务局、住建局)
_RESPONSIBLE_RE = re.compile(r"^\((?:责任|牵头|配合)(?:部门|单位)\s*:[^()]*\)$")


@dataclass(frozen=True)
class Section:
    """A heading and its place in the tree.

    Attributes
    ----------
    index : int
        0-based position among the document's sections.
    title : str
        Heading text (normalised; a run-in heading's lead sentence without its 。).
    style : str
        part, chapter, front, section, cn, cn_paren, num, num_paren or markdown.
    rank : int
        Nesting rank of the style (0 = 编, 1 = 章, 2 = 节, 3 = 一、, 4 = (一), 5 = 1., 6 = (1)).
    path : tuple of str
        Titles from the top of the tree down to this section (inclusive).
    parent : int
        Index of the enclosing section, -1 at the top.
    source : SourceSpan
    paragraph : int
        Index of the heading's paragraph.
    """

    index: int
    title: str
    style: str
    rank: int
    path: tuple[str, ...]
    parent: int
    source: SourceSpan
    paragraph: int


@dataclass(frozen=True)
class DocParagraph:
    """A paragraph of the document with its structural context.

    ``text`` is normalised; use :meth:`span` for provenance. ``body_start`` is where the body
    starts after a run-in heading (0 otherwise).
    """

    para: Paragraph = field(repr=False)
    kind: str  # text, heading, table, toc, caption, box, note, glossary
    heading_path: tuple[str, ...]
    section: int  # index of the innermost section, -1 before the first heading
    box: int = -1  # index into Document.boxes, -1 outside boxes
    body_start: int = 0

    @property
    def index(self) -> int:
        return self.para.index

    @property
    def text(self) -> str:
        return self.para.text

    @property
    def body(self) -> str:
        """The text after a run-in heading (the whole text otherwise)."""
        return self.para.text[self.body_start :]

    @property
    def line(self) -> int:
        return self.para.line

    def span(self, start: int = 0, end: int | None = None) -> SourceSpan:
        """Source span of ``text[start:end]`` (see :meth:`atlas.read.text.Paragraph.span`)."""
        return self.para.span(start, end)


@dataclass(frozen=True)
class Sentence:
    """A sentence of a text paragraph: normalised text, provenance and heading path."""

    text: str
    source: SourceSpan
    heading_path: tuple[str, ...]
    paragraph: int  # index into Document.paragraphs
    start: int  # offset of the sentence in the paragraph's text
    end: int
    box: int = -1
    para: Paragraph | None = field(default=None, repr=False, compare=False)

    def span(self, start: int = 0, end: int | None = None) -> SourceSpan:
        """Provenance of ``text[start:end]`` (offsets relative to this sentence)."""
        end = len(self.text) if end is None else end
        if self.para is None:
            return self.source
        return self.para.span(self.start + start, self.start + end)


@dataclass(frozen=True)
class GlossaryEntry:
    """One 名词解释 entry."""

    term: str
    definition: str
    source: SourceSpan
    number: int | None = None
    paragraph: int = -1


@dataclass(frozen=True)
class Box:
    """A 专栏 box: its title and the paragraphs it holds."""

    index: int
    title: str  # text after 专栏: e.g. “十四五”时期锦州港重点项目
    source: SourceSpan
    paragraphs: tuple[int, ...]  # indices into Document.paragraphs (without the title)
    heading_path: tuple[str, ...] = ()


@dataclass(frozen=True)
class Document:
    """The parsed structure of one plan."""

    plan: PlanInfo
    text: PlanText = field(repr=False)
    title: str
    sections: tuple[Section, ...]
    paragraphs: tuple[DocParagraph, ...] = field(repr=False)
    glossary: tuple[GlossaryEntry, ...] = ()
    boxes: tuple[Box, ...] = ()
    tables: tuple[Table, ...] = ()

    def sentences(self, kinds: tuple[str, ...] = ("text", "glossary")) -> Iterator[Sentence]:
        """Yield the sentences of paragraphs of the given kinds, in document order.

        A run-in heading's lead sentence is part of the paragraph and is yielded too.
        """
        for dp in self.paragraphs:
            if dp.kind not in kinds:
                continue
            for s, e in sentence_bounds(dp.text):
                yield Sentence(
                    text=dp.text[s:e],
                    source=dp.span(s, e),
                    heading_path=dp.heading_path,
                    paragraph=dp.index,
                    start=s,
                    end=e,
                    box=dp.box,
                    para=dp.para,
                )

    def glossary_lookup(self, term: str) -> GlossaryEntry | None:
        """The glossary entry for ``term`` (normalised match, ignoring 、 and quotes)."""
        key = _gloss_key(term)
        for g in self.glossary:
            if _gloss_key(g.term) == key:
                return g
        return None

    def section_paragraphs(self, section: int) -> list[DocParagraph]:
        """Paragraphs inside section ``section`` (including its sub-sections)."""
        inside = {section}
        for s in self.sections:
            if s.parent in inside:
                inside.add(s.index)
        return [p for p in self.paragraphs if p.section in inside]


def _gloss_key(term: str) -> str:
    return re.sub(r"[、,“”\"'《》\s]", "", term)


# --------------------------------------------------------------------------- headings


def heading_style(text: str, md_level: int = 0) -> tuple[str, int] | None:
    """Style and rank of a heading line, or None if ``text`` does not look like one.

    Parameters
    ----------
    text : str
        Normalised paragraph text (its start).
    md_level : int
        Number of leading ``#`` in the original line (0 if none).
    """
    for style, rank, rx in HEADING_STYLES:
        if rx.match(text):
            return style, rank
    if md_level:
        return "markdown", _MD_RANK.get(md_level, 6)
    return None


def _heading_title(text: str) -> tuple[str, int] | None:
    """Title and body offset of a heading paragraph; None if it reads as a body paragraph.

    A heading is short and unpunctuated (``第一节发展基础``), or run into its paragraph with
    a short lead sentence (``(一)坚定不移推动经济高质量发展。牢牢把握…``).
    """
    stop = re.search(r"[。!?]", text)
    if stop is None:
        if len(text) <= MAX_HEADING_CHARS and not re.search(r"[,;]", text[8:]):
            return text.strip(), len(text)
        return None
    if stop.start() <= MAX_HEADING_CHARS:
        if stop.end() >= len(text.rstrip()) and re.search(r"[,;]", text[: stop.start()]):
            return None  # one whole sentence with clauses: an item, not a heading
        return text[: stop.start()].strip(), stop.end()
    return None


def _md_level(raw: str) -> int:
    m = re.match(r"^\s*(#{1,6})", raw)
    return len(m.group(1)) if m else 0


# --------------------------------------------------------------------------- tables


def _with(dp: DocParagraph, **kw: object) -> DocParagraph:
    from dataclasses import replace

    return replace(dp, **kw)


# --------------------------------------------------------------------------- parse


def parse(pt: PlanText, plan: PlanInfo | None = None) -> Document:
    """Parse a plan's structure.

    Parameters
    ----------
    pt : PlanText
        The loaded plan (:func:`atlas.read.text.load_plan` / :func:`atlas.read.text.read_text`).
    plan : PlanInfo, optional
        Identity of the plan; defaults to one built from ``pt.plan_id``/``pt.path``.

    Returns
    -------
    Document
    """
    plan = plan or PlanInfo(plan_id=pt.plan_id, path=pt.path)
    sections: list[Section] = []
    paras: list[DocParagraph] = []
    stack: list[int] = []  # indices of open sections
    in_toc = False
    toc_seen: set[str] = set()
    glossary_rank: int | None = None
    in_footer = False
    for p in pt.paragraphs:
        raw = pt.raw_lines[p.line - 1]
        text = p.text
        md = _md_level(raw)
        kind = "text"
        body_start = 0
        in_footer = in_footer or (len(text) <= 200 and _FOOTER_RE.match(text) is not None)
        if in_footer or (
            len(text) <= 80 and (is_chrome(text) or _CHROME_LINE_RE.search(text) is not None)
        ):
            paras.append(_dp(p, "chrome", sections, stack))
            continue
        if _RESPONSIBLE_RE.match(text):
            paras.append(_dp(p, "note", sections, stack))
            continue
        if text in ("目录", "目 录"):
            in_toc = True
            toc_seen.clear()
            paras.append(_dp(p, "toc", sections, stack))
            continue
        style = None if text.startswith("|") else heading_style(text, md)
        if in_toc:
            if (
                style
                and "。" not in text
                and len(text) <= MAX_HEADING_CHARS
                and style[0] != "front"
            ) and text not in toc_seen:
                toc_seen.add(text)
                paras.append(_dp(p, "toc", sections, stack))
                continue
            in_toc = False
        inside_glossary = glossary_rank is not None and (style is None or style[1] > glossary_rank)
        if inside_glossary and style and style[0] in ("num", "markdown", "num_paren"):
            style = None  # numbered glossary entries are not headings
        if style is not None:
            ht = _heading_title(text)
            if ht is not None:
                title, body_start = ht
                title = re.sub(r"^专栏\s*", "专栏", title)
                s_style, rank = style
                while stack and (
                    sections[stack[-1]].rank >= rank
                    or (sections[stack[-1]].style == "front" and s_style != "front")
                ):
                    stack.pop()  # front matter (前言) ends at the first numbered heading
                parent = stack[-1] if stack else -1
                path = (sections[parent].path if parent >= 0 else ()) + (title,)
                sec = Section(
                    index=len(sections),
                    title=title,
                    style=s_style,
                    rank=rank,
                    path=path,
                    parent=parent,
                    source=p.span(0, max(1, min(body_start, len(text)))),
                    paragraph=p.index,
                )
                sections.append(sec)
                stack.append(sec.index)
                if _GLOSSARY_RE.search(title):
                    glossary_rank = rank
                elif glossary_rank is not None and rank <= glossary_rank:
                    glossary_rank = None
                kind = "heading" if body_start >= len(text) else "text"
        if _BOX_RE.match(text) and len(text) <= 60 and "。" not in text:
            kind = "box"
        elif _CAPTION_RE.match(text) and len(text) <= 60 and "。" not in text:
            kind = "caption"
        elif glossary_rank is not None and kind == "text":
            kind = "glossary"
        paras.append(_dp(p, kind, sections, stack, body_start=body_start))
    boxes = _find_boxes(paras, sections)
    tables = _find_tables(paras, pt.raw_lines, boxes)
    glossary = _find_glossary(paras)
    title = _title(pt)
    return Document(
        plan=plan,
        text=pt,
        title=title,
        sections=tuple(sections),
        paragraphs=tuple(paras),
        glossary=tuple(glossary),
        boxes=tuple(boxes),
        tables=tuple(tables),
    )


def _dp(
    p: Paragraph, kind: str, sections: list[Section], stack: list[int], body_start: int = 0
) -> DocParagraph:
    sec = stack[-1] if stack else -1
    path = sections[sec].path if sec >= 0 else ()
    return DocParagraph(para=p, kind=kind, heading_path=path, section=sec, body_start=body_start)


def _box_item(dp: DocParagraph) -> bool:
    t = dp.text
    return (
        t.startswith("|")
        or _INVEST_RE.search(t) is not None
        or t.startswith("投资")
        or _LABEL_RE.match(t) is not None
        or (re.match(r"^\d{1,2}[.、](?!\d)", t) is not None and "。" not in t[:30])
        or (
            re.match(r"^(?:\d{1,2}[.、](?!\d)|\(\d{1,2}\)|[①-⑳])", t) is not None
            and re.search(r"项目|工程", t.split("。")[0]) is not None
        )
        or dp.kind in ("caption", "note", "table")
    )


def _find_boxes(paras: list[DocParagraph], sections: list[Section]) -> list[Box]:
    boxes: list[Box] = []
    i = 0
    while i < len(paras):
        dp = paras[i]
        if dp.kind != "box" and not (
            dp.kind == "heading" and _BOX_RE.match(dp.text) and "。" not in dp.text
        ):
            i += 1
            continue
        title = _BOX_RE.sub("", dp.text).strip() or dp.text
        box_rank = sections[dp.section].rank if dp.section >= 0 and dp.kind == "heading" else 9
        members: list[int] = []
        j = i + 1
        while j < len(paras):
            nx = paras[j]
            if _BOX_RE.match(nx.text) and len(nx.text) <= 60:
                break
            sec = sections[nx.section] if nx.section >= 0 else None
            # a run-in heading (1.综合交通体系。…) is prose, not a box sub-heading
            is_heading = nx.kind == "heading"
            if is_heading and sec is not None and sec.style not in ("num", "num_paren", "markdown"):
                break
            if is_heading and sec is not None and sec.style == "markdown" and sec.rank < box_rank:
                break
            if not is_heading and not _box_item(nx):
                break
            members.append(j)
            j += 1
        bi = len(boxes)
        boxes.append(
            Box(
                index=bi,
                title=title,
                source=dp.span(),
                paragraphs=tuple(members),
                heading_path=dp.heading_path,
            )
        )
        paras[i] = _with(dp, kind="box", box=bi)
        for m in members:
            paras[m] = _with(paras[m], box=bi)
        i = j
    return boxes


def _find_tables(paras: list[DocParagraph], raw: tuple[str, ...], boxes: list[Box]) -> list[Table]:
    tables: list[Table] = []
    i = 0
    while i < len(paras):
        dp = paras[i]
        if dp.text.startswith("|"):
            caption = ""
            if dp.box >= 0:
                caption = boxes[dp.box].title
            else:
                prev = paras[i - 1] if i else None
                if prev is not None and prev.kind in ("caption", "heading"):
                    caption = prev.text
            tbl, nxt = read_pipe_table(paras, raw, i, caption, dp.box)
            for j in range(i, nxt):
                paras[j] = _with(paras[j], kind="table")
            if tbl.rows:
                tables.append(_reindex(tbl, len(tables)))
            i = max(nxt, i + 1)
            continue
        if dp.kind == "caption":
            tbl, nxt, note_at = read_cell_table(paras, i + 1, dp)
            if tbl is not None:
                last = note_at if note_at >= 0 else nxt
                for j in range(i + 1, last):
                    paras[j] = _with(paras[j], kind="table")
                if note_at >= 0:
                    paras[note_at] = _with(paras[note_at], kind="note")
                tables.append(_reindex(tbl, len(tables)))
                i = nxt
                continue
        i += 1
    return tables


def _reindex(t: Table, i: int) -> Table:
    from dataclasses import replace

    return replace(t, index=i)


def _find_glossary(paras: list[DocParagraph]) -> list[GlossaryEntry]:
    out: list[GlossaryEntry] = []
    for dp in paras:
        if dp.kind != "glossary":
            continue
        m = _GLOSS_ENTRY_RE.match(dp.text)
        if not m:
            continue
        num = re.match(r"^(\d{1,3})", dp.text)
        term = m.group(1).strip()
        out.append(
            GlossaryEntry(
                term=term,
                definition=m.group(2).strip(),
                source=dp.span(),
                number=int(num.group(1)) if num else None,
                paragraph=dp.index,
            )
        )
    return out


def _title(pt: PlanText) -> str:
    """The plan's title: the first line naming a 规划/纲要/报告 near the top of the file."""
    cands = [
        p.text
        for p in pt.paragraphs[:15]
        if re.search(r"规划|纲要|报告", p.text)
        and len(p.text) <= 80
        and "。" not in p.text
        and not is_chrome(p.text)
    ]
    for t in cands:
        if re.search(r"国民经济|纲要|工作报告", t):
            return t
    if cands:
        return cands[0]
    return pt.paragraphs[0].text[:80] if pt.paragraphs else ""
