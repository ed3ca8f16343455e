"""The plan manifest (``geodata/plans/manifest.csv``): the bundled plans and their identity.

One reader for the whole package: the build asks it for the default plans, the pipeline for a
plan's :class:`~atlas.model.PlanInfo` (matched by file name or by content checksum). The file
is read as ``utf-8-sig`` so a manifest saved by a spreadsheet with a BOM still works.
"""

from __future__ import annotations

import csv
import hashlib
from functools import lru_cache
from pathlib import Path

from atlas import paths
from atlas.model import PlanInfo


@lru_cache(maxsize=4)
def _rows(plans_dir: str, mtime: float) -> tuple[dict[str, str], ...]:
    path = Path(plans_dir) / "manifest.csv"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return tuple(dict(r) for r in csv.DictReader(fh))


def manifest_rows(plans_dir: Path | None = None) -> list[dict[str, str]]:
    """Rows of the manifest in file order (empty when there is no manifest)."""
    plans_dir = Path(plans_dir or paths.PLANS)
    path = plans_dir / "manifest.csv"
    if not path.exists():
        return []
    return list(_rows(str(plans_dir), path.stat().st_mtime))


def default_plans() -> list[Path]:
    """Every plan listed in the manifest, in manifest order."""
    return [paths.PLANS / row["file"] for row in manifest_rows()]


def info_from_row(row: dict[str, str], plans_dir: Path | None = None) -> PlanInfo:
    """A manifest row as :class:`PlanInfo` (``path`` is the plan's text file)."""
    return PlanInfo(
        plan_id=row["plan_id"],
        path=str(Path(plans_dir or paths.PLANS) / row.get("file", "")),
        jurisdiction=row.get("jurisdiction", ""),
        adcode=row.get("adcode", ""),
        level=row.get("level", ""),
        kind=row.get("kind", "plan") or "plan",
        period=row.get("period", ""),
        title=row.get("title", ""),
    )


def plan_info(plan_id: str, **fields: str) -> PlanInfo:
    """The PlanInfo of a manifest plan, or one built from ``fields`` for any other id."""
    for row in manifest_rows():
        if row["plan_id"] == plan_id:
            return info_from_row(row)
    return PlanInfo(plan_id=plan_id, **fields)


@lru_cache(maxsize=64)
def _file_digest(path: str, mtime: float) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def manifest_entry(
    name: str | None = None, data: bytes | None = None, plans_dir: Path | None = None
) -> PlanInfo | None:
    """The manifest's :class:`PlanInfo` for a plan file, matched by name or checksum.

    Parameters
    ----------
    name : str, optional
        File name (``jinzhou-2021.txt``), its stem, the ``original_file`` or the plan id.
    data : bytes, optional
        File content; matched against the SHA-256 of the files listed in the manifest.
    plans_dir : Path, optional
        Folder holding ``manifest.csv`` and the plan files (default ``geodata/plans``).
    """
    plans_dir = Path(plans_dir or paths.PLANS)
    rows = manifest_rows(plans_dir)
    if name:
        base = Path(name).name
        for r in rows:
            if base in (r.get("file"), r.get("original_file")) or Path(base).stem in (
                r.get("plan_id"),
                Path(r.get("file", "")).stem,
            ):
                return info_from_row(r, plans_dir)
    if data is not None:
        digest = hashlib.sha256(data).hexdigest()
        for r in rows:
            f = plans_dir / r.get("file", "")
            if f.is_file() and _file_digest(str(f), f.stat().st_mtime) == digest:
                return info_from_row(r, plans_dir)
    return None
