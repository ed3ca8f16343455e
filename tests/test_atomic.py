"""Atomic outputs (issue 7): a failed or killed build never destroys the previous good atlas.

A good atlas is built once; then builds with a bad plan, with malformed or inconsistent
curated specs (layers/<plan>.yaml), and builds killed with SIGKILL at several moments run
into the same ``--out``. Afterwards the old ``atlas.gpkg``, ``geojson/*.geojson`` and
``report.json`` are byte-identical (or, for a kill after the new atlas was published, the new
atlas is complete), and SQLite's ``PRAGMA integrity_check`` says ``ok``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_determinism import feature_tables

from atlas import paths, store
from atlas.cli import main
from atlas.paths import PLANS, ROOT

SMALL_PLAN = ROOT / "tests" / "fixtures" / "plans" / "own_zhangwu.txt"
PLAN_ID = SMALL_PLAN.stem
SMALL_LINES = SMALL_PLAN.read_text(encoding="utf-8").splitlines()


def snapshot(out: Path) -> dict[str, bytes]:
    """Every file under ``out`` (relative name → bytes)."""
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def leftovers(out: Path) -> list[str]:
    """Staging folders and temp files a build left next to or inside ``out``."""
    names = [p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}-")]
    names += [p.name for p in out.rglob(".*")]
    return sorted(names)


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    """A good atlas of one small plan and the bytes of every file in it."""
    out = tmp_path_factory.mktemp("atomic") / "atlas"
    assert main(["build", str(SMALL_PLAN), "--out", str(out)]) == 0
    files = snapshot(out)
    assert {"atlas.gpkg", "report.json"} <= set(files)
    assert any(k.startswith("geojson/") for k in files)
    return out, files


def _fail_into(out: Path, argv: list[str], capsys) -> str:
    assert main([*argv, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("atlas: error: ") and err.count("\n") == 1, err
    return err


def test_bad_plan_keeps_the_previous_atlas(good, tmp_path, capsys):
    out, files = good
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"%PDF-1.5\n")
    err = _fail_into(out, ["build", str(SMALL_PLAN), str(bad)], capsys)
    assert "PDF" in err
    assert snapshot(out) == files
    assert leftovers(out) == []


MALFORMED = {
    "yaml-syntax": ("changes: [\n  - op: add\n", "not valid YAML"),
    "not-a-mapping": ("- 1\n- 2\n", "expected a mapping"),
    "unknown-key": (f"plan_id: {PLAN_ID}\nreviewd: yes\nchanges: []\n", "unknown key(s) reviewd"),
    "wrong-plan": ("plan_id: someone-else\nchanges: []\n", "plan_id 'someone-else'"),
    "bad-op": (f"plan_id: {PLAN_ID}\nchanges:\n  - op: rename\n", "'op' must be one of"),
    "unknown-place": (
        f"plan_id: {PLAN_ID}\nchanges:\n  - op: add\n    layer: park\n    role: park\n"
        f"    name: 测试园\n    anchors: [火星基地]\n    source_line: 1\n"
        f"    source_quote: x\n    reason: test\n",
        "unknown place '火星基地'",
    ),
    "invented-quote": (
        f"plan_id: {PLAN_ID}\nchanges:\n  - op: add\n    layer: park\n    role: park\n"
        f"    name: 测试园\n    source_line: 2\n    source_quote: 这句话不在规划里\n"
        f"    reason: test\n",
        "source_quote not found verbatim at line 2",
    ),
    "line-outside": (
        f"plan_id: {PLAN_ID}\nchanges:\n  - op: add\n    layer: park\n    role: park\n"
        f"    name: 测试园\n    source_line: 99999\n    source_quote: x\n    reason: test\n",
        "source_line 99999 is outside the plan file",
    ),
    "not-utf8": (None, "not UTF-8 text"),
    "numeric-keys": (f"plan_id: {PLAN_ID}\n1: x\nzz: y\nchanges: []\n", "unknown key(s) 1, zz"),
    "op-not-a-string": (f"plan_id: {PLAN_ID}\nchanges:\n  - {{op: [add]}}\n", "'op' must be"),
    "nested-too-deeply": (
        f"plan_id: {PLAN_ID}\nchanges: " + "[" * 3000 + "]" * 3000 + "\n",
        "nested too deeply",
    ),
    "script-in-yaml": (
        f"plan_id: {PLAN_ID}\nchanges:\n  - op: add\n    layer: '<script>alert(1)</script>'\n"
        f"    role: park\n    name: x\n    source_line: 1\n    source_quote: x\n"
        f"    reason: test\n",
        "unknown layer '<script>alert(1)</script>'",
    ),
}


def _use_curated_spec(tmp_path: Path, monkeypatch, spec: str | bytes) -> None:
    """Make ``spec`` the curated spec of PLAN_ID (in a layers/ folder of its own)."""
    layers = tmp_path / "layers"
    layers.mkdir()
    path = layers / f"{PLAN_ID}.yaml"
    if isinstance(spec, bytes):
        path.write_bytes(spec)
    else:
        path.write_text(spec, encoding="utf-8")
    monkeypatch.setattr(paths, "LAYERS", layers)


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_curated_spec_keeps_the_previous_atlas(case, good, tmp_path, monkeypatch, capsys):
    out, files = good
    text, words = MALFORMED[case]
    _use_curated_spec(
        tmp_path, monkeypatch, "plan_id: 彰武\n".encode("gbk") if text is None else text
    )
    err = _fail_into(out, ["build", str(SMALL_PLAN)], capsys)
    assert f"{PLAN_ID}.yaml" in err and words in err, err
    assert snapshot(out) == files
    assert leftovers(out) == []


def test_stale_curated_change_builds_and_is_reported(good, tmp_path, monkeypatch, capsys):
    """A change whose match hits nothing is stale, not fatal: built, listed in the report."""
    out, files = good
    _use_curated_spec(
        tmp_path,
        monkeypatch,
        f"plan_id: {PLAN_ID}\nchanges:\n  - op: drop\n    match: {{name: 不存在的园区}}\n"
        f"    reason: test\n",
    )
    other = tmp_path / "other"
    assert main(["build", str(SMALL_PLAN), "--out", str(other)]) == 0
    capsys.readouterr()
    report = json.loads((other / "report.json").read_text(encoding="utf-8"))
    stale = report["plans"][0]["provenance"]["curated_stale"]
    assert len(stale) == 1 and "不存在的园区" in stale[0]
    assert snapshot(out) == files


def test_valid_curated_spec_then_builds(good, tmp_path, monkeypatch, capsys):
    """Control: the same mechanism with a valid spec builds (so the refusals above are real)."""
    out, files = good
    line = next(i for i, t in enumerate(SMALL_LINES, 1) if "。" in t)
    quote = SMALL_LINES[line - 1].strip()[:12]
    _use_curated_spec(
        tmp_path,
        monkeypatch,
        f"plan_id: {PLAN_ID}\nchanges:\n  - op: add\n    layer: park\n    role: park\n"
        f"    name: 复核测试园\n    source_line: {line}\n    source_quote: '{quote}'\n"
        f"    reason: test\n",
    )
    other = tmp_path / "other"
    assert main(["build", str(SMALL_PLAN), "--out", str(other)]) == 0
    capsys.readouterr()
    park = store.read_layer(other / "atlas.gpkg", "park")
    row = park[park["name"] == "复核测试园"]
    assert row["provenance"].tolist() == ["curated"] and row["source_line"].tolist() == [line]
    assert snapshot(out) == files


# --------------------------------------------------------------------------- SIGKILL


def _build_proc(out: Path) -> subprocess.Popen:
    seeds = sorted(str(p) for p in PLANS.glob("*.txt"))
    return subprocess.Popen(
        [sys.executable, "-m", "atlas.cli", "build", *seeds, "--out", str(out)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _kill_when(proc: subprocess.Popen, ready, timeout: float = 60.0) -> bool:
    """SIGKILL ``proc`` as soon as ``ready()`` is true; False if it finished first."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if proc.poll() is not None:
            return False
        if ready():
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            return True
        time.sleep(0.005)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    raise AssertionError("build neither finished nor reached the kill point")


