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
