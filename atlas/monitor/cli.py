"""Entry points of ``atlas monitor`` and ``atlas consistency`` (called from :mod:`atlas.cli`)."""

from __future__ import annotations

import argparse
import json
import sys


def _emit_json(obj: object) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2) + "\n")


def monitor_cli(args: argparse.Namespace) -> int:
    """``atlas monitor --plan ID [--build DIR] [--json]``: exit 0, or 2 via InputError."""
    from atlas.monitor.report import monitor_links, render_table, rows_from_links, rows_json

    links = monitor_links(args.build, args.plan)
    rows = rows_from_links(links)
    if args.json:
        _emit_json(rows_json(rows, links))
    else:
        docs = "、".join(links.documents) or "无"
        sys.stdout.write(render_table(rows, f"{args.plan} 实施评估（对照：{docs}）") + "\n")
    return 0


def consistency_cli(args: argparse.Namespace) -> int:
    """``atlas consistency --city ID --county ID [--build DIR] [--json]``."""
    from atlas.monitor.consistency import consistency_findings, findings_json, render_findings

    findings = consistency_findings(args.build, args.city, args.county)
    if args.json:
        _emit_json(findings_json(findings, args.city, args.county))
    else:
        title = f"{args.city} ↔ {args.county} 规划一致性"
        sys.stdout.write(render_findings(findings, title) + "\n")
    return 0