def _staged(out: Path):
    """True once the build has started writing its staging folder next to ``out``."""

    def ready() -> bool:
        return any(p.name.startswith(f".{out.name}-") for p in out.parent.iterdir())

    return ready


@pytest.mark.slow
@pytest.mark.parametrize("moment", ["extracting", "writing"])
def test_build_killed_midway_leaves_the_previous_atlas(moment, good, tmp_path):
    src, files = good
    out = tmp_path / "atlas"
    for name, data in files.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(data)
    proc = _build_proc(out)
    if moment == "extracting":
        time.sleep(1.0)
        assert proc.poll() is None  # still reading the plans
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    else:  # as soon as the staged GeoPackage is being written
        assert _kill_when(proc, _staged(out))
    assert proc.returncode == -signal.SIGKILL
    assert store.integrity_check(out / "atlas.gpkg") == "ok"
    assert snapshot(out) == files
    # at most the killed build's staging folder is left; the next build works regardless
    assert [n for n in leftovers(out) if not n.startswith(".atlas-")] == []
    assert main(["build", str(SMALL_PLAN), "--out", str(out)]) == 0
    assert store.integrity_check(out / "atlas.gpkg") == "ok"
    now = snapshot(out)
    geo = [k for k in files if k.startswith("geojson/")]
    assert {k: now[k] for k in geo} == {k: files[k] for k in geo}
    assert feature_tables(out / "atlas.gpkg") == feature_tables(src / "atlas.gpkg")


