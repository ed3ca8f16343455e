"""Monitoring rows: one row per target of a plan, with its status and its sources.

:func:`monitor_rows` reads a build directory and returns :class:`MonitorRow` objects, the
shared input of the CLI table (:func:`render_table`), JSON (:func:`rows_json`) and — to be
wired — the app page, the deck slide and the XLSX sheet (:func:`rows_frame`).
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from atlas.errors import InputError
from atlas.monitor.links import LinkSet, SourceRef, best_observation, link_plan
from atlas.monitor.status import STATUSES, assess, status_label


@dataclass(frozen=True)
class MonitorRow:
    """One target indicator of a plan and how it is doing."""

    plan_id: str
    key: str
    name: str
    unit: str
    base_year: int | None
    base_value: float | None
    target_year: int | None
    target_value: float | None
    target_growth: float | None
    target_text: str
    observed_year: int | None
    observed_value: float | None
    observed_growth: float | None
    observed_unit: str  # the observation's own unit (天 for a share target, 万美元 ...)
    status: str
    rule: str
    sources: tuple[SourceRef, ...]

    def to_json(self) -> dict[str, Any]:
        """Plain dict; ``sources`` as a list of ``{plan_id, line, field}``."""
        d = asdict(self)
        d["sources"] = [asdict(s) for s in self.sources]
        return d


def load_tables(build_dir: Path | str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The indicator and plans tables of a build directory (``DIR/atlas.gpkg``).

    Raises
    ------
    InputError
        No atlas in ``build_dir``.
    """
    from atlas import store

    gpkg = Path(build_dir) / "atlas.gpkg"
    if not gpkg.exists():
        raise InputError(f"no atlas at {gpkg}; run `atlas build --out {build_dir}` first")
    return store.read_indicators(gpkg), store.list_plans(gpkg)


def rows_from_links(links: LinkSet) -> list[MonitorRow]:
    """Judge every linked target (:func:`atlas.monitor.status.assess`) into rows."""
    rows = []
    for lk in links.links:
        t = lk.target
        ob = best_observation(lk)
        verdict = assess(t, ob.observation if ob else None)
        sources = [SourceRef(lk.plan_id, lk.line, "target")]
        if lk.base_source is not None:
            sources.append(lk.base_source)
        if ob is not None:
            sources.append(SourceRef(ob.plan_id, ob.line, ob.field))
        o = ob.observation if ob else None
        rows.append(
            MonitorRow(
                plan_id=lk.plan_id,
                key=t.key,
                name=t.name,
                unit=t.unit,
                base_year=t.base_year,
                base_value=t.base_value,
                target_year=t.target_year,
                target_value=t.target_value,
                target_growth=t.growth,
                target_text=t.target_text,
                observed_year=o.year if o else None,
                observed_value=o.value if o else None,
                observed_growth=o.growth if o else None,
                observed_unit=o.unit if o else "",
                status=verdict.status,
                rule=verdict.rule,
                sources=tuple(sources),
            )
        )
    return rows


def monitor_links(build_dir: Path | str, plan_id: str) -> LinkSet:
    """The :class:`~atlas.monitor.links.LinkSet` of ``plan_id`` in a build."""
    ind, plans = load_tables(build_dir)
    return link_plan(ind, plans, plan_id)


def monitor_rows(build_dir: Path | str, plan_id: str) -> list[MonitorRow]:
    """One :class:`MonitorRow` per target of ``plan_id``, read from a build directory.

    Raises
    ------
    InputError
        No atlas in ``build_dir`` or an unknown ``plan_id``.
    """
    return rows_from_links(monitor_links(build_dir, plan_id))


def status_counts(rows: list[MonitorRow]) -> dict[str, int]:
    """Rows per status, every status present (0 when none)."""
    c = Counter(r.status for r in rows)
    return {s: c.get(s, 0) for s in STATUSES}


