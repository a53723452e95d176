"""Homeshore's Streamlit app: pages, widgets and FR/EN strings. All figures come from the ``regions`` library."""
