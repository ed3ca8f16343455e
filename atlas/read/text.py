"""Load plan text: detect its encoding, normalise it for matching, keep provenance.

A :class:`PlanText` holds the original decoded lines verbatim, a normalised form of each line
(for matching) and *logical paragraphs*: runs of lines re-joined where a PDF page break cut a
sentence (or a name, e.g. 朝凌 ‖ 客专) in half. Every character of a paragraph's normalised
text maps back to a 1-based line and column of the original file, so any extracted span can be
quoted verbatim with :meth:`Paragraph.span`. Decoding the bytes (encoding detection, refusal
of what is not plan text) is :mod:`atlas.read.encoding`; :func:`decode`, ``MAX_BYTES`` and
``SUPPORTED`` are re-exported here.

Normalisation (what the ``text`` of a line or paragraph looks like):

- full-width ASCII forms (digits, letters, ``，：；（）！？％``) become half-width; NBSP,
  the ideographic space and other odd spaces become a plain space;
- spaces next to a CJK character are dropped (``147 亿元`` → ``147亿元``, ``6 以内`` →
  ``6以内``, ``第一章 规划背景`` → ``第一章规划背景``); other runs of spaces collapse to one;
- markdown and HTML artefacts are removed: leading ``#`` markers, ``**``/``__``, any
  ``<tag>`` (``<b>``, ``<br>``, ``<sup>`` ...), ``&nbsp;``-style entities;
- a Latin ``O`` between Chinese numerals is read as 〇 (``二O 二一年`` → ``二〇二一年``).

``。 、 “ ” 《 》 —`` and other CJK punctuation are kept as they are.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from atlas.errors import PlanFormatError
from atlas.limits import MAX_PLAN_LINES, MAX_PLAN_MB, human_size
from atlas.model import SourceSpan
from atlas.read.encoding import MAX_BYTES as MAX_BYTES
from atlas.read.encoding import SUPPORTED as SUPPORTED
from atlas.read.encoding import check_text, is_cjk
from atlas.read.encoding import decode as decode

log = logging.getLogger(__name__)

#: a paragraph broken by a page break is re-joined only if its text so far is at least this
#: long (or contains a clause comma): short unterminated lines are headings, captions or
#: one-cell-per-line table cells, which must stay separate
JOIN_MIN_CHARS = 16

_CN_NUMERALS = set("零〇一二三四五六七八九十")
_TERMINAL = set("。！？!?；;：:")
_CLOSERS = set("”’」』)）】》\"'")
_TAG_RE = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
_ENTITY_RE = re.compile(r"&(?:nbsp|amp|lt|gt|quot|#\d{1,5});")
_MD_HEAD_RE = re.compile(r"^\s*#{1,6}\s*")
_NOJOIN_START_RE = re.compile(
    r"^(?:第[一二三四五六七八九十百零〇\d]+(?:[编章节篇]|部分)|[一二三四五六七八九十]+、|"
    r"\([一二三四五六七八九十]+\)|\d{1,2}[.、](?!\d)|\d{1,2}\.(?=(?:19|20)\d\d年)|"
    r"——|\||表\s*\d|专栏|注[:：]|\(责任|[•·●■◆\[【]|附件|目录|[\u4e00-\u9fff]{2,6}[:：])"
)
_PAGE_JUNK_RE = re.compile(
    r"^(?:[-—–]\s*\d{1,4}\s*[-—–]|第\s*\d{1,4}\s*页(?:\s*/?\s*共\s*\d+\s*页)?)$"
)
_SENT_END = "。！？!?"
#: web-portal chrome lines (breadcrumbs, publication data): never part of a sentence
_CHROME_RE = re.compile(
    r"^(?:当前位置|您的位置|发布时间|发布日期|信息来源|来源|作者|浏览次数|点击数|字号|分享|打印|关闭)"
    r"\s*[:：]|>.*>"
)


def is_chrome(text: str) -> bool:
    """True for web-portal chrome (breadcrumbs ``首页>…>…``, ``发布时间:…``)."""
    return _CHROME_RE.search(text) is not None


def _fold_table() -> dict[int, str]:
    table = {o: chr(o - 0xFEE0) for o in range(0xFF01, 0xFF5F)}  # full-width ASCII block
    for ch in "\u00a0\u3000\u2002\u2003\u2009\u200a\u202f\u205f\t\f\v":
        table[ord(ch)] = " "
    for ch in "\u200b\u200c\u200d\ufeff\u00ad":
        table[ord(ch)] = "\x00"  # dropped below; translate keeps positions 1:1
    return table


_FOLD = _fold_table()
_SPACES_RE = re.compile(r" +")
_LATIN_ZERO_RE = re.compile(r"(?<=[零〇一二三四五六七八九十])[Oo](?=[零〇一二三四五六七八九十])")


def normalize_line(raw: str) -> tuple[str, list[int]]:
    """Normalise one original line for matching.

    Parameters
    ----------
    raw : str
        The line as decoded, without its line break.

    Returns
    -------
    text : str
        The normalised text (see the module docstring).
    cols : list of int
        For every character of ``text``, its 0-based column in ``raw``.
    """
    n = len(raw)
    folded = raw.translate(_FOLD)
    keep: list[int] | None = None
    # 1. markup (markdown heading marks, **/__, <tags>, &entities;) is not text
    if "#" in raw or "<" in raw or "&" in raw or "**" in raw or "__" in raw:
        drop = bytearray(n)
        m = _MD_HEAD_RE.match(raw)
        if m and raw.lstrip().startswith("#"):
            drop[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
        for rx in (_TAG_RE, _ENTITY_RE):
            for m in rx.finditer(raw):
                drop[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
                if m.group(0) == "&nbsp;":
                    drop[m.start()] = 0  # keep one position for the space
                    folded = folded[: m.start()] + " " + folded[m.start() + 1 :]
        for marker in ("**", "__"):
            start = 0
            while (k := raw.find(marker, start)) >= 0:
                drop[k] = drop[k + 1] = 1
                start = k + 2
        if any(drop):
            keep = [k for k in range(n) if not drop[k] and folded[k] != "\x00"]
    if keep is None and "\x00" in folded:
        keep = [k for k in range(n) if folded[k] != "\x00"]
    if keep is None:
        text, cols = folded, list(range(n))
    else:
        text, cols = "".join(folded[k] for k in keep), keep
    # 2. spaces: drop next to CJK and at the ends, collapse runs to one
    if " " in text:
        parts: list[str] = []
        pcols: list[int] = []
        last = 0
        for m in _SPACES_RE.finditer(text):
            a, b = m.span()
            parts.append(text[last:a])
            pcols.extend(cols[last:a])
            prev = text[a - 1] if a else ""
            nxt = text[b] if b < len(text) else ""
            if prev and nxt and not is_cjk(prev) and not is_cjk(nxt):
                parts.append(" ")
                pcols.append(cols[a])
            last = b
        parts.append(text[last:])
        pcols.extend(cols[last:])
        text, cols = "".join(parts), pcols
    # 3. Latin O used as zero inside Chinese numerals (二O二一年)
    if "O" in text or "o" in text:
        text = _LATIN_ZERO_RE.sub("〇", text)
    return text, cols


@dataclass(frozen=True)
class Paragraph:
    """A logical paragraph: one or more original lines re-joined across page breaks.

    Attributes
    ----------
    index : int
        0-based position among the plan's paragraphs.
    text : str
        Normalised text (see the module docstring).
    lines : tuple of int
        For every character of ``text``, its 1-based line in the original file.
    cols : tuple of int
        For every character of ``text``, its 0-based column in that original line.
    raw : tuple of str
        The original lines of the whole file (shared, for quoting).
    """

    index: int
    text: str
    lines: tuple[int, ...]
    cols: tuple[int, ...]
    raw: tuple[str, ...] = field(repr=False, compare=False)

    @property
    def line(self) -> int:
        """1-based original line where the paragraph starts."""
        return self.lines[0]

    @property
    def end_line(self) -> int:
        """1-based original line where the paragraph ends."""
        return self.lines[-1]

    @property
    def source_lines(self) -> tuple[int, ...]:
        """The distinct original lines this paragraph was joined from, in order."""
        return tuple(dict.fromkeys(self.lines))

    def quote(self, start: int = 0, end: int | None = None) -> str:
        """The verbatim original text behind ``text[start:end]``, page breaks removed."""
        end = len(self.text) if end is None else end
        if start >= end:
            return ""
        parts: list[str] = []
        k = start
        while k < end:
            ln = self.lines[k]
            j = k
            while j + 1 < end and self.lines[j + 1] == ln:
                j += 1
            parts.append(self.raw[ln - 1][self.cols[k] : self.cols[j] + 1].strip())
            k = j + 1
        return "".join(parts)

    def span(self, start: int = 0, end: int | None = None) -> SourceSpan:
        """The :class:`~atlas.model.SourceSpan` of ``text[start:end]``.

        ``line`` is the original line of the first character, ``end_line`` that of the last,
        ``quote`` the verbatim original text (see :meth:`quote`).
        """
        end = len(self.text) if end is None else min(end, len(self.text))
        start = max(0, min(start, end - 1)) if end else 0
        if not self.text:
            return SourceSpan(line=0, quote="")
        return SourceSpan(
            line=self.lines[start], quote=self.quote(start, end), end_line=self.lines[end - 1]
        )

    def line_at(self, pos: int) -> int:
        """1-based original line of character ``pos`` of ``text``."""
        return self.lines[min(max(pos, 0), len(self.lines) - 1)]


@dataclass(frozen=True)
class PlanText:
    """A decoded plan: original lines, normalised lines and logical paragraphs.

    Attributes
    ----------
    plan_id : str
    path : str
        Where it came from (``<upload>`` for uploads).
    encoding : str
        The detected encoding (``utf-8``, ``utf-8-sig``, ``gb18030``, ``utf-16-le`` ...).
    raw_lines : tuple of str
        The original decoded lines, verbatim, without line breaks (index = line - 1).
    norm_lines : tuple of str
        The normalised form of each line.
    paragraphs : tuple of Paragraph
    """

    plan_id: str
    path: str
    encoding: str
    raw_lines: tuple[str, ...] = field(repr=False)
    norm_lines: tuple[str, ...] = field(repr=False)
    paragraphs: tuple[Paragraph, ...] = field(repr=False)

    @property
    def text(self) -> str:
        """All paragraphs' normalised text, one paragraph per line."""
        return "\n".join(p.text for p in self.paragraphs)

    def line(self, n: int) -> str:
        """Original text of 1-based line ``n``."""
        return self.raw_lines[n - 1]


