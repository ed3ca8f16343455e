"""The shared style spec resolves roles, layers and precision consistently."""

import pytest

from atlas.errors import SchemaError
from atlas.render.style import legend_entries, load_spec, style_for


def test_role_overrides_layer():
    st = style_for("layout", "axis")
    assert st.symbol == "arrow"
    assert st.label == "发展轴"
    assert st.color == "#7c3aed"


def test_layer_fallback_and_default():
    assert style_for("port", "").symbol == "icon"
    assert style_for("port", "").icon == "anchor"
    assert style_for("nonexistent", "nothing").label == "其他要素"


def test_schematic_is_dashed_and_lighter():
    st = style_for("layout", "zone", "schematic")
    assert st.dash == "3 3"
    assert st.opacity == pytest.approx(0.8)


def test_legend_dedupes_and_orders_by_z():
    entries = legend_entries([("layout", "core"), ("layout", "axis"), ("layout", "core")])
    assert [e.label for e in entries] == ["发展轴", "核心/中心"]


def test_unknown_key_rejected(tmp_path):
    bad = tmp_path / "style.yaml"
    bad.write_text(
        "default: {symbol: area, color: '#000', label: x}\nroles:\n  core: {colour: red}\n"
    )
    with pytest.raises(SchemaError, match="unknown keys"):
        load_spec(bad)


def test_every_symbol_in_spec_is_known():
    spec = load_spec()
    assert {"core", "axis", "belt", "zone", "port", "station"} <= set(spec["roles"])


def test_one_vocabulary_names_every_role_and_layer():
    """Every role the extractors can emit has a placement family, a name and a style class
    (issue 12: adding a role is one edit in style.yaml plus one in the family table)."""
    from atlas.extract.entities import HEADS
    from atlas.extract.slogans import UNIT_ROLES
    from atlas.model import LAYERS
    from atlas.placement.rules import ROLE_FAMILY, Family, family
    from atlas.render.style import LAYER_LABELS, ROLE_LABELS, load_spec

    spec = load_spec()
    emitted = set(UNIT_ROLES.values()) | {role for _, role in HEADS.values()}
    missing_name = sorted(r for r in emitted if r not in ROLE_LABELS)
    assert missing_name == []
    # roles styled as areas/bands/lines are placed by the matching family
    symbol_family = {"area": Family.AREA, "halo": Family.AREA, "band": Family.BAND}
    for role, entry in spec["roles"].items():
        if entry.get("symbol") in symbol_family and role not in ("bay", "mountain"):
            assert family(role) == symbol_family[entry["symbol"]], role
    assert family("axis") == Family.AXIS and family("park") == Family.POINT
    assert set(ROLE_FAMILY.values()) <= set(Family)
    # layer names: the style classes and the vocabulary agree, and every layer has one
    for layer, entry in spec["layers"].items():
        assert LAYER_LABELS[layer] == entry["label"], layer
    assert set(LAYERS) <= set(LAYER_LABELS)
