"""Fuzzing of plan loading and extraction (issue 7).

Properties checked on random and mutated input (hypothesis):

- loading never fails other than with :class:`~atlas.errors.PlanFormatError` (exit 2 in the
  CLI); in particular never with UnicodeError, IndexError, RecursionError ...;
- the original lines the atlas keeps are exactly the file's lines (CR, LF, CRLF);
- every provenance line (paragraphs, sections, sentences, tables, boxes, glossary, and every
  extracted layout, element, entity, indicator, project and unresolved item) lies inside the
  file, and every quote is found verbatim there (page breaks may split a quote over lines);
- the size limit is enforced before reading the file.

Mutations of real plan text: random page breaks inside lines (form feeds, page-number lines,
blank lines), mixed full/half-width punctuation, truncated bytes in every supported encoding.
"""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from atlas import limits
from atlas.errors import InputError, PlanFormatError
from atlas.model import SourceSpan
from atlas.paths import PLANS
from atlas.pipeline import extract_text
from atlas.read.structure import parse
from atlas.read.text import load_plan, read_text

#: ATLAS_FUZZ_SCALE=20 runs a deeper search (the CI default keeps the file under ~15 s)
SCALE = int(os.environ.get("ATLAS_FUZZ_SCALE", "1"))
FAST = settings(
    max_examples=60 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
SLOW = settings(
    max_examples=15 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

SEED_LINES = {
    p.stem: p.read_text(encoding="utf-8").splitlines() for p in sorted(PLANS.glob("*.txt"))
}
SEED_IDS = sorted(SEED_LINES)

#: characters plans really contain, plus the troublesome ones (widths, spaces, breaks, BOM)
ALPHABET = (
    "锦州市凌海县区镇乡街道港园核翼带轴廊片一二三四五六七八九十〇百亿元年第章节"
    "，。、；：？！（）“”《》【】—…·%％,.;:?!()[]<>&\"'#*_|-=/0123456789０１２AaOo "
    "\u00a0\u3000\u2002\u200b\ufeff\u00ad\t\f\v\r\n\u2028\u0085\x1c\x00\x07"
)
WIDTH_SWAP = {
    "，": ",", ",": "，", "。": ".", "；": ";", ";": "；", "：": ":", ":": "：",
    "（": "(", "(": "（", "）": ")", ")": "）", "％": "%", "%": "％", "“": '"', "”": '"',
    "0": "０", "1": "１", "2": "２", "、": ",",
}  # fmt: skip
PAGE_BREAKS = ["\f", "\n\n", "\n- 12 -\n", "\n第 3 页 共 80 页\n", "\n", "\r\n", "\r"]


# --------------------------------------------------------------------------- invariants


def original_lines(text: str) -> list[str]:
    """Lines as an editor numbers them (CR, LF, CRLF; a final break adds no line)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()
    return lines


def verbatim(quote: str, lines: list[str], line: int, max_lines: int = 40) -> bool:
    """True if ``quote`` is made of substrings of ``lines[line-1:]``, one per line, in order.

    That is how the atlas quotes a sentence a page break split: each line contributes a piece
    (possibly nothing, e.g. a page-number line skipped), joined without the break.
    """
    if not quote:
        return True
    reach = {0}
    for text in lines[line - 1 : line - 1 + max_lines]:
        nxt = set(reach)
        for p in reach:
            for q in range(p + 1, len(quote) + 1):
                if quote[p:q] in text:
                    nxt.add(q)
                else:
                    break
        if len(quote) in nxt:
            return True
        reach = nxt
    return False


def verbatim_cells(quote: str, lines: list[str], line: int, max_lines: int = 60) -> bool:
    """True if ``quote`` is ``cell|cell|...`` of a one-cell-per-line table, each cell on a
    later line (structure.py quotes such rows with ``|`` between the cells)."""
    k = line - 1
    for cell in quote.split("|"):
        while k < min(len(lines), line - 1 + max_lines) and cell.strip() not in lines[k]:
            k += 1
        if k >= min(len(lines), line - 1 + max_lines):
            return False
        k += 1
    return True


def check_span(span: SourceSpan | None, lines: list[str], what: str) -> None:
    if span is None:
        return
    assert 1 <= span.line <= span.end_line <= len(lines), (what, span.line, span.end_line)
    q = span.quote
    assert verbatim(q, lines, span.line) or verbatim_cells(q, lines, span.line), (what, q)


def check_plan_text(pt, text: str) -> None:
    """Invariants of a loaded :class:`~atlas.read.text.PlanText` against the decoded ``text``."""
    lines = original_lines(text.removeprefix("\ufeff"))
    assert list(pt.raw_lines) == lines
    assert len(pt.norm_lines) == len(lines)
    assert pt.paragraphs
    for p in pt.paragraphs:
        assert p.text and len(p.text) == len(p.lines) == len(p.cols)
        assert list(p.lines) == sorted(p.lines)
        for ln, col in zip(p.lines, p.cols, strict=True):
            assert 1 <= ln <= len(lines) and 0 <= col < len(lines[ln - 1])
        check_span(p.span(), lines, "paragraph")
        mid = len(p.text) // 2
        check_span(p.span(mid, len(p.text)), lines, "paragraph tail")


def check_document(doc, lines: list[str]) -> None:
    for s in doc.sections:
        check_span(s.source, lines, f"section {s.title}")
    for s in doc.sentences():
        check_span(s.source, lines, "sentence")
    for t in doc.tables:
        check_span(t.source, lines, "table")
        for r in t.rows:
            check_span(r.source, lines, "table row")
    for b in doc.boxes:
        check_span(b.source, lines, "box")
    for g in doc.glossary:
        check_span(g.source, lines, "glossary")


def _spans(obj, path="doc"):
    """Every ``(source_line, source_quote, where)`` in an ``atlas extract --json`` document."""
    if isinstance(obj, dict):
        if "source_line" in obj:
            yield obj["source_line"], obj.get("source_quote"), path
        for k, v in obj.items():
            yield from _spans(v, f"{path}.{k}")
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _spans(v, f"{path}[{i}]")


def check_extraction(doc: dict, lines: list[str]) -> int:
    """Check every provenance of an extraction; return how many spans were checked."""
    n = 0
    for line, quote, where in _spans(doc):
        if line is None:
            assert not quote, where
            continue
        n += 1
        assert isinstance(line, int) and 1 <= line <= len(lines), (where, line)
        quote = quote or ""
        assert verbatim(quote, lines, line) or verbatim_cells(quote, lines, line), (
            where,
            line,
            quote,
        )
    return n


# --------------------------------------------------------------------------- strategies


@st.composite
def plan_window(draw, min_lines: int = 5, max_lines: int = 80) -> str:
    """A window of a seed plan with page breaks and punctuation-width mutations."""
    lines = SEED_LINES[draw(st.sampled_from(SEED_IDS))]
    n = draw(st.integers(min_lines, max_lines))
    start = draw(st.integers(0, max(0, len(lines) - n)))
    out = list(lines[start : start + n])
    for _ in range(draw(st.integers(0, 6))):  # page breaks inside lines
        i = draw(st.integers(0, len(out) - 1))
        if len(out[i]) > 2:
            cut = draw(st.integers(1, len(out[i]) - 1))
            brk = draw(st.sampled_from(PAGE_BREAKS))
            out[i] = out[i][:cut] + brk + out[i][cut:]
    text = "\n".join(out)
    if draw(st.booleans()):  # mixed punctuation widths
        flips = draw(st.lists(st.integers(0, len(text) - 1), max_size=40))
        chars = list(text)
        for k in flips:
            chars[k] = WIDTH_SWAP.get(chars[k], chars[k])
        text = "".join(chars)
    return text


# --------------------------------------------------------------------------- loading


@FAST
@given(st.binary(max_size=3000))
def test_random_bytes_load_or_refuse(data):
    try:
        pt = read_text(data, "fuzz")
    except PlanFormatError as exc:
        msg = str(exc)
        assert msg and "\n" not in msg
        return
    # decoded: lines must be the decoded text's lines
    enc = {"utf-8-sig": "utf-8-sig", "str": "utf-8"}.get(pt.encoding, pt.encoding)
    body = data
    if pt.encoding.startswith("utf-16") and data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        body = data[2:]
    if pt.encoding.startswith("utf-16"):
        body = body[: len(body) - len(body) % 2]
    check_plan_text(pt, body.decode(enc))


@FAST
@given(st.text(alphabet=ALPHABET, max_size=1500))
def test_random_unicode_text_keeps_provenance(text):
    try:
        pt = read_text(text, "fuzz")
    except PlanFormatError as exc:
        msg = str(exc)
        if "control characters" in msg:
            assert any(unicodedata.category(c) == "Cc" and c not in "\n\r\t\f\v" for c in text)
        else:
            assert msg in ("plan file is empty", "plan file has no text"), msg
        return
    check_plan_text(pt, text)
    doc = parse(pt)
    check_document(doc, list(pt.raw_lines))


@FAST
@given(plan_window(), st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]))
def test_mutated_plan_text_parses_with_provenance(text, encoding):
    data = text.encode(encoding)
    pt = read_text(data, "fuzz")
    check_plan_text(pt, text)
    check_document(parse(pt), list(pt.raw_lines))


@SLOW
@given(
    st.sampled_from(SEED_IDS),
    st.sampled_from(["utf-8", "gb18030", "utf-16-le"]),
    st.floats(0.0, 1.0),
)
def test_truncated_plan_files_load_or_refuse(plan, encoding, frac):
    data = "\n".join(SEED_LINES[plan]).encode(encoding)
    cut = data[: int(len(data) * frac)]
    try:
        pt = read_text(cut, plan)
    except PlanFormatError as exc:
        assert "\n" not in str(exc)
        return
    assert len(pt.raw_lines) <= len(SEED_LINES[plan])
    # whatever decoded, every line but the last is the original line
    if pt.encoding in ("utf-8", encoding):
        assert list(pt.raw_lines[:-1]) == SEED_LINES[plan][: len(pt.raw_lines) - 1]


# --------------------------------------------------------------------------- extraction


@SLOW
@given(plan_window(min_lines=10, max_lines=120))
def test_extraction_of_mutated_plans_quotes_verbatim(text):
    ex = extract_text(text.encode("utf-8"), "fuzz")
    doc = ex.to_json()
    assert doc["plan_id"] == "fuzz"
    check_extraction(doc, original_lines(text))


@SLOW
@given(st.text(alphabet=ALPHABET, min_size=1, max_size=800))
def test_extraction_of_random_text_never_crashes(text):
    try:
        ex = extract_text(text, "fuzz")
    except PlanFormatError:
        return
    check_extraction(ex.to_json(), original_lines(text.removeprefix("\ufeff")))


@pytest.mark.slow
@pytest.mark.parametrize("plan", SEED_IDS)
def test_whole_seed_plans_have_verbatim_provenance(plan):
    path = PLANS / f"{plan}.txt"
    ex = extract_text(path.read_bytes(), plan)
    lines = original_lines(path.read_text(encoding="utf-8"))
    assert check_extraction(ex.to_json(), lines) > 20


# --------------------------------------------------------------------------- size limit


def test_plan_above_the_limit_is_refused_before_reading(tmp_path, monkeypatch):
    big = tmp_path / "huge.txt"
    with big.open("wb") as fh:  # sparse: 50 MB without writing 50 MB
        fh.seek(50 * 1024 * 1024 - 1)
        fh.write(b"\n")
    read = []
    monkeypatch.setattr(Path, "read_bytes", lambda self: read.append(self) or b"")
    with pytest.raises(PlanFormatError) as err:
        load_plan(big)
    assert str(err.value) == f"huge.txt is 52.4 MB; the limit is {limits.MAX_PLAN_MB} MB"
    assert read == []  # refused from its size alone, never read into memory


def test_text_above_the_limit_is_refused_in_memory():
    data = "锦州".encode() * (limits.MAX_PLAN_BYTES // 6 + 1)
    with pytest.raises(InputError, match=f"the limit is {limits.MAX_PLAN_MB} MB"):
        read_text(data, "big")
    with pytest.raises(InputError, match=f"the limit is {limits.MAX_PLAN_MB} MB"):
        read_text(data.decode(), "big")


@pytest.mark.slow
def test_a_large_plan_extracts_with_bounded_memory(tmp_path):
    """A 1 MB plan (7 copies of the 锦州 plan) extracts; the child's peak RSS stays bounded."""
    import subprocess
    import sys

    src = (PLANS / "jinzhou-2021.txt").read_bytes()
    big = tmp_path / "big.txt"
    big.write_bytes(src * 7)
    # VmHWM: the peak RSS of this address space (ru_maxrss would carry over the RSS of the
    # forked pytest process, which is large late in a full test run)
    code = (
        "import re, sys\n"
        "from atlas.cli import main\n"
        f"rc = main(['extract', {str(big)!r}])\n"
        "hwm = re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1)\n"
        "sys.stderr.write(f'MAXRSS {hwm}\\n')\n"
        "sys.exit(rc)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("big: ")
    rss_mb = int(out.stderr.rsplit("MAXRSS ", 1)[1]) / 1024
    assert rss_mb < 600, rss_mb  # measured ~190 MB; a 20 MB plan peaks at ~620 MB


# --------------------------------------------------------------------------- URL state

URL_TEXT = st.text(alphabet="0123456789.,-+eEinfa:~<>/\"'&=%锦州 ", max_size=40)
URL_KEYS = st.sampled_from(["plan", "layers", "overlay", "basemap", "center", "zoom", "feature"])


@FAST
@given(st.dictionaries(st.one_of(URL_KEYS, st.text(max_size=8)), URL_TEXT, max_size=8))
def test_url_state_decode_never_raises_and_round_trips(params):
    from atlas import appstate

    state = appstate.decode(params)
    assert state.zoom is None or 0 <= state.zoom <= 20
    assert state.basemap in appstate.BASEMAPS
    # one pass normalises (spaces around layer keys are trimmed); then the URL is a fixpoint
    once = appstate.encode(appstate.decode(appstate.encode(state)))
    assert appstate.encode(appstate.decode(once)) == once


# --------------------------------------------------------------------------- crafted sizes

#: plan vocabulary for crafted repetitive paragraphs (the shapes that make regexes backtrack)
TOKENS = ["锦州港", "盘锦港", "、", "，", "。", "；", "：", "一核", "两翼", "三带", "“", "”", "个",
          "三", "建设", "构建", "开发区", "产业园", "园区", "|", "\n", "（一）", "专栏", "投资",
          "亿元", "%", "2025年", "达到", "增长", "小凌河", "治理", "至", "段", "古塔区", "等",
          "名词解释", "指", "1.", "表1", " ", "——"]  # fmt: skip
CRAFTED = {
    "counted list": "建设锦州港、盘锦港、营口港",
    "heads": "开发区",
    "quoted slogans": "“一核两翼”",
    "slogan run": "一核两翼三带四区",
    "labels": "一核：",
    "reaches": "治理小凌河锦州段至凌海段，",
    "projects": "专栏1 重点项目\n1.锦州港扩建工程,投资5亿元。\n",
}


@pytest.mark.parametrize("unit", sorted(CRAFTED))
def test_crafted_paragraphs_extract_in_bounded_time(unit):
    """60 kB of one repeated shape: seconds, not minutes (three were quadratic or worse)."""
    import time

    text = CRAFTED[unit] * (60_000 // len(CRAFTED[unit]))
    t0 = time.perf_counter()
    extract_text(text, "crafted")
    assert time.perf_counter() - t0 < 20


@settings(max_examples=6 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(TOKENS), min_size=1, max_size=8))
def test_repeated_random_shapes_extract_in_bounded_time(shape):
    import time

    unit = "".join(shape)
    text = unit * (6000 // len(unit) + 1)
    t0 = time.perf_counter()
    try:
        extract_text(text, "crafted")
    except PlanFormatError:
        return
    assert time.perf_counter() - t0 < 10, unit


# --------------------------------------------------------------------------- curated specs

YAML_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 100000), st.floats(allow_nan=True),
    st.sampled_from(["add", "fix", "drop", "precision", "park", "layout", "锦州港", "金城街道",
                     "derived", "unresolved", "<script>", ""]),
    st.text(max_size=12),
)  # fmt: skip
YAML_KEYS = st.one_of(
    st.sampled_from(["plan_id", "changes", "op", "reason", "match", "layer", "role", "name",
                     "anchors", "source_line", "source_quote", "precision", "area_km2",
                     "layout", "component", "definition", "note", "reviewed"]),
    st.integers(0, 9), st.text(max_size=6),
)  # fmt: skip
YAML_VALUES = st.recursive(
    YAML_SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(YAML_KEYS, inner, max_size=6),
    max_leaves=25,
)


@settings(max_examples=30 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(YAML_KEYS, YAML_VALUES, max_size=5),
    st.lists(st.dictionaries(YAML_KEYS, YAML_VALUES, max_size=8), max_size=4),
)
def test_curated_specs_load_or_fail_with_one_line(tmp_path_factory, top, changes):
    """Any YAML structure: the spec loads and merges, or fails with a CuratedSpecError."""
    import yaml

    from atlas import curated
    from atlas.errors import CuratedSpecError

    folder = tmp_path_factory.getbasetemp() / "spec-fuzz"
    folder.mkdir(exist_ok=True)
    doc = {"plan_id": "p", **top}
    if changes:
        doc["changes"] = changes
    (folder / "p.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    lines = ["构建“一核两翼”的空间发展格局。", "一核：金城街道。"]
    try:
        spec = curated.load_spec("p", folder)
        curated.apply_spec([], spec, plan_lines=lines, gazetteer=None, scope="", stale=[])
    except CuratedSpecError as exc:
        assert str(exc).startswith("p.yaml") and "\n" not in str(exc)