# --------------------------------------------------------------------------- paragraphs

_SPLIT_LINES = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """Split into lines the way ``awk``/``sed`` number them (a final line break adds none).

    Only CR, LF and CRLF break lines: a form feed (PDF page break) stays inside its line.
    """
    lines = _SPLIT_LINES.split(text)
    if lines and lines[-1] == "" and len(lines) > 1:
        lines.pop()
    return lines


def _ends_sentence(text: str) -> bool:
    """True if ``text`` ends with sentence/clause-final punctuation (closers allowed)."""
    t = text.rstrip()
    while t and t[-1] in _CLOSERS:
        t = t[:-1]
    return bool(t) and t[-1] in _TERMINAL


#: a table cell listing towns (安民镇、陶然镇、振兴镇)
_TOWN = r"[\u4e00-\u9fff]{1,8}?(?:镇|乡|街道)"
_TOWN_LIST_RE = re.compile(rf"(?:{_TOWN}、)+{_TOWN}")


def _open_end(text: str) -> bool:
    """True if a paragraph's text ends mid-sentence (so a page break may have cut it)."""
    t = text.rstrip()
    while t and t[-1] in _CLOSERS:
        t = t[:-1]
        if t and t[-1] in _TERMINAL:
            return False
    if not t or t[-1] in _TERMINAL:
        return False
    if text.startswith("|") or _CHROME_RE.search(text):
        return False
    if text[0] in "([【" and text[-1] in ")]】":
        return False  # a whole bracketed line: (责任部门:…), [注释]
    if len(text) <= 30 and _TOWN_LIST_RE.fullmatch(text):
        return False  # a table cell listing towns (安民镇、陶然镇、振兴镇), not a cut sentence
    labelled = ":" in text[:-1]  # 术语:定义 / 标签:内容 runs on
    if (
        _NOJOIN_START_RE.match(text)
        and len(text) <= 40
        and not labelled
        and not any(c in text for c in _SENT_END)
    ):
        return False  # a heading, caption or label line, not a cut sentence
    return len(text) >= JOIN_MIN_CHARS or "," in text or "、" in text