@pytest.mark.parametrize(
    ("cmd", "name", "extra"),
    [
        ("snapshot", "map.png", ["--layout", "不存在的布局"]),
        ("deck", "plan.pptx", []),
        ("webmap", "map.html", []),
    ],
)
def test_failed_render_keeps_the_previous_output(cmd, name, extra, good, tmp_path, capsys):
    """A render that fails (unknown plan or layout) leaves an existing output untouched."""
    out, _ = good
    target = tmp_path / name
    target.write_bytes(b"previous output")
    plan = "no-such-plan" if cmd != "snapshot" else PLAN_ID
    argv = [cmd, "--plan", plan, "--build", str(out), *extra, "--out", str(target)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("atlas: error: ") and err.count("\n") == 1, err
    assert target.read_bytes() == b"previous output"
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


# ------------------------------------------------------------------ full disk (issue 17)


def test_full_disk_in_the_geopackage_keeps_the_previous_atlas(good, monkeypatch, capsys):
    """GDAL's own full-disk error (what a real full disk gives: see the tmpfs test) → exit 2."""
    import pyogrio

    out, files = good
    real = store._write_tables

    def full(tmp, frames):
        real(tmp, {k: v for k, v in list(frames.items())[:1]})  # part of the file is written
        raise pyogrio.errors.DataLayerError(
            "Error while writing batch to OGR layer: sqlite3_exec(COMMIT) failed: "
            "database or disk is full"
        )

    monkeypatch.setattr(store, "_write_tables", full)
    err = _fail_into(out, ["build", str(SMALL_PLAN)], capsys)
    assert err == f"atlas: error: cannot write the atlas into {out}: no space left on device\n"
    assert snapshot(out) == files
    assert leftovers(out) == []


def test_enospc_in_a_geojson_file_keeps_the_previous_atlas(good, monkeypatch, capsys):
    import errno

    out, files = good
    real = Path.write_bytes

    def full(self, data):
        if self.suffix == ".geojson":
            real(self, data[: len(data) // 2])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", full)
    err = _fail_into(out, ["build", str(SMALL_PLAN)], capsys)
    assert err == f"atlas: error: cannot write the atlas into {out}: No space left on device\n"
    assert snapshot(out) == files
    assert leftovers(out) == []


def test_a_real_full_disk_keeps_the_previous_atlas(tmp_path):
    """A 400 kB tmpfs holds one atlas of the small plan but not a second one beside it."""
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    ok = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", str(mnt)], capture_output=True
    )
    if ok.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        out = mnt / "atlas"
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        cmd = [sys.executable, "-m", "atlas.cli", "build", str(SMALL_PLAN), "--out", str(out)]
        assert subprocess.run(cmd, env=env, capture_output=True).returncode == 0
        files = snapshot(out)
        p = subprocess.run(cmd, env=env, capture_output=True, text=True)
        assert p.returncode == 2, p.stderr
        assert p.stderr == (
            f"atlas: error: cannot write the atlas into {out}: no space left on device\n"
        )
        assert snapshot(out) == files
        assert leftovers(out) == []
        assert store.integrity_check(out / "atlas.gpkg") == "ok"
    finally:
        subprocess.run(["umount", str(mnt)], capture_output=True)
