"""The benchmark harness (bench/): statistics, plan variants, table/markdown output, the runner.

Correctness only: no test here asserts a timing.
"""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # bench/ is not installed; it runs from the repository root
    sys.path.insert(0, str(ROOT))

from bench import report, stats, variants  # noqa: E402
from bench.items import Context, NotAvailable, not_available_reason  # noqa: E402
from bench.proc import ProcResult, run_measured  # noqa: E402
from bench.report import Row, Target  # noqa: E402

# ---------------------------------------------------------------- statistics


def test_summarize_median_and_range():
    s = stats.summarize([3.0, 1.0, 2.0, 10.0])
    assert (s.median, s.low, s.high, s.n) == (2.5, 1.0, 10.0, 4)
    assert stats.summarize([7]).median == 7.0
    with pytest.raises(ValueError):
        stats.summarize([])


def test_linear_fit_exact_and_noisy():
    fit = stats.linear_fit([1, 10, 100], [2.5, 4.3, 22.3])  # 2.3 + 0.2 x
    assert fit.slope == pytest.approx(0.2)
    assert fit.intercept == pytest.approx(2.3)
    assert fit.r2 == pytest.approx(1.0)
    noisy = stats.linear_fit([1, 2, 3, 4], [1.0, 3.0, 2.0, 4.0])
    assert 0.0 < noisy.r2 < 1.0
    flat = stats.linear_fit([1, 2], [5.0, 5.0])
    assert flat.slope == 0.0 and flat.r2 == 1.0
    with pytest.raises(ValueError):
        stats.linear_fit([3, 3], [1.0, 2.0])
    with pytest.raises(ValueError):
        stats.linear_fit([1, 2], [1.0])


def test_rate():
    assert stats.rate(10, 2.0) == 5.0
    assert stats.rate(1, 0.0) == float("inf")


# ---------------------------------------------------------------- plan variants


def test_substitute_is_simultaneous_and_longest_first():
    rep = {"凌海市": "北镇市", "北镇市": "黑山县", "凌海": "北镇"}
    text = "凌海市与北镇市相邻，凌海港在凌海。"
    assert variants.substitute(text, rep) == "北镇市与黑山县相邻，北镇港在北镇。"
    assert variants.substitute(text, {}) == text


def test_scale_numbers_keeps_years_decimals_and_headings():
    text = "第3章\n到2025年地区生产总值达到1500亿元，年均增长6.5%，新建公路12.25公里。"
    out = variants.scale_numbers(text, random.Random(1))
    assert out.startswith("第3章\n到2025年")
    assert out.count("\n") == text.count("\n")
    nums = re.findall(r"(\d+(?:\.\d+)?)(?=亿元|%|公里)", out)
    assert len(nums) == 3
    assert (
        "." not in nums[0] and len(nums[1].split(".")[1]) == 1 and len(nums[2].split(".")[1]) == 2
    )
    assert 1500 * 0.8 <= float(nums[0]) <= 1500 * 1.25


def test_place_map_keeps_the_kind_of_unit():
    units = variants.liaoning_units()
    for seed in variants.seeds():
        for k in range(5):
            tgt, rep = variants.place_map(seed.adcode, units, random.Random(k))
            src = units[seed.adcode]
            assert tgt.adcode != src.adcode and rep[src.name] == tgt.name
            assert tgt.adcode.endswith("00") == src.adcode.endswith("00")
            if not src.adcode.endswith("00"):
                assert tgt.suffix == src.suffix
            assert all(k != v for k, v in rep.items())


def test_generate_distinct_valid_variants(tmp_path):
    n = 12
    out = variants.generate(n, tmp_path, seed=3)
    assert len(out) == n
    assert len({v.plan_id for v in out}) == n
    texts = [v.path.read_text(encoding="utf-8") for v in out]
    assert len(set(texts)) == n
    seeds = {s.plan_id for s in variants.seeds()}
    assert {v.seed for v in out} == seeds  # round-robin over all five
    for v in out:
        assert variants.problems(v) == [], v.plan_id
        assert v.plan_id not in seeds and v.path.stem == v.plan_id
        assert v.target != v.source and v.replacements[v.source] == v.target
    # deterministic
    again = variants.generate(n, tmp_path / "again", seed=3)
    assert [v.path.read_text(encoding="utf-8") for v in again] == texts


def test_variants_are_read_as_the_substituted_jurisdiction(tmp_path):
    from atlas import pipeline

    for v in variants.generate(5, tmp_path, seed=5):  # one variant of each seed
        doc = pipeline.read_plan(v.path)
        assert doc.plan.plan_id == v.plan_id
        assert doc.plan.adcode == v.target_adcode, (v.plan_id, doc.plan.jurisdiction)