def _heading_continues(prev: str, nxt: str) -> bool:
    """A chapter heading broken over two lines (第一章 … 开启全面建设社会主义 / 现代化新征程)."""
    return (
        re.match(r"^第[一二三四五六七八九十百零〇\d]+章", prev) is not None
        and len(prev) >= 12
        and len(nxt) <= 12
        and not any(c in nxt for c in "。,;:、")
        and not _NOJOIN_START_RE.match(nxt)
    )


def build_paragraphs(raw_lines: list[str], norm: list[tuple[str, list[int]]]) -> list[Paragraph]:
    """Group normalised lines into logical paragraphs, re-joining page-broken sentences."""
    raw = tuple(raw_lines)
    paras: list[tuple[list[str], list[int], list[int]]] = []
    open_para = False  # last paragraph may continue on the next non-empty line
    for ln, (text, cols) in enumerate(norm, start=1):
        if not text:
            continue
        md_heading = raw_lines[ln - 1].lstrip().startswith("#")
        if open_para and paras and not md_heading:
            if _PAGE_JUNK_RE.match(text):
                continue  # a page number between the halves of a sentence
            # a continuation is a sentence's rest: it is long or ends the sentence; short
            # unterminated lines (收藏, 详情, table cells) start something new
            if (
                not _NOJOIN_START_RE.match(text)
                and not text.startswith("|")
                and not _CHROME_RE.search(text)
                and (len(text) >= JOIN_MIN_CHARS or _ends_sentence(text))
            ):
                chunks, lines, pcols = paras[-1]
                chunks.append(text)
                lines.extend([ln] * len(text))
                pcols.extend(cols)
                open_para = _open_end("".join(chunks))
                continue
        if paras and _heading_continues("".join(paras[-1][0]), text):
            chunks, lines, pcols = paras[-1]
            chunks.append(text)
            lines.extend([ln] * len(text))
            pcols.extend(cols)
            open_para = False
            continue
        paras.append(([text], [ln] * len(text), list(cols)))
        open_para = not md_heading and _open_end(text)
    return [
        Paragraph(index=i, text="".join(c), lines=tuple(lines), cols=tuple(pc), raw=raw)
        for i, (c, lines, pc) in enumerate(paras)
    ]


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` offsets of the sentences of a normalised paragraph.

    A sentence ends at 。！？ (plus any closing quotes/brackets after it); ``;`` and ``,`` do
    not end sentences. Leading spaces are skipped.
    """
    out: list[tuple[int, int]] = []
    start = 0
    n = len(text)
    i = 0
    while i < n:
        if text[i] in _SENT_END:
            j = i + 1
            while j < n and text[j] in _CLOSERS:
                j += 1
            out.append((start, j))
            start = i = j
            continue
        i += 1
    if start < n:
        out.append((start, n))
    return [(s, e) for s, e in out if text[s:e].strip()]


# --------------------------------------------------------------------------- public API


def read_text(data: bytes | str, plan_id: str, path: str = "<upload>") -> PlanText:
    """Read plan text from bytes (or an already decoded ``str``).

    Parameters
    ----------
    data : bytes or str
        The file's content.
    plan_id : str
        Identifier to carry along (e.g. ``jinzhou-2021``).
    path : str
        Where the text came from, for messages and provenance.

    Returns
    -------
    PlanText

    Raises
    ------
    PlanFormatError
        Empty, binary, oversized or undecodable input, or a PDF/DOCX/ZIP/image file.
    """
    if isinstance(data, str):
        size = len(data.encode("utf-8"))
        if size > MAX_BYTES:
            raise PlanFormatError(f"plan text is {human_size(size)}; the limit is {MAX_PLAN_MB} MB")
        text, enc = data.lstrip("\ufeff"), "str"
    else:
        text, enc = decode(data)
    check_text(text)
    raw_lines = split_lines(text)
    if len(raw_lines) > MAX_PLAN_LINES:
        raise PlanFormatError(
            f"plan text has {len(raw_lines):,} lines; the limit is {MAX_PLAN_LINES:,} lines"
        )
    norm = [normalize_line(x) for x in raw_lines]
    paras = build_paragraphs(raw_lines, norm)
    if not paras:
        raise PlanFormatError("plan file has no text")
    log.debug("%s: %d lines, %d paragraphs, %s", plan_id, len(raw_lines), len(paras), enc)
    return PlanText(
        plan_id=plan_id,
        path=path,
        encoding=enc,
        raw_lines=tuple(raw_lines),
        norm_lines=tuple(t for t, _ in norm),
        paragraphs=tuple(paras),
    )


def check_plan_file(path: Path) -> int:
    """The size of a plan file, refusing a missing, special or oversized file (``stat`` only).

    The CLI calls it before importing the pipeline, so a refusal costs a fraction of a second.

    Raises
    ------
    PlanFormatError
        If the file is missing, not a regular file, or larger than ``MAX_BYTES``.
    """
    path = Path(path)
    if not path.exists():
        raise PlanFormatError(f"no such plan file: {path}")
    if not path.is_file():
        raise PlanFormatError(f"not a file: {path}")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise PlanFormatError(f"{path.name} is {human_size(size)}; the limit is {MAX_PLAN_MB} MB")
    return size


def read_plan_bytes(path: Path) -> bytes:
    """The bytes of a plan file, refusing a missing, special or oversized file before reading.

    The size is checked with ``stat`` first, then at most ``MAX_BYTES + 1`` bytes are read (a
    file that grows, or a device that reports no size, is still refused without being read
    whole).

    Raises
    ------
    PlanFormatError
        If the file is missing, not a regular file, or larger than ``MAX_BYTES``.
    """
    path = Path(path)
    check_plan_file(path)
    with path.open("rb") as fh:
        data = fh.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise PlanFormatError(f"{path.name} is over the limit of {MAX_PLAN_MB} MB")
    return data


def load_plan(path: Path, plan_id: str | None = None) -> PlanText:
    """Load a plan text file (``plan_id`` defaults to the file stem).

    Raises
    ------
    PlanFormatError
        If the file is missing, a directory, too large, or not readable as plan text.
    """
    path = Path(path)
    return read_text(read_plan_bytes(path), plan_id or path.stem, str(path))
