"""CLI contract: exit codes and messages (DESIGN §3)."""

import subprocess
import sys

from atlas.cli import main


def test_unknown_capability_exits_2(capsys, monkeypatch):
    import atlas.cli as cli

    def missing(module, attr):
        raise cli.NotAvailableError(f"'{module}' is not available yet")

    monkeypatch.setattr(cli, "_lazy", missing)
    assert main(["deck", "--plan", "x", "--out", "x.pptx"]) == 2
    err = capsys.readouterr().err
    assert "not available yet" in err
    assert err.count("\n") == 1


def test_module_entry_point_help():
    out = subprocess.run(
        [sys.executable, "-m", "atlas.cli", "--help"], capture_output=True, text=True, check=True
    )
    for cmd in ("build", "extract", "geocode", "snapshot", "deck", "webmap", "serve"):
        assert cmd in out.stdout
