"""URL query-parameter state of the map (atlas.appstate): round trips and tolerance."""

from urllib.parse import parse_qs, urlparse

from hypothesis import given
from hypothesis import strategies as st

from atlas.appstate import MapState, decode, encode, map_link, parse_overlay, reader_link


def test_round_trip_full_state():
    s = MapState(
        plan="jinzhou-2021",
        layers=("layout:一核两翼", "park"),
        overlay="gdp:target",
        basemap="gaode",
        center=(41.1, 121.12),
        zoom=9,
        feature="jinzhou-2021:park:锦州高新区",
    )
    q = encode(s)
    assert q["layers"] == "layout:一核两翼~park"
    assert q["center"] == "41.10000,121.12000"
    assert decode(q) == s


def test_defaults_are_left_out_and_restored():
    assert encode(MapState(plan="linghai-2021")) == {"plan": "linghai-2021"}
    s = decode({"plan": "linghai-2021"})
    assert s.layers is None and s.basemap == "offline" and s.center is None and s.zoom is None


def test_no_layers_is_distinct_from_all_layers():
    q = encode(MapState(plan="p", layers=()))
    assert q["layers"] == "-"
    assert decode(q).layers == ()


def test_malformed_values_fall_back_to_defaults():
    s = decode(
        {
            "basemap": "google",
            "center": "abc,1",
            "zoom": "99",
            "overlay": "gdp:median",
            "layers": ["park~port"],
        }
    )
    assert s.basemap == "offline"
    assert s.center is None and s.zoom is None and s.overlay == ""
    assert s.layers == ("park", "port")  # list values (parse_qs style) are accepted
    assert decode({"center": "95,10"}).center is None  # latitude out of range


def test_overlay_parsing():
    assert parse_overlay("forest_cover:growth") == ("forest_cover", "growth")
    assert parse_overlay("森林覆盖率:base") == ("森林覆盖率", "base")
    assert parse_overlay("gdp") is None and parse_overlay(":target") is None


def test_links_carry_plan_and_line():
    link = reader_link("jinzhou-2021", 123, "jinzhou-2021:park:x")
    q = parse_qs(urlparse(link).query)
    assert link.startswith("reader?")
    assert q == {"plan": ["jinzhou-2021"], "line": ["123"], "feature": ["jinzhou-2021:park:x"]}
    assert map_link(MapState(plan="a", zoom=7)) == "?plan=a&zoom=7"


names = (
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="~"),
        min_size=1,
        max_size=12,
    )
    .map(str.strip)
    .filter(bool)
)


@given(
    plan=names,
    layers=st.none() | st.lists(names, max_size=4, unique=True).map(tuple),
    basemap=st.sampled_from(["offline", "osm", "gaode", "tianditu"]),
    zoom=st.none() | st.integers(0, 20),
    lat=st.floats(-89, 89),
    lon=st.floats(-179, 179),
)
def test_round_trip_property(plan, layers, basemap, zoom, lat, lon):
    s = MapState(plan=plan, layers=layers, basemap=basemap, zoom=zoom, center=(lat, lon))
    back = decode(encode(s))
    assert back.plan == plan and back.layers == layers and back.basemap == basemap
    assert back.zoom == zoom
    assert abs(back.center[0] - lat) < 1e-5 and abs(back.center[1] - lon) < 1e-5
