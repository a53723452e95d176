"""Homeshore — Streamlit entry point: page config, shared state and sidebar, navigation. No logic here."""

from __future__ import annotations

import streamlit as st

from homeshore import a11y, chrome, first_view, sidebar, state, tcp, workspace

tcp.send_at_once()  # the server's small files without a 40 ms wait each (homeshore/tcp.py)

st.set_page_config(page_title="Homeshore", page_icon="🏠", layout="wide")
state.init()
workspace.follow_user_data()
workspace.load_sites()
state.keep_widget_state()

carte = st.Page("homeshore/pages/carte.py", title=state.t("page_map"), icon=":material/map:", default=True)
pages = [
    carte,
    st.Page(
        "homeshore/pages/shortlist.py",
        title=state.t("page_shortlist"),
        icon=":material/checklist:",
        url_path="shortlist",
    ),
    st.Page("homeshore/pages/plan.py", title=state.t("page_plan"), icon=":material/groups_3:", url_path="plan"),
    st.Page(
        "homeshore/pages/scenarios.py",
        title=state.t("page_scenarios"),
        icon=":material/bookmarks:",
        url_path="scenarios",
    ),
    st.Page("homeshore/pages/vivier.py", title=state.t("page_pool"), icon=":material/groups:", url_path="vivier"),
    st.Page("homeshore/pages/sites.py", title=state.t("page_sites"), icon=":material/location_on:", url_path="sites"),
    st.Page(
        "homeshore/pages/indicateur.py", title=state.t("page_add"), icon=":material/add_chart:", url_path="indicateur"
    ),
    st.Page("homeshore/pages/donnees.py", title=state.t("page_data"), icon=":material/menu_book:", url_path="donnees"),
]
# a new session's map page: the title and the map first, the rest once the map is drawn (homeshore/first_view.py)
browser = bool(st.context.headers)
position = first_view.navigation_position(browser=browser)
page = st.navigation(pages, position=position)
first_view.begin(on_map_page=page.url_path == carte.url_path, browser=browser, navigation_hidden=position == "hidden")
with st.sidebar:  # styles and scripts that draw nothing, but take a line: here they push no map down as they load
    a11y.declare(state.lang(), bool(st.session_state[state.HIGH_CONTRAST]))
    chrome.translate(state.lang())
if not first_view.now():
    sidebar.render()
page.run()
first_view.end()
