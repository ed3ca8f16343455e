"""Curated layer specs (layers/<plan_id>.yaml): reviewed corrections merged over extraction.

A spec is a short list of changes, each one reviewed by a person and carrying a reason:

* ``add``: a layout element or entity the extractor missed (with the verbatim quote and its
  1-based line, checked against the original plan file);
* ``fix``: replace fields (anchors, role, name, area) of extracted features that ``match``;
* ``drop``: remove a false positive that ``match`` es;
* ``precision``: force the precision class of matched features.

Everything a change touches gets ``provenance=curated``. Malformed specs fail loudly with a
one-line :class:`~atlas.errors.CuratedSpecError`: unknown keys, unknown places, a quote not found
at its line. A ``match`` that hits nothing (a stale correction, usually because the extractor
improved) fails the same way when merging directly, and is recorded in report.json by
``atlas build``, which goes on. See layers/README.md.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from atlas import paths
from atlas.errors import CuratedSpecError
from atlas.model import LAYERS, PRECISIONS, SourceSpan
from atlas.placement.anchoring import FeatureSpec

log = logging.getLogger(__name__)

TOP_KEYS = {"plan_id", "reviewed", "note", "changes"}
MATCH_KEYS = {"layer", "layout", "component", "role", "name"}
FIELD_KEYS = {"layer", "layout", "component", "role", "name", "anchors", "area_km2"}
OP_KEYS: dict[str, set[str]] = {
    "add": {"op", "reason", "source_line", "source_quote", "definition"} | FIELD_KEYS,
    "fix": {"op", "reason", "match"} | FIELD_KEYS,
    "drop": {"op", "reason", "match"},
    "precision": {"op", "reason", "match", "precision"},
}
REQUIRED: dict[str, set[str]] = {
    "add": {"layer", "role", "name", "source_line", "source_quote", "reason"},
    "fix": {"match", "reason"},
    "drop": {"match", "reason"},
    "precision": {"match", "precision", "reason"},
}

#: how far below ``source_line`` a quote may continue (page breaks split sentences)
QUOTE_WINDOW = 3


def spec_path(plan_id: str, folder: Path | None = None) -> Path:
    """Where the curated spec of a plan lives."""
    return (folder or paths.LAYERS) / f"{plan_id}.yaml"


def load_spec(plan_id: str, folder: Path | None = None) -> dict[str, Any] | None:
    """Read and check the structure of a plan's curated spec; ``None`` when there is none."""
    path = spec_path(plan_id, folder)
    if not path.exists():
        return None
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise CuratedSpecError(f"{path.name}: not UTF-8 text") from None
    except RecursionError:
        raise CuratedSpecError(f"{path.name}: not valid YAML (nested too deeply)") from None
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", -1) + 1
        raise CuratedSpecError(f"{path.name}: not valid YAML (line {line})") from None
    if not isinstance(doc, dict):
        raise CuratedSpecError(f"{path.name}: expected a mapping with 'changes'")
    unknown = set(doc) - TOP_KEYS
    if unknown:
        raise CuratedSpecError(f"{path.name}: unknown key(s) {_names(unknown)}")
    if doc.get("plan_id") != plan_id:
        raise CuratedSpecError(f"{path.name}: plan_id {doc.get('plan_id')!r} ≠ {plan_id!r}")
    changes = doc.get("changes") or []
    if not isinstance(changes, list):
        raise CuratedSpecError(f"{path.name}: 'changes' must be a list")
    for i, ch in enumerate(changes, 1):
        _check_change(path.name, i, ch)
    doc["_path"] = path.name
    return doc


def _names(keys: set[Any]) -> str:
    """Keys for a one-line message; YAML keys may be numbers, dates or contain line breaks."""
    return ", ".join(sorted(k if isinstance(k, str) and k.isprintable() else repr(k) for k in keys))


def _check_change(fname: str, i: int, ch: Any) -> None:
    where = f"{fname}: change {i}"
    if not isinstance(ch, dict) or not isinstance(ch.get("op"), str) or ch["op"] not in OP_KEYS:
        raise CuratedSpecError(f"{where}: 'op' must be one of {', '.join(OP_KEYS)}")
    op = ch["op"]
    unknown = set(ch) - OP_KEYS[op]
    if unknown:
        raise CuratedSpecError(f"{where} ({op}): unknown key(s) {_names(unknown)}")
    missing = REQUIRED[op] - set(ch)
    if missing:
        raise CuratedSpecError(f"{where} ({op}): missing {', '.join(sorted(missing))}")
    if "match" in ch:
        m = ch["match"]
        if not isinstance(m, dict) or not m or set(m) - MATCH_KEYS:
            raise CuratedSpecError(f"{where} ({op}): 'match' takes {', '.join(sorted(MATCH_KEYS))}")
    if "layer" in ch and ch["layer"] not in LAYERS:
        raise CuratedSpecError(f"{where} ({op}): unknown layer {ch['layer']!r}")
    if op == "precision" and ch["precision"] not in PRECISIONS[:-1]:
        raise CuratedSpecError(f"{where}: precision must be one of {', '.join(PRECISIONS[:-1])}")
    if "anchors" in ch and not (
        isinstance(ch["anchors"], list) and all(isinstance(a, str) for a in ch["anchors"])
    ):
        raise CuratedSpecError(f"{where} ({op}): 'anchors' must be a list of place names")
    if "area_km2" in ch and ch["area_km2"] is not None:
        try:
            float(ch["area_km2"])
        except (TypeError, ValueError):
            raise CuratedSpecError(f"{where} ({op}): 'area_km2' must be a number") from None


