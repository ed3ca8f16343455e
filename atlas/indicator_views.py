"""Indicator tables for display: typed numeric columns and base-vs-target pairs.

Plain pandas, no Streamlit: the app's indicator page and any report can use them.
"""

from __future__ import annotations

import pandas as pd

#: columns shown as numbers (missing values become NaN and display blank)
NUMERIC = ("base_year", "base_value", "target_year", "target_value", "growth", "source_line")


def typed_indicators(df: pd.DataFrame) -> pd.DataFrame:
    """Indicator rows with numeric columns as numbers (missing → NaN, shown blank)."""
    df = df.copy()
    for c in NUMERIC:
        if c in df:
            df[c] = pd.to_numeric(df[c], errors="coerce")
    return df


def base_vs_target(df: pd.DataFrame) -> pd.DataFrame:
    """Long table (指标, 期, 年份, 值) pairing each indicator's base and target value.

    Plans state the base in one row (``kind=actual``, or the base columns of a target row)
    and the target in another; both are matched on name and unit.
    """
    df = typed_indicators(df)
    rows = []
    for (name, unit), g in df.groupby(["name", df["unit"].fillna("")], sort=False):
        base = g.dropna(subset=["base_value"])
        target = g[g.get("kind", "target") == "target"].dropna(subset=["target_value"])
        if base.empty or target.empty:
            continue
        label = f"{name}（{unit}）" if unit else str(name)
        b, t = base.iloc[0], target.iloc[0]
        rows.append({"指标": label, "期": "基期", "年份": b["base_year"], "值": b["base_value"]})
        rows.append(
            {"指标": label, "期": "目标", "年份": t["target_year"], "值": t["target_value"]}
        )
    return pd.DataFrame(rows, columns=["指标", "期", "年份", "值"])


def plan_short(row: pd.Series | dict) -> str:
    """A compact plan name for table columns: jurisdiction and id."""
    jur = str(row.get("jurisdiction") or "").removeprefix("辽宁省")
    return f"{jur}（{row['plan_id']}）" if jur else str(row["plan_id"])
