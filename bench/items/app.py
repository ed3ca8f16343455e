"""Item 4a: the map page under streamlit.testing (cold render, warm rerun, payload per plan).

Each repeat is a fresh child process (``bench.app_probe``), so "cold" includes the page's
imports and its cache fill, as for the first visitor of a just-started server.
"""

from __future__ import annotations

import json

from bench.items import Context, explain, load1, require
from bench.machine import ROOT
from bench.proc import run_measured
from bench.report import Row, Target, failed

ITEM = "4 app"
PLAN = "jinzhou-2021"
PAYLOAD_TARGET_MB = 2.0


def _plan_ids(build) -> list[str]:
    try:
        doc = json.loads((build / "report.json").read_text(encoding="utf-8"))
        return [p["plan_id"] for p in doc.get("plans", [])]
    except (OSError, ValueError, KeyError):
        return [PLAN]


def app_rows(ctx: Context) -> list[Row]:
    """Cold render and warm rerun (median over every rerun of every repeat) and payloads."""
    require("streamlit", "streamlit_folium", "atlas.render.web.webmap")
    build = ctx.seed_build()
    lo = load1()
    plans = _plan_ids(build)
    cold, reruns, payload, wire = [], [], {}, {}
    toggled = ""
    for i in range(ctx.repeats):
        ctx.say(f"item 4: AppTest repeat {i + 1}/{ctx.repeats}")
        cmd = [
            ctx.python,
            "-m",
            "bench.app_probe",
            "--gpkg",
            str(build / "atlas.gpkg"),
            "--plan",
            PLAN,
            "--reruns",
            "2" if ctx.quick else "6",
        ]
        if i == 0:
            cmd += ["--payload-plans", ",".join(plans)]
        res = run_measured(cmd, cwd=ROOT, env=ctx.env(), timeout=ctx.timeout)
        if not res.ok:
            return [failed(ITEM, "map page (AppTest)", explain(res), "s")]
        doc = json.loads(res.stdout.strip().splitlines()[-1])
        if doc["exception"]:
            return [failed(ITEM, "map page (AppTest)", doc["exception"], "s")]
        cold.append(doc["cold_s"])
        reruns += [s * 1000 for s in doc["rerun_s"]]
        toggled = doc.get("toggled", "")
        for p, (html, msg) in doc["payload"].items():
            payload[p], wire[p] = html, msg
    rows = [
        Row(ITEM, f"map page cold render, {PLAN} (AppTest, fresh process)", "s", cold, load=lo),
        Row(
            ITEM,
            f"map page warm rerun after toggling {toggled.removeprefix('lyr_')}"
            if toggled
            else "map page warm rerun after a map event (same widgets)",
            "ms",
            reruns,
            Target("<=", 300),
            load=lo,
            note="" if reruns else "no rerun measured",
        ),
    ]
    for p in plans:
        if p not in payload:
            continue
        target = Target("<=", PAYLOAD_TARGET_MB) if p == PLAN else None
        rows.append(
            Row(
                ITEM,
                f"map HTML payload, {p}",
                "MB",
                [payload[p] / 1e6],
                target,
                load=lo,
                note=f"component message {wire[p] / 1e6:.2f} MB",
            )
        )
    return rows
