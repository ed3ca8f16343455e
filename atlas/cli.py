"""The ``atlas`` command (DESIGN §3).

Exit codes: 0 ok; 2 bad input (one clear line on stderr, nothing half-written); 1 internal
error. Each sub-command imports its stage lazily so ``atlas geocode`` does not pay for
matplotlib or folium.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from atlas.errors import AtlasError, InputError

log = logging.getLogger("atlas")


def _one_line(exc: BaseException) -> str:
    """The message of ``exc`` on one line (a file name or a YAML key may hold a line break)."""
    return " ".join(str(exc).splitlines())


def _emit_json(obj: object) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2) + "\n")


def _check_plan_files(names: Sequence[str]) -> None:
    """Refuse a missing or oversized plan file before the pipeline is imported (~1 s)."""
    from atlas.read.text import check_plan_file

    for name in names:
        check_plan_file(Path(name))


def cmd_build(args: argparse.Namespace) -> int:
    _check_plan_files(args.plans)
    from atlas.build import build_atlas
    from atlas.report import format_report

    report = build_atlas([Path(p) for p in args.plans] or None, out=Path(args.out))
    sys.stdout.write(format_report(report) + "\n")
    return 0


def cmd_extract(args: argparse.Namespace) -> int:
    _check_plan_files([args.plan])
    from atlas.pipeline import extract_plan

    result = extract_plan(Path(args.plan), text_only=args.text_only)
    if args.json:
        _emit_json(result.to_json())
    else:
        doc = result.to_json()
        sys.stdout.write(
            f"{doc['plan_id']}: {len(doc['layouts'])} layouts, {len(doc['entities'])} entities, "
            f"{len(doc['indicators'])} indicators, {len(doc['projects'])} projects, "
            f"{len(doc['unresolved'])} unresolved\n"
        )
    return 0


def cmd_geocode(args: argparse.Namespace) -> int:
    from atlas.places.gazetteer import geocode_json as geocode

    if not args.name.strip():
        raise InputError("a place name is required")
    doc = geocode(args.name, scope=args.scope)
    if args.scope and doc.get("scope_code") is None:
        raise InputError(f"unknown scope {args.scope!r} (give an adcode or a place name)")
    if not doc["candidates"] and not args.json:  # JSON callers get an empty list, exit 0
        raise InputError(f"no place named {args.name!r} in the gazetteer")
    if args.json:
        _emit_json(doc)
    else:
        for c in doc["candidates"]:
            sys.stdout.write(
                f"{c['name']}\t{c['code']}\t{c['level']}\t{c['lon']:.5f},{c['lat']:.5f}\t"
                f"{c['precision']}\t{c['confidence']:.2f}\n"
            )
    return 0


def cmd_snapshot(args: argparse.Namespace) -> int:
    from atlas.render.print.snapshot import snapshot_cli as snapshot

    return snapshot(args)


def cmd_deck(args: argparse.Namespace) -> int:
    from atlas.render.deck import deck_cli as deck

    return deck(args)


def cmd_webmap(args: argparse.Namespace) -> int:
    from atlas.render.web.standalone import webmap_cli as webmap

    return webmap(args)


def cmd_monitor(args: argparse.Namespace) -> int:
    from atlas.monitor.cli import monitor_cli

    return monitor_cli(args)


def cmd_consistency(args: argparse.Namespace) -> int:
    from atlas.monitor.cli import consistency_cli

    return consistency_cli(args)


def cmd_export(args: argparse.Namespace) -> int:
    from atlas.export import export_plan

    path = export_plan(args.plan, args.format, args.out, build=args.build)
    sys.stdout.write(f"{path}\n")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """``atlas serve``: Streamlit on 127.0.0.1 (``--lan``: every interface) with the security
    headers of :mod:`atlas.serve`; no error details in the browser (.streamlit/config.toml)."""
    import os

    from atlas.paths import ROOT

    os.chdir(ROOT)  # Streamlit reads .streamlit/config.toml from the working directory
    # Import what the map page needs before the server listens: the first visitor otherwise
    # waits ~1 s for these imports inside their first script run.
    # (not streamlit_folium: a component declared before the server exists is never served)
    import folium  # noqa: F401
    import geopandas  # noqa: F401
    import mapclassify  # noqa: F401
    import pandas  # noqa: F401
    from streamlit.web import bootstrap
    from streamlit.web.server.starlette import starlette_app

    import atlas.render.web.webmap  # noqa: F401
    from atlas.serve import add_to_streamlit

    add_to_streamlit(starlette_app)  # CSP, frame-ancestors, nosniff on every response
    # a product server, not a dev loop: no file watching (it costs CPU and reruns sessions)
    flags: dict[str, object] = {"server.fileWatcherType": "none"}
    if args.port:
        flags["server.port"] = args.port
    if args.headless:
        flags["server.headless"] = True
    address = args.address or ("0.0.0.0" if args.lan else "127.0.0.1")
    flags["server.address"] = address
    if address not in ("127.0.0.1", "localhost", "::1") and not os.environ.get("ATLAS_PASSWORD"):
        log.warning(
            "listening on %s without a password: anyone on the network can use the app "
            "(set ATLAS_PASSWORD, see README)",
            address,
        )
    bootstrap.load_config_options(flag_options=flags)
    bootstrap.run(str(ROOT / "app.py"), False, [], flags)
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="atlas", description="Planning Atlas: plans → map layers")
    p.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = p.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="build the atlas (GeoPackage, GeoJSON, report.json)")
    b.add_argument("plans", nargs="*", help="plan files (default: every plan in geodata/plans/)")
    b.add_argument("--out", default="build", help="output folder (default: build/)")
    b.set_defaults(func=cmd_build)

    e = sub.add_parser("extract", help="extract layouts, entities and indicators from a plan")
    e.add_argument("plan")
    e.add_argument("--json", action="store_true")
    e.add_argument(
        "--text-only",
        action="store_true",
        help="read without the gazetteer (no jurisdiction detection; recorded in the output)",
    )
    e.set_defaults(func=cmd_extract)

    g = sub.add_parser("geocode", help="look a place name up in the gazetteer")
    g.add_argument("name")
    g.add_argument("--scope", default=None, help="adcode of the jurisdiction to prefer")
    g.add_argument("--json", action="store_true")
    g.set_defaults(func=cmd_geocode)

    s = sub.add_parser("snapshot", help="static map (PNG/SVG/PDF)")
    s.add_argument("--plan", required=True)
    s.add_argument("--layout", default=None)
    s.add_argument("--series", choices=["layouts", "counties"], default=None)
    s.add_argument("--format", dest="paper", choices=["a4", "16:9"], default="a4")
    s.add_argument("--dpi", type=int, default=200)
    s.add_argument("--build", default="build", help="atlas build folder to read")
    s.add_argument("--out", required=True)
    s.set_defaults(func=cmd_snapshot)

    d = sub.add_parser("deck", help="PPTX deck of a plan's layouts and indicators")
    d.add_argument("--plan", required=True)
    d.add_argument("--build", default="build")
    d.add_argument("--out", required=True)
    d.set_defaults(func=cmd_deck)

    w = sub.add_parser("webmap", help="standalone offline HTML map")
    w.add_argument("--plan", required=True)
    w.add_argument("--build", default="build")
    w.add_argument("--out", required=True)
    w.set_defaults(func=cmd_webmap)

    m = sub.add_parser("monitor", help="a plan's targets vs later actuals, one row each")
    m.add_argument("--plan", required=True)
    m.add_argument("--build", default="build")
    m.add_argument("--json", action="store_true")
    m.set_defaults(func=cmd_monitor)

    c = sub.add_parser("consistency", help="a county plan against its city's plan")
    c.add_argument("--city", required=True)
    c.add_argument("--county", required=True)
    c.add_argument("--build", default="build")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=cmd_consistency)

    x = sub.add_parser("export", help="export one plan of a build (same files as the 导出 page)")
    x.add_argument("--plan", required=True)
    x.add_argument("--build", default="build", help="atlas build folder to read")
    x.add_argument("--format", required=True, help="gpkg, geojson, kml, csv, xlsx or shp (zip)")
    x.add_argument("--out", required=True)
    x.set_defaults(func=cmd_export)

    v = sub.add_parser("serve", help="start the Streamlit app")
    v.add_argument("--port", type=int, default=0)
    v.add_argument("--headless", action="store_true")
    v.add_argument(
        "--address", default=None, help="address to listen on (default: 127.0.0.1, this machine)"
    )
    v.add_argument(
        "--lan",
        action="store_true",
        help="listen on every interface (0.0.0.0) for use on the LAN; set ATLAS_PASSWORD",
    )
    v.set_defaults(func=cmd_serve)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        return int(args.func(args) or 0)
    except InputError as exc:
        sys.stderr.write(f"atlas: error: {_one_line(exc)}\n")
        return 2
    except AtlasError as exc:
        sys.stderr.write(f"atlas: internal error: {exc}\n")
        return 1
    except OSError as exc:  # an --out that is a folder, a read-only disk, a full disk ...
        log.debug("OS error", exc_info=True)
        where = f" {exc.filename2 or exc.filename}" if exc.filename else ""
        sys.stderr.write(f"atlas: error: cannot write or read{where}: {exc.strerror or exc}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("atlas: interrupted\n")
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
