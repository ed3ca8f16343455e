"""Planning Atlas: Chinese regional plans as sourced, honestly-precise map layers.

Importing the package is cheap; heavy modules (geopandas, folium, matplotlib) are imported by
the submodules that need them.
"""

__version__ = "0.1.0"
