"""Load plan text: detect its encoding, normalise it for matching, keep provenance.

A :class:`PlanText` holds the original decoded lines verbatim, a normalised form of each line
(for matching) and *logical paragraphs*: runs of lines re-joined where a PDF page break cut a
sentence (or a name, e.g. 朝凌 ‖ 客专) in half. Every character of a paragraph's normalised
text maps back to a 1-based line and column of the original file, so any extracted span can be
quoted verbatim with :meth:`Paragraph.span`.

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

from .errors import PlanFormatError
from .limits import MAX_PLAN_BYTES, MAX_PLAN_MB, human_size
from .model import SourceSpan

log = logging.getLogger(__name__)

#: largest plan file accepted (bytes; documented in atlas/limits.py and docs/robustness.md)
MAX_BYTES = MAX_PLAN_BYTES
#: what the loaders read, said in every refusal of another format
SUPPORTED = "plain text (.txt) in UTF-8, GBK/GB18030 or UTF-16"

#: a paragraph broken by a page break is re-joined only if its text so far is at least this
#: long (or contains a clause comma): short unterminated lines are headings, captions or
#: one-cell-per-line table cells, which must stay separate
JOIN_MIN_CHARS = 16

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF; export it to .txt first"),
    (b"PK\x03\x04", "a ZIP/DOCX/XLSX archive; export the document to .txt first"),
    (b"\xd0\xcf\x11\xe0", "an old Word/Excel (OLE) file; export it to .txt first"),
    (b"{\\rtf", "an RTF document; export it to .txt first"),
    (b"\x89PNG", "a PNG image, not plan text"),
    (b"\xff\xd8\xff", "a JPEG image, not plan text"),
    (b"GIF8", "a GIF image, not plan text"),
    (b"\x1f\x8b", "a gzip archive; unpack it first"),
    (b"7z\xbc\xaf", "a 7z archive; unpack it first"),
    (b"Rar!", "a RAR archive; unpack it first"),
)

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


def is_cjk(ch: str) -> bool:
    """True for CJK ideographs and CJK/full-width punctuation (where spaces are noise)."""
    o = ord(ch)
    return (
        0x4E00 <= o <= 0x9FFF
        or 0x3400 <= o <= 0x4DBF
        or 0x3000 <= o <= 0x303F
        or 0xFF00 <= o <= 0xFFEF
        or 0x2010 <= o <= 0x201F  # dashes and curly quotes
        or 0xF900 <= o <= 0xFAFF
    )


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


# --------------------------------------------------------------------------- decoding


def _plausible(text: str) -> float:
    """Share of characters that look like plan text (CJK, ASCII printable, whitespace)."""
    if not text:
        return 0.0
    sample = text[:20000]
    good = sum(
        1
        for c in sample
        if c.isprintable() or c.isspace() or is_cjk(c) or c in "\u200b\ufeff\u00ad"
    )
    bad = sum(1 for c in sample if 0xD800 <= ord(c) <= 0xDFFF or c == "\ufffd")
    return (good - bad) / len(sample)


#: the most frequent hanzi of modern Chinese (and of plans): real GBK/GB18030 plan text is
#: mostly made of them; text in another encoding read as GB18030 (Shift-JIS, Big5, Latin-1)
#: gives rare, random ideographs instead
COMMON_HANZI = frozenset(
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严推绿镇园港项态服城乡村振兴域综优升企投创促营健"
)


def _reads_as_chinese(text: str) -> bool:
    """True unless ``text`` has ideographs and few of them are common ones (mojibake)."""
    cjk = [c for c in text[:20000] if 0x4E00 <= ord(c) <= 0x9FFF]
    return not cjk or sum(c in COMMON_HANZI for c in cjk) / len(cjk) >= 0.25


def _cjk_share(text: str) -> float:
    sample = text[:20000]
    if not sample:
        return 0.0
    return sum(1 for c in sample if 0x4E00 <= ord(c) <= 0x9FFF) / len(sample)


def decode(data: bytes) -> tuple[str, str]:
    """Decode plan bytes, detecting the encoding.

    Tries BOMs (UTF-8, UTF-16), UTF-16 without BOM (NUL-byte pattern), UTF-8, then
    GB18030 (a superset of GBK/GB2312).

    Returns
    -------
    text, encoding : str, str

    Raises
    ------
    PlanFormatError
        For empty, oversized, binary or undecodable data, and for known non-text formats.
    """
    if len(data) > MAX_BYTES:
        raise PlanFormatError(
            f"plan file is {human_size(len(data))}; the limit is {MAX_PLAN_MB} MB"
        )
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise PlanFormatError("plan file is empty")
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise PlanFormatError(f"this looks like {what} (the atlas reads {SUPPORTED})")
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data[3:], "utf-8", "utf-8-sig")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        enc = "utf-16-le" if data.startswith(b"\xff\xfe") else "utf-16-be"
        return _strict(data[2:], enc, enc)
    if b"\x00" in data[:65536]:
        best: tuple[float, str, str] | None = None
        for enc in ("utf-16-le", "utf-16-be"):
            try:
                text = data[: len(data) - len(data) % 2].decode(enc)
            except UnicodeDecodeError:
                continue
            score = _plausible(text) if "\x00" not in text else 0.0
            if best is None or score > best[0]:
                best = (score, text, enc)
        if best and best[0] > 0.97:
            return best[1], best[2]
        raise PlanFormatError("this looks like a binary file (NUL bytes), not plan text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        bad_line = data[: exc.start].count(b"\n") + 1  # first line that is not UTF-8
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = ""
    chinese = bool(text) and _reads_as_chinese(text)
    if chinese and _plausible(text) > 0.97 and _cjk_share(text) > 0.05:
        return text, "gb18030"
    if len(data) % 2 == 0:  # UTF-16 of pure CJK text has no NUL bytes
        for enc in ("utf-16-le", "utf-16-be"):
            try:
                t16 = data.decode(enc)
            except UnicodeDecodeError:
                continue
            if _plausible(t16) > 0.97 and _cjk_share(t16) > 0.3:
                return t16, enc
    if chinese and _plausible(text) > 0.97:
        return text, "gb18030"
    if text and _plausible(text) > 0.97:
        raise PlanFormatError(
            f"this looks like text in another encoding (Big5, Shift-JIS, Latin-1 ...); "
            f"the atlas reads {SUPPORTED}"
        )
    where = f"; line {bad_line} is not UTF-8" if bad_line > 1 else ""
    raise PlanFormatError(f"cannot decode the plan file{where} (the atlas reads {SUPPORTED})")


def _strict(data: bytes, enc: str, label: str) -> tuple[str, str]:
    try:
        return data.decode(enc), label
    except UnicodeDecodeError as exc:
        raise PlanFormatError(f"the file says it is {label} but is not: {exc.reason}") from None


#: Unicode category Cc (U+0000–001F, U+007F–009F) except \t \n \v \f \r: one regex scan
#: instead of a unicodedata.category() call per character (same set, ~20× faster)
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def _check_text(text: str) -> None:
    if not text.strip():
        raise PlanFormatError("plan file is empty")
    head = text.lstrip("\ufeff \t\r\n")[:200].lower()
    if head.startswith(("<!doctype html", "<html", "<?xml")):
        raise PlanFormatError("this looks like an HTML/XML page; save the plan as plain text first")
    sample = text[:100000]
    ctrl = len(_CONTROL.findall(sample))
    if ctrl / max(len(sample), 1) > 0.01:
        raise PlanFormatError("this looks like a binary file (control characters), not plan text")


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
    _check_text(text)
    raw_lines = split_lines(text)
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


def load_plan(path: Path, plan_id: str | None = None) -> PlanText:
    """Load a plan text file (``plan_id`` defaults to the file stem).

    Raises
    ------
    PlanFormatError
        If the file is missing, a directory, too large, or not readable as plan text.
    """
    path = Path(path)
    if not path.exists():
        raise PlanFormatError(f"no such plan file: {path}")
    if not path.is_file():
        raise PlanFormatError(f"not a file: {path}")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise PlanFormatError(f"{path.name} is {human_size(size)}; the limit is {MAX_PLAN_MB} MB")
    return read_text(path.read_bytes(), plan_id or path.stem, str(path))
