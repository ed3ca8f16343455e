"""A uniform view of a plan's paragraphs for the layout and entity extractors.

The extractors need, for every paragraph, its normalised text, whether it is a heading, the
headings above it and a way back to the original file (:class:`~atlas.model.SourceSpan`).
:func:`passages` builds that view from the reader's ``Document`` (``atlas.read.structure``) when it
is given one, and from a bare :class:`~atlas.read.text.PlanText` otherwise (with a small heading
detector), so extraction does not depend on which stage produced its input.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from atlas.model import SourceSpan

#: heading kinds, outermost first; a plan uses a subset of them in this order
_HEAD_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("part", re.compile(r"^第[一二三四五六七八九十百]+[编篇部分]")),
    ("chapter", re.compile(r"^第[一二三四五六七八九十百\d]+章")),
    ("section", re.compile(r"^第[一二三四五六七八九十百\d]+节")),
    ("cn", re.compile(r"^[一二三四五六七八九十]{1,3}、")),
    ("paren", re.compile(r"^[(（][一二三四五六七八九十]{1,3}[)）]")),
    ("num", re.compile(r"^\d{1,2}[.、](?!\d)")),
)
_HEAD_RANK = {kind: i for i, (kind, _) in enumerate(_HEAD_PATTERNS)}
#: longest text still taken for a stand-alone heading line
HEADING_MAX_CHARS = 40


@dataclass(frozen=True)
class Passage:
    """One paragraph as the extractors see it.

    Attributes
    ----------
    index : int
        0-based position in the plan.
    text : str
        Normalised paragraph text (markdown stripped, half-width ``,:;()``).
    heading : bool
        True for a heading line (第三章…, 三、…, (二)…).
    level : int
        Nesting rank of a heading (0 outermost); -1 for body paragraphs.
    heading_path : tuple of str
        Texts of the enclosing headings, outermost first (not including itself).
    source : Any
        The underlying paragraph object, which provides ``span(start, end)``.
    """

    index: int
    text: str
    heading: bool
    level: int
    heading_path: tuple[str, ...]
    source: Any

    def span(self, start: int = 0, end: int | None = None) -> SourceSpan:
        """The original line and verbatim quote of ``text[start:end]``."""
        return self.source.span(start, end)


def heading_kind(text: str) -> str | None:
    """The heading pattern a short line matches (``chapter``, ``paren`` ...), or None."""
    t = text.strip()
    if not t or len(t) > HEADING_MAX_CHARS or t.endswith(("。", ";", ",")):
        return None
    for kind, pat in _HEAD_PATTERNS:
        if pat.match(t):
            return kind
    return None


def _from_paragraphs(paras: Iterable[Any]) -> Iterator[Passage]:
    """Detect headings in plain paragraphs and track the heading stack."""
    stack: list[tuple[int, str]] = []
    for i, p in enumerate(paras):
        text = p.text
        kind = heading_kind(text)
        if kind is None:
            yield Passage(i, text, False, -1, tuple(t for _, t in stack), p)
            continue
        rank = _HEAD_RANK[kind]
        while stack and stack[-1][0] >= rank:
            stack.pop()
        path = tuple(t for _, t in stack)
        stack.append((rank, text.strip()))
        yield Passage(i, text, True, rank, path, p)


def _from_document(doc: Any) -> Iterator[Passage]:
    """Adapt the reader's Document (``atlas.read.structure``): kinds and heading paths given.

    Table-of-contents lines are left out (they repeat the headings without any text) and so
    are table cells, portal chrome (web-page headers/footers) and responsibility notes; a
    heading's own title is the last entry of its ``heading_path``.
    """
    for dp in doc.paragraphs:
        kind = getattr(dp, "kind", "text")
        if kind in ("toc", "table", "chrome", "note"):
            continue
        path = tuple(getattr(dp, "heading_path", ()) or ())
        if kind == "heading":
            yield Passage(dp.index, dp.text, True, max(len(path) - 1, 0), path[:-1], dp)
        else:
            yield Passage(dp.index, dp.text, False, -1, path, dp)


def passages(doc: Any) -> tuple[Passage, ...]:
    """The plan's paragraphs as :class:`Passage` objects.

    Parameters
    ----------
    doc : Document or PlanText or sequence of paragraphs
        The reader's structured ``Document`` (paragraphs with ``heading_path``), a
        :class:`~atlas.read.text.PlanText`, passages already built, or any sequence of objects
        with ``text`` and ``span(start, end)``.
    """
    paras = tuple(getattr(doc, "paragraphs", doc))
    if paras and isinstance(paras[0], Passage):
        return paras
    if paras and hasattr(paras[0], "heading_path"):
        return _reindex(_from_document(doc))
    return tuple(_from_paragraphs(paras))


def _reindex(items: Iterable[Passage]) -> tuple[Passage, ...]:
    """Number passages by their position in the returned tuple (skipped kinds leave gaps)."""
    return tuple(
        Passage(i, p.text, p.heading, p.level, p.heading_path, p.source)
        for i, p in enumerate(items)
    )


@dataclass(frozen=True)
class _TextPara:
    """A paragraph of plain text (tests, ad-hoc strings): one line per paragraph."""

    text: str
    line: int

    def span(self, start: int = 0, end: int | None = None) -> SourceSpan:
        end = len(self.text) if end is None else end
        return SourceSpan(line=self.line, quote=self.text[start:end])


def passages_from_text(text: str) -> tuple[Passage, ...]:
    """Passages of a plain string, one per non-empty line (line numbers are 1-based)."""
    paras = [_TextPara(t.strip(), n) for n, t in enumerate(text.splitlines(), 1) if t.strip()]
    return tuple(_from_paragraphs(paras))


def section(ps: Sequence[Passage], head: Passage, deep: bool = False) -> list[Passage]:
    """Paragraphs directly under a heading (``deep``: everything under it)."""
    title = head.text.strip()
    out = []
    for q in ps[head.index + 1 :]:
        if title not in q.heading_path:
            break
        if deep or q.heading_path[-1:] == (title,):
            out.append(q)
    return out


def is_toc(ps: Sequence[Passage], p: Passage) -> bool:
    """A heading whose section holds no body text: a table-of-contents line."""
    return p.heading and not any(not q.heading for q in section(ps, p, deep=True))
