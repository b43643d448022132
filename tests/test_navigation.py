"""Moving between pages in one session: the settings a visitor chose come along."""
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.mark.slow  # trains the dress at three settings and the overfitting page
def test_the_data_size_follows_the_visitor_from_page_to_page():
    at = AppTest.from_file(APP, default_timeout=900).run()
    at.switch_page("app_pages/dress_colour.py").run()
    at.select_slider(key="n_per_class").set_value(8).run()
    at.number_input(key="seed").set_value(3).run()
    at.switch_page("app_pages/overfitting.py").run()
    assert not at.exception
    # Streamlit resets a widget another page drew to its first option unless the app keeps it
    assert at.select_slider(key="n_per_class").value == 8
    assert at.number_input(key="seed").value == 3
