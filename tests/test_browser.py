"""End to end in a real headless Chromium: every page of `streamlit run app.py`, offline, renders
with no exception and no browser console error; on the dress page, moving the slider with the
keyboard changes the accuracies shown.

Needs Debian's `chromium` and `chromium-driver` (installed by .ci/run); skipped without them.
"""
import os
import shutil
import time

import pytest

from scripts import serve
from ui.presenter import STEPS

pytestmark = pytest.mark.slow  # real Chromium against a real server (issue 24: the slow tier)
SLIDER = '.st-key-n_per_class [role="slider"], .st-key-n_per_class input[type="range"]'
RENDER_TIMEOUT_S = 600  # a fresh cache renders the dress photos and computes features first
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"

if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
    pytest.skip("chromium and chromedriver are not installed (apt-get install chromium "
                "chromium-driver); .ci/run installs them", allow_module_level=True)
webdriver = pytest.importorskip("selenium.webdriver")
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402


def start_server(env_extra=None):
    """A server of its own (its cache folder: conftest), offline; its output kept for a failure."""
    try:
        return serve.start(env_extra, capture=True)
    except serve.DidNotStart as err:
        pytest.fail(str(err))


def stop_server(proc):
    serve.stop(proc)


# Where the dress tests below move the slider: FAKE stored runs there (tests.fake_store), so these
# tests check what the browser shows and does, not hours of training on two cores; what is not
# stored (another cut, the other pages) is computed for real by the server's worker processes, and
# a real view is trained end to end in test_browser_slider.py and test_fresh_server.py.
DRESS_POSITIONS = [1, 2, 4, 8, 16, 32]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from lib import DRAW_SEEDS
    from tests.fake_store import fill_store
    cache = tmp_path_factory.mktemp("browser_cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TRANSFER_LAB_CACHE", str(cache))
        fill_store("dress", DRESS_POSITIONS, DRAW_SEEDS)
    proc, url = start_server({"TRANSFER_LAB_CACHE": str(cache)})
    yield url
    stop_server(proc)


def chromium(width: int = 1400, height: int = 1000):
    """A headless Chromium of this window size, its console errors kept (the suite's one recipe)."""
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--no-first-run", "--disable-background-networking", f"--window-size={width},{height}"]:
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"browser": "SEVERE"})
    return webdriver.Chrome(service=webdriver.ChromeService(CHROMEDRIVER), options=opts)


@pytest.fixture(scope="module")
def browser():
    drv = chromium()
    yield drv
    drv.quit()


def wait_rendered(drv, what, timeout=RENDER_TIMEOUT_S):
    """Wait until the page has content and nothing has been running for 2 s."""
    deadline, quiet_since = time.time() + timeout, None
    while time.time() < deadline:
        content = drv.find_elements(By.CSS_SELECTOR, '[data-testid="stMarkdown"], [data-testid="stException"]')
        running = drv.find_elements(By.CSS_SELECTOR, '[data-testid="stStatusWidget"]')
        if content and not running:
            quiet_since = quiet_since or time.time()
            if time.time() - quiet_since > 2:
                return
        else:
            quiet_since = None
        time.sleep(0.5)
    pytest.fail(f"{what} was still rendering after {timeout} s")


def problems(drv):
    """Exceptions shown on the page, and console errors of this page's server (Streamlit's probes
    of /<page>/_stcore/... before /_stcore/... answer 404 by design: not errors; a message from
    another origin is a server an earlier test stopped, whose tab was still open)."""
    shown = [e.text.splitlines()[0] for e in drv.find_elements(By.CSS_SELECTOR, '[data-testid="stException"]')]
    origin = "/".join(drv.current_url.split("/")[:3])
    console = [entry["message"] for entry in drv.get_log("browser")
               if "/_stcore/" not in entry["message"]
               and not (entry["message"].startswith("http") and not entry["message"].startswith(origin))]
    return shown + console


def leave(drv, proc):
    """Close the page before its server stops, so the stopped server's complaints stay out of
    the next test's console."""
    drv.get("about:blank")
    stop_server(proc)
    drv.get_log("browser")


def accuracies(drv):
    try:
        return [m.find_element(By.CSS_SELECTOR, '[data-testid="stMetricValue"]').text
                for m in drv.find_elements(By.CSS_SELECTOR, '[data-testid="stMetric"]')
                if "Test accuracy" in m.text]
    except StaleElementReferenceException:  # replaced by a rerun while we read it
        return []


SMALL = {"learning_curves": "?largest=8&seeds=2", "sentiment": "?unlabeled=500&encoder=0"}