def test_problems_flags_a_broken_variant(tmp_path):
    v = variants.generate(1, tmp_path)[0]
    seed_text = variants.read_seed_text({s.plan_id: s for s in variants.seeds()}[v.seed].path)
    v.path.write_text(seed_text + "\n", encoding="utf-8")
    found = variants.problems(v)
    assert any("line count" in p for p in found)
    assert any("still in the text" in p for p in found)


# ---------------------------------------------------------------- rows, table, markdown


def _rows() -> list[Row]:
    return [
        Row("1 build", "wall", "s", [2.0, 1.0, 3.0], load=1.5),
        Row("1 build", "ratio", "x", [3.5], Target("<=", 3.0)),
        Row("3 gazetteer", "look-ups", "lookups/s", [12000.0, 11000.0], Target(">=", 10000)),
        report.unavailable("5 exports", "atlas deck", "'render.deck' is not available yet"),
        report.failed("4 app", "paint", "Timeout | a|b"),
    ]


def test_verdicts():
    v = [r.verdict() for r in _rows()]
    assert v == ["-", "MISSED", "met", "not available", "error"]
    assert Row("x", "y", "s").verdict() == "error"  # measured nothing


def test_fmt_units():
    assert report.fmt(0.1234, "s") == "0.123 s"
    assert report.fmt(12.345, "s") == "12.35 s"
    assert report.fmt(312.4, "ms") == "312 ms"
    assert report.fmt(2.5, "x") == "2.50×"
    assert report.fmt(12345.6, "lookups/s") == "12,346 lookups/s"
    assert report.fmt(6.25, "plans/s") == "6.2 plans/s"
    assert report.fmt(1.234, "MB") == "1.23 MB"
    assert report.fmt(0.99871, "R²") == "0.9987"
    assert report.fmt(float("inf"), "plans/s") == "inf"


def test_text_table_aligns_columns():
    text = report.text_table(_rows())
    lines = text.splitlines()
    assert lines[0].split()[:3] == ["item", "metric", "median"]
    assert len(lines) == 2 + len(_rows())
    assert "2.00 s" in lines[2] and "1.00 s – 3.00 s" in lines[2] and "1.50" in lines[2]
    assert "not available" in text and "MISSED" in text
    # the verdict column starts at the same display column on every row
    starts = {line.index(v) for line, v in zip(lines[2:5], ("-", "MISSED", "met"), strict=True)}
    assert len(starts) <= 2  # "-" may also occur earlier in a row; MISSED/met align


def test_markdown_table_escapes_pipes():
    md = report.markdown_table(_rows())
    lines = md.splitlines()
    assert lines[0].startswith("| item | metric | median")
    assert all(line.count(" | ") >= len(report.HEADERS) - 1 for line in lines[2:])
    assert "Timeout \\| a\\|b" in md


def test_write_markdown_keeps_hand_written_notes(tmp_path):
    path = tmp_path / "benchmarks.md"
    report.write_markdown(path, f"{report.BEGIN}\nfirst\n{report.END}")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Benchmarks") and "first" in text
    path.write_text(text + "\n## Profiling\nhand-written before/after\n", encoding="utf-8")
    report.write_markdown(path, f"{report.BEGIN}\nsecond\n{report.END}")
    text = path.read_text(encoding="utf-8")
    assert "second" in text and "first" not in text
    assert "hand-written before/after" in text and text.count(report.BEGIN) == 1


def test_markdown_section_records_machine_and_load():
    info = {"cpu": "Test CPU", "cores": 2, "usable_cores": 2, "ram_gb": 8.0, "os": "Linux"}
    info |= {"python": "3.11", "packages": {"shapely": "2.0"}, "commit": "abc"}
    before = info | {"load": (1.0, 0.5, 0.2)}
    after = info | {"load": (2.0, 1.0, 0.4), "date": "2026-01-01 00:00 UTC"}
    block = report.markdown_section(_rows(), before, after, "repeats 3")
    assert block.startswith(report.BEGIN) and block.endswith(report.END)
    assert "(1.0, 0.5, 0.2)" in block and "(2.0, 1.0, 0.4)" in block
    assert "Test CPU" in block and "shapely 2.0" in block


# ---------------------------------------------------------------- processes and the runner


