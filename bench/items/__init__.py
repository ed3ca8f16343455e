"""The benchmark items and the context they share (settings, scratch folder, seed build)."""

from __future__ import annotations

import importlib.util
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from bench.machine import ROOT, load
from bench.proc import ProcResult, run_measured, tail


class NotAvailable(Exception):
    """A capability the item needs has not landed (module missing, no browser ...)."""


@dataclass
class Context:
    """Settings and shared state of one benchmark run."""

    repeats: int
    quick: bool
    work: Path
    python: str = sys.executable
    timeout: float = 900.0
    verbose: bool = True
    _seed_build: Path | None = field(default=None, repr=False)
    _seed_build_error: str = field(default="", repr=False)

    def say(self, msg: str) -> None:
        """Progress on stderr (the table goes to stdout)."""
        if self.verbose:
            sys.stderr.write(f"[bench] {msg}\n")
            sys.stderr.flush()

    def env(self, **extra: str) -> dict[str, str]:
        """The environment for subprocesses: ours, headless matplotlib, no Streamlit stats."""
        env = dict(os.environ)
        env.setdefault("MPLBACKEND", "Agg")
        env["STREAMLIT_BROWSER_GATHER_USAGE_STATS"] = "false"
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
        env.update(extra)
        return env

    def atlas(self, *args: str, timeout: float | None = None) -> ProcResult:
        """Run the ``atlas`` command (``python -m atlas.cli``) measured."""
        cmd = [self.python, "-m", "atlas.cli", *args]
        return run_measured(cmd, cwd=ROOT, env=self.env(), timeout=timeout or self.timeout)

    def seed_build(self) -> Path:
        """Folder of an atlas built from the seed plans (built once per run)."""
        if self._seed_build is not None:
            return self._seed_build
        if self._seed_build_error:
            raise NotAvailable(self._seed_build_error)
        require("atlas.build")
        out = self.work / "seed-build"
        res = self.atlas("build", "--out", str(out))
        if not res.ok or not (out / "atlas.gpkg").exists():
            self._seed_build_error = f"seed build failed: {explain(res)}"
            raise NotAvailable(self._seed_build_error)
        self._seed_build = out
        return out


def has_module(name: str) -> bool:
    """Whether ``name`` can be imported (without importing it)."""
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def require(*modules: str) -> None:
    """Raise :class:`NotAvailable` naming the first module that is missing."""
    for m in modules:
        if not has_module(m):
            raise NotAvailable(f"module {m} not available (not landed yet, or not installed)")


def explain(res: ProcResult) -> str:
    """A one-line reason for a failed run."""
    if res.timed_out:
        return "timed out"
    return f"exit {res.returncode}: {tail(res.stderr) or tail(res.stdout)}"


def not_available_reason(res: ProcResult) -> str | None:
    """The CLI's "not available yet" message when a sub-command has not landed, else None."""
    text = res.stderr + res.stdout
    if not res.ok and "not available" in text:
        return tail(res.stderr or res.stdout, 1)
    return None


def load1() -> float:
    """The 1-minute load average now."""
    return round(load()[0], 2)