@pytest.mark.parametrize("step", STEPS, ids=[s.name for s in STEPS])  # home first, as a visitor
def test_every_page_renders_offline_without_errors(server, browser, step):
    # Small settings where the defaults train for minutes and say nothing more about rendering:
    # the learning curves' default sweep (4 ways x 8 sizes x 5 seeds), the movie reviews' word
    # vectors on 20,000 reviews and the sentence encoder fine-tuned on five draws (the encoder's
    # ways on that page are the slow AppTest's, tests/test_page_sentiment.py).
    query = SMALL.get(step.name, "")
    browser.get(f"{server}/{'' if step.name == 'home' else step.name}{query}")
    wait_rendered(browser, step.file)
    assert not problems(browser), f"{step.file}: {problems(browser)}"
    # the shared sidebar is there: app.py ran, not the page file alone
    assert browser.find_elements(By.CSS_SELECTOR, ".st-key-present"), f"{step.file}: no app sidebar"


def press(drv, key):
    """Press `key` on the data-size slider's thumb (it takes arrow keys; focused, as a click on
    it would, since a covered thumb refuses a synthetic click)."""
    deadline = time.time() + RENDER_TIMEOUT_S  # a hang guard: a rerun can redraw the slider under us
    while True:
        try:
            thumb = drv.find_element(By.CSS_SELECTOR, SLIDER)
            drv.execute_script("arguments[0].focus()", thumb)
            break
        except (NoSuchElementException, StaleElementReferenceException):
            if time.time() > deadline:
                raise
            time.sleep(0.1)
    ActionChains(drv).send_keys(key).perform()


def step(drv, key, lands_on):
    """Press `key` on the data-size slider's thumb, then wait until the URL says `lands_on` and
    the run has ended."""
    press(drv, key)
    deadline = time.time() + RENDER_TIMEOUT_S
    while time.time() < deadline and lands_on not in drv.current_url:
        time.sleep(0.5)
    assert lands_on in drv.current_url, drv.current_url
    wait_rendered(drv, f"the dress page at {lands_on}")


def test_moving_the_dress_slider_changes_the_accuracies(server, browser):
    browser.get(f"{server}/dress_colour?n_per_class=4&seed=0")
    wait_rendered(browser, "the dress page")
    before = accuracies(browser)
    assert len(before) >= 2, f"expected both ways' test accuracy, saw {before}"
    # its steps double, 4 -> 8 -> 16. One step at a time, each run finished before the next key: two fragment reruns sent at once
    # can race inside Streamlit (its app_session.py, issue 9921) and leave the page "running".
    step(browser, Keys.ARROW_RIGHT, "n_per_class=8")
    step(browser, Keys.ARROW_RIGHT, "n_per_class=16")
    assert "n_per_class=16" in browser.current_url, browser.current_url
    assert accuracies(browser) != before, "the accuracies did not change when the slider moved"
    assert not problems(browser)
    # back where it started: the same numbers again, from the cache, without an error
    step(browser, Keys.ARROW_LEFT, "n_per_class=8")
    step(browser, Keys.ARROW_LEFT, "n_per_class=4")
    assert not problems(browser), problems(browser)
    assert accuracies(browser) == before, "the same setting did not give the same numbers"


def test_ten_quick_presses_end_on_the_last_position_with_its_numbers(server, browser):
    """A presenter's fast hands: ten presses within two seconds (each sends a rerun that
    interrupts the last) end on the last position, its cards drawn, nothing left running."""
    browser.get(f"{server}/dress_colour?n_per_class=1&seed=0")
    wait_rendered(browser, "the dress page")
    thumb = browser.find_element(By.CSS_SELECTOR, SLIDER)
    browser.execute_script("arguments[0].focus()", thumb)
    for key in [Keys.ARROW_RIGHT] * 5 + [Keys.ARROW_LEFT] * 3 + [Keys.ARROW_RIGHT] * 2:  # 1 -> 32 -> 4 -> 16
        ActionChains(browser).send_keys(key).perform()
        time.sleep(0.12)  # ten presses in about two seconds
    deadline = time.time() + RENDER_TIMEOUT_S
    while time.time() < deadline and "n_per_class=16" not in browser.current_url:
        time.sleep(0.5)
    assert "n_per_class=16" in browser.current_url, browser.current_url
    wait_rendered(browser, "the dress page after ten presses")
    shown = [c.text for c in browser.find_elements(By.CSS_SELECTOR, '[data-testid="stColumn"]')
             if "Test accuracy" in c.text]
    assert len(shown) >= 3 and all("32 examples it trained on" in c for c in shown), shown
    assert not problems(browser), problems(browser)