def test_run_measured_reports_exit_output_and_rss():
    ok = run_measured([sys.executable, "-c", "print('hi')"])
    assert ok.ok and ok.stdout.strip() == "hi" and ok.peak_rss_mb > 1 and ok.cpu_seconds >= 0
    bad = run_measured([sys.executable, "-c", "import sys; sys.exit(3)"])
    assert bad.returncode == 3 and not bad.ok
    slow = run_measured([sys.executable, "-c", "import time; time.sleep(30)"], timeout=0.5)
    assert slow.timed_out and not slow.ok


def test_not_available_reason_reads_the_cli_message():
    res = ProcResult(0.1, 10.0, 0.1, 2, "", "atlas: error: 'render.deck' is not available yet\n")
    assert "render.deck" in not_available_reason(res)
    assert not_available_reason(ProcResult(0.1, 10.0, 0.1, 1, "", "Traceback ...")) is None


def test_run_item_turns_failures_into_rows(tmp_path, monkeypatch):
    from bench import run

    def missing(ctx):
        raise NotAvailable("module atlas.render.deck not available yet")

    def broken(ctx):
        raise RuntimeError("boom")

    fake = {"deck": ("5 exports", "atlas deck", missing), "app": ("4 app", "map", broken)}
    monkeypatch.setattr(run, "_items", lambda: fake)
    ctx = Context(repeats=1, quick=True, work=tmp_path, verbose=False)
    (row,) = run.run_item("deck", ctx)
    assert row.status == report.NOT_AVAILABLE and "deck" in row.note
    (row,) = run.run_item("app", ctx)
    assert row.status == report.ERROR and "boom" in row.note


def test_quick_run_of_the_gazetteer_item(tmp_path, capsys):
    from bench import run

    out_md = tmp_path / "benchmarks.md"
    out_json = tmp_path / "bench.json"
    code = run.main(
        ["--quick", "--only", "gazetteer", "--out", str(out_md), "--json", str(out_json)]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "load average" in printed and "3 gazetteer" in printed
    doc = json.loads(out_json.read_text())
    rows = doc["rows"]
    assert {r["item"] for r in rows} == {"3 gazetteer"}
    assert all(r["status"] == "ok" and r["values"] for r in rows)
    assert len(doc["machine_end"]["load"]) == 3
    assert report.BEGIN in out_md.read_text(encoding="utf-8")


def test_unknown_item_is_rejected():
    from bench import run

    assert run.main(["--only", "nope", "--no-write"]) == 2


def test_busy_warning_and_wait_for_quiet(tmp_path, monkeypatch):
    from bench import run

    quiet = {"usable_cores": 2, "cores": 2, "load": (0.5, 0.5, 0.5)}
    rows = [Row("1 build", "wall", "s", [1.0], load=1.2)]
    assert run.busy_warning(rows, quiet, quiet) == ""
    rows.append(Row("2 scaling", "wall", "s", [1.0], load=7.5))
    assert "7.5 on 2 cores" in run.busy_warning(rows, quiet, quiet)

    loads = iter([(5.0, 0, 0), (4.0, 0, 0), (1.0, 0, 0)])
    monkeypatch.setattr(run, "load", lambda: next(loads))
    monkeypatch.setattr(run.time, "sleep", lambda s: None)
    ctx = Context(repeats=1, quick=True, work=tmp_path, verbose=False)
    assert run.wait_for_quiet(2.0, 60.0, ctx) == 1.0
    monkeypatch.setattr(run, "load", lambda: (9.0, 0, 0))
    assert run.wait_for_quiet(2.0, 0.0, ctx) == 9.0  # gives up after max_wait


def test_missing_modules_and_browser_are_not_available(tmp_path, monkeypatch):
    from bench.items import browser, has_module, require

    with pytest.raises(NotAvailable, match="no_such_module_xyz"):
        require("json", "no_such_module_xyz")
    require("json")  # present: no error
    monkeypatch.setattr(browser, "CHROMIUM", tmp_path / "no-chromium")
    ctx = Context(repeats=1, quick=True, work=tmp_path, verbose=False)
    # playwright missing is a test-environment error (issue 18), not a skip
    assert has_module("playwright"), "test environment: playwright is not installed"
    with pytest.raises(NotAvailable, match="no-chromium"):
        browser.browser_rows(ctx)


def test_every_planted_fault_still_has_its_snippet():
    """``python -m bench.faults`` plants each fault by exact text: a refactor that moves the code
    must update the fault (this fails first), never let it pass as "could not plant"."""
    from bench.faults import FAULTS, ROOT

    assert len(FAULTS) >= 7
    for f in FAULTS:
        text = (ROOT / f.file).read_text(encoding="utf-8")
        assert text.count(f.old) == 1, (f.name, f.file)
        for t in f.tests:
            assert (ROOT / t).exists(), (f.name, t)
