"""Homeshore's ``regions`` library: French geography, official indicators and candidate pools.

Pure Python over (Geo)DataFrames; it never imports Streamlit. Start with ``regions.geo`` (communes,
départements, régions), ``regions.codes`` (INSEE codes and postcodes) and ``regions.indicators``
(the territory table with its provenance).
"""

__version__ = "0.1.0"
