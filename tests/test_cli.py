"""CLI contract: exit codes and messages (DESIGN §3)."""

import subprocess
import sys

from atlas.cli import main


def test_unknown_plan_exits_2_with_one_line(capsys, tmp_path):
    argv = ["deck", "--plan", "no-such-plan", "--build", str(tmp_path), "--out", "x.pptx"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("atlas: error:")
    assert err.count("\n") == 1


def test_text_only_extraction_is_recorded(capsys):
    from atlas.paths import PLANS

    assert main(["extract", str(PLANS / "zhanqian-2021.txt"), "--json", "--text-only"]) == 0
    import json

    doc = json.loads(capsys.readouterr().out)
    assert doc["text_only"] is True
    assert doc["adcode"] == "210802"  # identity from the manifest, not from the gazetteer


def test_module_entry_point_help():
    out = subprocess.run(
        [sys.executable, "-m", "atlas.cli", "--help"], capture_output=True, text=True, check=True
    )
    for cmd in ("build", "extract", "geocode", "snapshot", "deck", "webmap", "serve"):
        assert cmd in out.stdout


# --------------------------------------------------------------------------- atlas export

import shutil  # noqa: E402

import pytest  # noqa: E402

from atlas.paths import PLANS, ROOT  # noqa: E402


@pytest.fixture(scope="module")
def bracket_build(tmp_path_factory):
    """A copy of the 站前 plan (one line added: not the manifest's checksum) named
    ``plan[1]:a*b?.txt``, built."""
    d = tmp_path_factory.mktemp("bracket")
    plan = d / "plan[1]:a*b?.txt"
    shutil.copy(PLANS / "zhanqian-2021.txt", plan)
    with plan.open("a", encoding="utf-8") as fh:
        fh.write("\n附注。\n")
    assert main(["build", str(plan), "--out", str(d / "out")]) == 0
    return d


@pytest.mark.parametrize("fmt", ["gpkg", "geojson", "kml", "csv", "xlsx", "shp"])
def test_export_every_format_of_a_plan_named_with_brackets(fmt, bracket_build, capsys):
    import json

    report = json.loads((bracket_build / "out" / "report.json").read_text(encoding="utf-8"))
    assert [p["plan_id"] for p in report["plans"]] == ["plan-1-a-b"]
    out = bracket_build / f"x.{fmt}"
    argv = ["export", "--plan", "plan-1-a-b", "--build", str(bracket_build / "out")]
    assert main([*argv, "--format", fmt, "--out", str(out)]) == 0
    assert out.stat().st_size > 0 and capsys.readouterr().err == ""
    if fmt == "xlsx":
        import openpyxl

        assert openpyxl.load_workbook(out).sheetnames == ["all", "plan-1-a-b"]
    assert not [p for p in bracket_build.iterdir() if p.name.startswith(".x")]  # no temp left


@pytest.mark.parametrize(
    "plan, fmt, message",
    [
        ("nope", "csv", "unknown plan id 'nope' (known: plan-1-a-b)"),
        ("plan-1-a-b", "docx", "unknown export format 'docx'"),
    ],
)
def test_export_refuses_unknown_plan_or_format(plan, fmt, message, bracket_build, capsys):
    out = bracket_build / "y.out"
    argv = ["export", "--plan", plan, "--build", str(bracket_build / "out"), "--format", fmt]
    assert main([*argv, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("atlas: error: ") and err.count("\n") == 1 and message in err
    assert not out.exists()


def test_file_names_that_slug_alike_get_unique_ids(tmp_path, capsys):
    import json

    small = ROOT / "tests" / "fixtures" / "plans" / "own_zhangwu.txt"
    a, b = tmp_path / "plan[1].txt", tmp_path / "plan(1).txt"
    text = small.read_text(encoding="utf-8")
    a.write_text(text + "\n附注一。\n", encoding="utf-8")
    b.write_text(text + "\n附注二。\n", encoding="utf-8")
    assert main(["build", str(a), str(b), "--out", str(tmp_path / "out")]) == 0
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert [p["plan_id"] for p in report["plans"]] == ["plan-1", "plan-1-2"]
