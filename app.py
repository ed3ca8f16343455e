"""Planning Atlas — Streamlit entry point (placeholder until the app issue lands)."""

import csv

import streamlit as st

from atlas.paths import PLANS

st.set_page_config(page_title="规划图集 Planning Atlas", layout="wide")
st.title("规划图集 · Planning Atlas")
with open(PLANS / "manifest.csv", encoding="utf-8") as fh:
    st.table(list(csv.DictReader(fh)))
