"""geodata/MANIFEST lists every bundled reference file with a matching checksum and counts."""

import hashlib

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from atlas import paths
from atlas.places import geodata

MANIFEST = geodata.manifest()
REQUIRED = ["file", "source", "licence", "crs_before", "rows", "vertices", "sha256", "precision"]


def bundled_files():
    # reference data lives at the top of geodata/; plans/ and sources/ have their own records
    return sorted(p.name for p in paths.GEODATA.iterdir() if p.is_file() and p.name != "MANIFEST")


def test_manifest_has_required_columns():
    assert set(REQUIRED) <= set(MANIFEST.columns)
    assert (MANIFEST[REQUIRED] != "").all().all()


def test_every_file_listed_and_every_row_exists():
    assert sorted(MANIFEST.file) == bundled_files()
    assert set(geodata.FILES.values()) == set(MANIFEST.file)


@pytest.mark.parametrize("row", MANIFEST.to_dict("records"), ids=lambda r: r["file"])
def test_checksum_and_counts_match(row):
    path = paths.GEODATA / row["file"]
    assert hashlib.sha256(path.read_bytes()).hexdigest() == row["sha256"]
    if path.suffix == ".csv":
        assert len(pd.read_csv(path)) == int(row["rows"])
    else:
        gdf = gpd.read_file(path)
        assert len(gdf) == int(row["rows"])
        assert int(shapely.get_num_coordinates(gdf.geometry.values).sum()) == int(row["vertices"])


def test_bundle_is_small():
    total = sum((paths.GEODATA / f).stat().st_size for f in MANIFEST.file)
    assert total < 15 * 1024 * 1024
