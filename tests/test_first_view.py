"""A new session's first view of the map page (homeshore/first_view.py), run by Streamlit: which run draws it, and
how the whole page follows. The page in a real browser: tests/browser/test_map_view_browser.py."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _script(on_map_page: bool, browser: bool) -> None:
    """A page drawn the way app.py and the map page draw theirs: a first view, else the whole page."""
    import streamlit as st

    from homeshore import first_view

    st.session_state["runs"] = st.session_state.get("runs", 0) + 1
    position = first_view.navigation_position(browser=browser)
    st.session_state["positions"] = [*st.session_state.get("positions", []), position]
    first_view.begin(on_map_page=on_map_page, browser=browser, navigation_hidden=position == "hidden")
    st.markdown("map")
    if first_view.now():
        first_view.fallback()
    else:
        st.markdown("criteria and ranking")
    first_view.end()


def _app(on_map_page: bool = True, browser: bool = True) -> AppTest:
    return AppTest.from_function(_script, kwargs={"on_map_page": on_map_page, "browser": browser}, default_timeout=30)


def _texts(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown]


def test_a_new_session_in_a_browser_on_the_map_page_draws_the_map_first_then_the_whole_page() -> None:
    at = _app().run()
    assert _texts(at) == ["map"]
    assert at.session_state["hs_first_view"] == "drawn"
    assert at.session_state["positions"] == ["hidden"]  # not even the navigation's links
    at.run()  # the next run (the map saying it is drawn, or any interaction): the whole page
    assert _texts(at) == ["map", "criteria and ranking"]
    assert at.session_state["hs_first_view"] == "done"
    at.run()
    assert _texts(at) == ["map", "criteria and ranking"]
    assert at.session_state["positions"] == ["hidden", "sidebar", "sidebar"]


def test_without_a_browser_the_first_run_draws_the_whole_page_with_its_navigation() -> None:
    at = _app(on_map_page=True, browser=False).run()
    assert _texts(at) == ["map", "criteria and ranking"]
    assert at.session_state["hs_first_view"] == "done"
    assert at.session_state["positions"] == ["sidebar"] and at.session_state["runs"] == 1


def test_a_new_session_on_another_page_runs_again_at_once_with_its_navigation() -> None:
    """The navigation is hidden before the page is known; another page than the map's is then no first view: its
    run stops before drawing anything and the next one draws the whole page, links included."""
    at = _app(on_map_page=False, browser=True).run()
    assert _texts(at) == ["map", "criteria and ranking"]
    assert at.session_state["hs_first_view"] == "done"
    assert at.session_state["positions"] == ["hidden", "sidebar"] and at.session_state["runs"] == 2


def test_advance_after_the_first_view_reruns_the_whole_script_once_and_nothing_otherwise() -> None:
    """What the map's report and the fallback's timer do in their fragment's run: after the first view, rerun the
    whole script at once (that run's text is never sent), and only once."""

    def script() -> None:
        import streamlit as st

        from homeshore import first_view

        st.session_state["runs"] = st.session_state.get("runs", 0) + 1
        first_view.advance()
        st.markdown(f"{st.session_state.get('hs_first_view')} after {st.session_state['runs']} runs")

    at = AppTest.from_function(script, default_timeout=30)
    at.session_state["hs_first_view"] = "drawn"
    at.run()
    assert _texts(at) == ["done after 2 runs"]
    at.run()
    assert _texts(at) == ["done after 3 runs"]
    for step in ("drawing", "done"):
        other = AppTest.from_function(script, default_timeout=30)
        other.session_state["hs_first_view"] = step
        other.run()
        assert _texts(other) == [f"{step} after 1 runs"]