@pytest.mark.parametrize("width,height", [(1280, 720), (1920, 1080)])
def test_presenter_mode_shows_the_slider_the_sentence_and_every_accuracy_on_the_first_screen(
        server, browser, width, height):
    """A projector's first screen, without scrolling: the slider, the sentence over draws that
    says what the numbers mean, and each way's test accuracy; nothing cut off sideways."""
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
    try:
        browser.get(f"{server}/dress_colour?n_per_class=16&seed=0&present=1")
        wait_rendered(browser, f"the dress page in presenter mode at {width} x {height}")
        assert not problems(browser), problems(browser)
        bottom = lambda el: browser.execute_script("return arguments[0].getBoundingClientRect().bottom", el)
        values = [m.find_element(By.CSS_SELECTOR, '[data-testid="stMetricValue"]')
                  for m in browser.find_elements(By.CSS_SELECTOR, '[data-testid="stMetric"]')
                  if "Test accuracy" in m.text]
        assert len(values) >= 4, "fewer than four ways' accuracies on the page"
        assert all(0 < bottom(v) <= height for v in values), [(v.text, bottom(v)) for v in values]
        sentence = [m for m in browser.find_elements(By.CSS_SELECTOR, '[data-testid="stMarkdown"]')
                    if "random draws of 16 labeled photos" in m.text]
        assert sentence and bottom(sentence[0]) <= height, "the sentence over draws is not on the first screen"
        assert 0 < bottom(browser.find_element(By.CSS_SELECTOR, SLIDER)) <= height
        cut = browser.execute_script(
            "return [...document.querySelectorAll('[data-testid=\"stMetricValue\"] div')]"
            ".filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent)")
        assert not cut, f"numbers cut off: {cut}"
        assert browser.execute_script("return document.documentElement.scrollWidth") <= width
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


# Streamlit runs a folder named pages/ as a legacy (v1) multipage app until app.py has run once:
# that is why the page scripts live in app_pages/. This test catches a return of that bug.
def test_a_deep_link_on_a_fresh_server_runs_the_whole_app(browser):
    proc, url = start_server()
    try:
        browser.get(f"{url}/parameters?present=1")
        wait_rendered(browser, "a deep link")
        assert browser.find_elements(By.CSS_SELECTOR, ".st-key-present")
    finally:
        leave(browser, proc)


def choose(drv, key: str, option: str) -> None:
    """Pick `option` in the selectbox with widget key `key`, as a visitor does: click, then click."""
    deadline = time.time() + 60
    while not drv.find_elements(By.CSS_SELECTOR, f'.st-key-{key} [role="combobox"]'):
        if time.time() > deadline:
            pytest.fail(f"no selectbox with key {key!r} on the page")
        time.sleep(0.5)
    drv.find_element(By.CSS_SELECTOR, f'.st-key-{key} [role="combobox"]').click()
    deadline = time.time() + 30
    while time.time() < deadline:
        for li in drv.find_elements(By.CSS_SELECTOR, '[role="option"]'):
            if li.text.strip() == option:
                li.click()
                return
        time.sleep(0.3)
    pytest.fail(f"no option {option!r} in the {key} selectbox")


def trained_weights(drv):
    try:
        return [m.find_element(By.CSS_SELECTOR, '[data-testid="stMetricValue"]').text
                for m in drv.find_elements(By.CSS_SELECTOR, '[data-testid="stMetric"]')
                if "Trained weights" in m.text]
    except StaleElementReferenceException:
        return []


def test_choosing_where_to_cut_changes_the_head_the_link_and_keeps_the_depth_profile(server, browser):
    browser.get(f"{server}/dress_colour?n_per_class=4&seed=0&cut=head")
    wait_rendered(browser, "the dress page")
    assert trained_weights(browser)[2] == "2,562", trained_weights(browser)  # pixels, scratch, then the frozen head
    choose(browser, "cut", "after stage4")
    deadline = time.time() + RENDER_TIMEOUT_S
    while time.time() < deadline and (trained_weights(browser)[2:3] or [""])[0] != "162":
        time.sleep(0.5)
    wait_rendered(browser, "the dress page after choosing a cut")
    assert "cut=stage4" in browser.current_url, browser.current_url
    assert trained_weights(browser)[2] == "162"                       # (80 + 1) x 2
    assert "Where to cut the network" in browser.page_source
    assert "Read on the test photos" in browser.page_source       # the profile's reading
    assert not problems(browser), problems(browser)


def test_the_ants_and_bees_page_offline_says_how_to_get_the_photos(server, browser):
    browser.get_log("browser")  # what earlier tests left in the console is theirs
    browser.get(f"{server}/ants_bees")
    wait_rendered(browser, "the ants-and-bees page")
    text = browser.find_element(By.TAG_NAME, "body").text
    assert "not on this computer" in text and "prefetch.py" in text
    assert browser.find_elements(By.PARTIAL_LINK_TEXT, "Your own data")
    assert not problems(browser), problems(browser)


def test_the_ants_and_bees_page_with_the_photos_shows_four_ways(browser, tmp_path):
    from standin import Server
    from test_photos import hymenoptera_zip
    stand_in = Server({"hymenoptera_data.zip": hymenoptera_zip()})
    proc, url = start_server({"TRANSFER_LAB_OFFLINE": "0", "TRANSFER_LAB_DATA_MIRROR": stand_in.url,
                              "TRANSFER_LAB_CACHE": str(tmp_path)})
    try:
        browser.get(f"{url}/ants_bees?n_per_class=2")  # the smallest size with all four ways
        wait_rendered(browser, "the ants-and-bees page")
        assert len(accuracies(browser)) == 4, accuracies(browser)  # pixels, scratch, frozen, fine-tuned
        assert "Where to cut the network" in browser.page_source
        assert not problems(browser), problems(browser)
    finally:
        leave(browser, proc)
        stand_in.close()