def rows_json(rows: list[MonitorRow], links: LinkSet | None = None) -> dict[str, Any]:
    """The ``atlas monitor --json`` document."""
    doc: dict[str, Any] = {
        "plan_id": rows[0].plan_id if rows else (links.plan_id if links else ""),
        "rows": [r.to_json() for r in rows],
        "counts": status_counts(rows),
    }
    if links is not None:
        doc["plan_id"] = links.plan_id
        doc["documents"] = list(links.documents)
        doc["unmatched_targets"] = list(links.unmatched_targets)
        doc["unmatched_observations"] = list(links.unmatched_observations)
        doc["unkeyed"] = list(links.unkeyed)
    return doc


#: column titles of the Chinese table and the frame
COLUMNS_ZH: tuple[tuple[str, str], ...] = (
    ("name", "指标"),
    ("unit", "单位"),
    ("base", "基期"),
    ("target", "目标"),
    ("observed", "实际"),
    ("status", "状态"),
    ("rule", "判断依据"),
    ("sources", "出处"),
)


def _n(x: float | None) -> str:
    if x is None:
        return ""
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _cells(r: MonitorRow) -> dict[str, str]:
    base = f"{r.base_year}年 {_n(r.base_value)}" if r.base_value is not None else "—"
    tgt = r.target_text or _n(r.target_value)
    if r.target_growth is not None:
        tgt = f"{tgt}（年均{_n(r.target_growth)}%）" if tgt else f"年均{_n(r.target_growth)}%"
    tgt = f"{r.target_year}年 {tgt}" if r.target_year else tgt
    obs = "—"
    if r.observed_year is not None:
        parts = []
        if r.observed_value is not None:
            unit = r.observed_unit if r.observed_unit != r.unit else ""
            parts.append(_n(r.observed_value) + unit)
        if r.observed_growth is not None:
            parts.append(f"增长{_n(r.observed_growth)}%")
        obs = f"{r.observed_year}年 " + "，".join(parts)
    src = "；".join(f"{s.plan_id}:{s.line}" for s in r.sources)
    return {
        "name": r.name,
        "unit": r.unit,
        "base": base,
        "target": tgt,
        "observed": obs,
        "status": status_label(r.status),
        "rule": r.rule,
        "sources": src,
    }


def rows_frame(rows: list[MonitorRow]) -> pd.DataFrame:
    """The table as a DataFrame with Chinese column titles (app page, XLSX sheet)."""
    return pd.DataFrame(
        [{zh: _cells(r)[k] for k, zh in COLUMNS_ZH} for r in rows],
        columns=[zh for _, zh in COLUMNS_ZH],
    )


def display_width(s: str) -> int:
    """Terminal width of ``s``: wide (CJK) characters count 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _pad(s: str, width: int) -> str:
    return s + " " * (width - display_width(s))


def render_table(rows: list[MonitorRow], title: str = "") -> str:
    """Plain-text Chinese table, columns aligned for a terminal (CJK counts double).

    The 判断依据 and 出处 columns come last and are not padded.
    """
    cells = [_cells(r) for r in rows]
    keys = [k for k, _ in COLUMNS_ZH]
    heads = dict(COLUMNS_ZH)
    widths = {
        k: max([display_width(heads[k])] + [display_width(c[k]) for c in cells]) for k in keys
    }
    padded = keys[:-2]

    def line(c: dict[str, str]) -> str:
        return "  ".join([_pad(c[k], widths[k]) for k in padded] + [c["rule"], c["sources"]])

    out = [title] if title else []
    out.append(line(heads).rstrip())
    out.append("-" * (sum(widths[k] + 2 for k in padded) + 8))
    out.extend(line(c).rstrip() for c in cells)
    counts = status_counts(rows)
    out.append("")
    out.append("合计：" + "，".join(f"{status_label(s)} {n}" for s, n in counts.items()))
    return "\n".join(out)
