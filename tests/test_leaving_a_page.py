"""A visitor who changes page releases what the page left asked for (app.py): the dress page's
slider positions ahead must not hold the workers while its visitor waits on another page."""
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")


class _Spy:
    """Stands in for ui.live's Asks: records what is released."""

    def __init__(self):
        self.released = []

    def release(self, group=None):
        self.released.append(group)


def test_changing_page_releases_every_ask_and_staying_releases_none():
    at = AppTest.from_file(APP, default_timeout=600).run()
    spy = _Spy()
    at.session_state["_transfer_lab_asks"] = spy
    at.run()                                            # the same page again: nothing released
    assert spy.released == []
    at.switch_page("app_pages/parameters.py").run()     # another page: everything released
    assert not at.exception and spy.released == [None]
    at.run()
    assert spy.released == [None]