def _matches(spec: FeatureSpec, m: dict[str, str]) -> bool:
    return all(getattr(spec, k) == v for k, v in m.items())


def _check_places(where: str, names: Sequence[str], gazetteer: Any, scope: str) -> None:
    for name in names:
        if gazetteer is not None and not gazetteer.geocode(name, scope=scope):
            raise CuratedSpecError(f"{where}: unknown place {name!r} (not in the gazetteer)")


def _check_quote(where: str, line: int, quote: str, lines: Sequence[str]) -> None:
    if not isinstance(line, int) or not 1 <= line <= len(lines):
        raise CuratedSpecError(f"{where}: source_line {line!r} is outside the plan file")
    window = "".join(lines[line - 1 : line - 1 + QUOTE_WINDOW])
    if not quote or quote not in window.replace("\n", ""):
        raise CuratedSpecError(f"{where}: source_quote not found verbatim at line {line}")


def _fields(ch: dict[str, Any]) -> dict[str, Any]:
    out = {k: ch[k] for k in FIELD_KEYS if k in ch}
    if "anchors" in out:
        out["anchors"] = tuple(out["anchors"])
    if "area_km2" in out and out["area_km2"] is not None:
        out["area_km2"] = float(out["area_km2"])
    return out


def apply_spec(
    specs: Sequence[FeatureSpec],
    doc: dict[str, Any] | None,
    *,
    plan_lines: Sequence[str],
    gazetteer: Any = None,
    scope: str = "",
    stale: list[str] | None = None,
) -> list[FeatureSpec]:
    """Merge a curated spec over extracted feature specs (see module docstring).

    Parameters
    ----------
    specs
        Feature specs from extraction (text order).
    doc
        A spec from :func:`load_spec` (``None``: nothing to merge).
    plan_lines
        Lines of the original plan file, to check quotes of added features.
    gazetteer, scope
        Used to check that every named anchor is a known place.
    stale
        When given, a change whose ``match`` hits nothing is recorded here (and logged)
        instead of raising: the build reports stale corrections rather than failing.

    Returns
    -------
    list of FeatureSpec
        The merged specs; added ones follow the extracted ones.
    """
    if not doc:
        return list(specs)
    out = list(specs)
    fname = doc.get("_path", "curated spec")
    plan_id = doc["plan_id"]
    for i, ch in enumerate(doc.get("changes") or [], 1):
        op = ch["op"]
        where = f"{fname}: change {i} ({op})"
        _check_places(where, ch.get("anchors", []), gazetteer, scope)
        if op == "add":
            _check_quote(where, ch["source_line"], ch["source_quote"], plan_lines)
            f = _fields(ch)
            src = SourceSpan(int(ch["source_line"]), ch["source_quote"])
            out.append(
                FeatureSpec(
                    plan_id=plan_id,
                    layer=f["layer"],
                    role=f["role"],
                    name=f["name"],
                    source=src,
                    layout=f.get("layout", ""),
                    component=f.get("component", ""),
                    anchors=f.get("anchors", ()),
                    definition=ch.get("definition", ch["source_quote"]),
                    area_km2=f.get("area_km2"),
                    provenance="curated",
                )
            )
            continue
        hits = [k for k, s in enumerate(out) if _matches(s, ch["match"])]
        if not hits:
            msg = f"{where}: match {ch['match']} hits no extracted feature"
            if stale is None:
                raise CuratedSpecError(msg)
            # the extractor changed (often: improved); the build goes on and reports it
            log.warning("stale curated change: %s", msg)
            stale.append(msg)
            continue
        if op == "drop":
            out = [s for k, s in enumerate(out) if k not in set(hits)]
            log.info("%s: dropped %d feature(s): %s", fname, len(hits), ch["reason"])
            continue
        for k in hits:
            if op == "fix":
                # anchors supplied by a reviewer define an element the plan left undefined
                extra = {"resolved": True, "reason": ""} if "anchors" in ch else {}
                out[k] = dataclasses.replace(out[k], **_fields(ch), **extra, provenance="curated")
            else:
                out[k] = dataclasses.replace(
                    out[k], precision=ch["precision"], provenance="curated"
                )
    return out
