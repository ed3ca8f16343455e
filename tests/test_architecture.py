"""The package's shape (issue 12): static imports pointing down the data flow, no cycles."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import grimp

from atlas.paths import ROOT

ATLAS = ROOT / "atlas"


def _modules() -> list[Path]:
    return sorted(ATLAS.rglob("*.py"))


def test_no_import_by_name_at_run_time():
    found = []
    for path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                f = node.func
                name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
                if name in ("import_module", "__import__"):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found == []


def test_no_import_cycles_between_atlas_modules():
    graph = grimp.build_graph("atlas")
    modules = sorted(graph.modules)
    cycles = []
    for m in modules:
        for dep in graph.find_modules_directly_imported_by(m):
            if dep == m or not dep.startswith("atlas"):
                continue
            # a cycle: dep reaches m back (chains, not just direct imports)
            if graph.chain_exists(importer=dep, imported=m, as_packages=False):
                cycles.append((m, dep))
    assert cycles == [], cycles[:5]


def test_build_is_orchestration_only():
    n = len((ATLAS / "build.py").read_text(encoding="utf-8").splitlines())
    assert n <= 400, n


def test_import_contracts_hold():
    lint = Path(sys.executable).parent / "lint-imports"
    out = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stdout[-2000:]
    assert "3 kept, 0 broken" in out.stdout


def test_complexity_limit_is_enforced():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"C90"' in text and "max-complexity = 15" in text
    ruff = Path(sys.executable).parent / "ruff"
    out = subprocess.run(
        [str(ruff), "check", "atlas", "--select", "C90", "--quiet"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stdout


def test_version_comes_from_the_package_metadata():
    import importlib.metadata

    import atlas

    assert atlas.__version__ == importlib.metadata.version("planning-atlas")
