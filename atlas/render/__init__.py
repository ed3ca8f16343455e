"""Renderers of the atlas: web map (folium), static snapshot, slide deck.

Renderers never import streamlit; the app (pages/) calls them.
"""
