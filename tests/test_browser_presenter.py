"""The presenter's hands (issue 26), in a real headless Chromium at a 1280 x 720 browser window's
viewport (1280 x 577) and at 1920 x 1080:

- the guided path's top links answer a real mouse click (Streamlit's header and its running
  indicator never lie over them), checked with document.elementFromPoint and then clicked;
- every way's accuracy and the sentence over draws are on the first screen at every slider
  position from 1 to 128, sidebar closed and open.

The layout test reads its numbers from a cache folder filled by `tests.fake_store.fill_store` with FAKE runs:
written through the engine's own storage (lib.stored.save_run at lib.stored.run_path's key), so
the page reads them as it reads real ones and draws its real layout, but the accuracies are
made up (training every position for real would take hours on two cores). Nothing here checks
a number, only where it is drawn.

Needs Debian's `chromium` and `chromium-driver`; skipped without them.
"""
import time

import pytest

pytestmark = pytest.mark.slow

from tests.test_browser import chromium, wait_rendered  # noqa: E402  (skips this module without chromium)
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

from lib.data import photos  # noqa: E402
from scripts import serve  # noqa: E402
from tests.fake_store import fill_store, fill_text_store  # noqa: E402
from tests.standin import Server  # noqa: E402
from tests.test_photos import hymenoptera_zip  # noqa: E402

SIZES = [(1280, 577), (1920, 1080)]  # a 1280 x 720 window's viewport, and a full-HD projector
WAIT_S = 600
POSITIONS = [1, 2, 4, 8, 16, 32, 64, 128]
ANTS_POSITIONS = [0, 1, 2, 4, 8, 16, 32]  # the stand-in set has 61 photos of the rarer class (real: ~120)
MOVIE_POSITIONS = [0, 1, 2, 4, 8, 16, 32, 64, 128, 256]  # the generated reviews (offline)
SERVER = {}  # the stored server's cache folder, once it is filled
PAGES = {"dress_colour": POSITIONS, "ants_bees": ANTS_POSITIONS, "sentiment": MOVIE_POSITIONS}


# ---------------------------------------------------------------- server and browser

@pytest.fixture(scope="module")
def stored_server(tmp_path_factory):
    """A server of its own on a cache folder filled with fake dress results (fill_store) at every
    slider position, training in-process (TRANSFER_LAB_WORKERS=0: nothing trained ahead)."""
    cache = tmp_path_factory.mktemp("presenter_cache")
    mp = pytest.MonkeyPatch()
    mp.setenv("TRANSFER_LAB_CACHE", str(cache))
    stand_in = Server({"hymenoptera_data.zip": hymenoptera_zip()})
    mp.setenv(photos.MIRROR_ENV, stand_in.url)
    mp.delenv("TRANSFER_LAB_OFFLINE", raising=False)
    mp.setattr(photos, "_task", None)
    try:
        from lib import DRAW_SEEDS
        fill_store("dress", POSITIONS, DRAW_SEEDS)
        photos.fetch()  # the generated stand-in set, through the real download code
        fill_store("ants_bees", ANTS_POSITIONS[1:], DRAW_SEEDS)  # 0 (zero-shot) is computed on the walk
        fill_text_store("sentiment", MOVIE_POSITIONS[1:], DRAW_SEEDS)
        proc, url = serve.start({"TRANSFER_LAB_CACHE": str(cache), "TRANSFER_LAB_WORKERS": "0", "TRANSFER_LAB_OFFLINE": "1",
                                 "TRANSFER_LAB_WARMUP": "0"}, capture=True)
    except serve.DidNotStart as err:
        pytest.fail(str(err))
    finally:
        mp.undo()
        stand_in.close()
    SERVER["cache"] = str(cache)  # where the server looks: which steps it can show (the photos)
    yield url
    serve.stop(proc)


@pytest.fixture(scope="module", params=SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def browser(request):
    width, height = request.param
    drv = chromium(width, height)
    # the page's own size, as a browser window of 1280 x 720 leaves it (577 px tall)
    drv.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
    drv.size = (width, height)
    yield drv
    drv.quit()


def settled(drv, what, timeout=WAIT_S):
    """Wait until the page has content and nothing has been running for 2 s."""
    wait_rendered(drv, what, timeout)


TOP_LINKS = """
return [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stPageLink"] a')]
  .filter(a => { const r = a.getBoundingClientRect(); return r.height > 0 && r.top < 200 && r.left >= 0; });
"""
# share of a link's points (11 across x 3 down) where the link itself is what a click reaches
REACHED = """
const a = arguments[0], r = a.getBoundingClientRect(); let hit = 0, n = 0;
for (let i = 1; i < 12; i++) for (let j = 1; j < 4; j++) {
  const e = document.elementFromPoint(r.left + r.width * i / 12, r.top + r.height * j / 4);
  n++; if (e && a.contains(e)) hit++;
}
return [hit, n];
"""


def url_path(url: str) -> str:
    """The page's name in a URL ("" for home)."""
    return url.split("?")[0].split("/", 3)[3].strip("/") if url.count("/") >= 3 else ""


# (page, the link clicked): every top link of these pages is checked point by point, and the one
# named clicked; those lead to pages that draw at once from the stored results (the movie
# reviews and the overfitting page would train for minutes before they settle)
CLICKS = [("home", "next"), ("dress_colour", "previous"), ("parameters", "next"), ("your_data", "previous")]


@pytest.mark.parametrize("page,click", CLICKS, ids=[f"{p}-{k}" for p, k in CLICKS])
def test_the_guided_paths_top_links_answer_a_real_click(stored_server, browser, page, click):
    """Every point of each top link reaches the link (Streamlit's toolbar, a full-width box, once
    lay over all of them), and a real mouse click on it opens the step it names, presenter mode on."""
    from ui.presenter import path_links, step_index
    with pytest.MonkeyPatch.context() as mp:  # the steps the server has (its cache holds the photos)
        mp.setenv("TRANSFER_LAB_CACHE", SERVER["cache"])
        links = path_links(page)
    browser.get(f"{stored_server}/{'' if page == 'home' else page}?present=1&n_per_class=2")
    settled(browser, page)
    top = sorted(browser.execute_script(TOP_LINKS), key=lambda a: a.rect["x"])
    assert len(top) == ("previous" in links) + ("next" in links), [a.text for a in top]
    for key, link in zip([k for k in ("previous", "next") if k in links], top):
        hit, n = browser.execute_script(REACHED, link)
        assert hit == n, f"{page} at {browser.size}: {n - hit} of {n} points of {key!r} are covered"
    step = links[click][0]
    link = top[0] if click == "previous" else top[-1]
    want = "" if step.name == "home" else step.name
    if want:  # Streamlit writes the default page's href as the page it is on
        assert url_path(link.get_attribute("href")) == want
    ActionChains(browser).move_to_element(link).click().perform()  # a real click, not a script's
    deadline = time.time() + 60
    while time.time() < deadline and url_path(browser.current_url) != want:
        time.sleep(0.3)
    assert url_path(browser.current_url) == want, \
        f"{page} at {browser.size}: clicking {click!r} left the page at {browser.current_url}"
    settled(browser, step.name)
    assert f"Step {step_index(step.name) + 1} of" in browser.find_element(By.TAG_NAME, "body").text
    assert "present=1" in browser.current_url


def test_the_running_indicator_never_covers_a_top_link(stored_server, browser):
    """While a page runs, Streamlit shows "Stop" in its header (it sat over "Next: Movie reviews"):
    caught mid-run on the dress page, every point of both top links still reaches them. Seeds 7
    and 8 are not among the stored draws, so their cards train for real and the page is seen
    running (a stored position drew itself between two polls: the test never caught it running)."""
    caught, seed = 0, 7 + SIZES.index(tuple(browser.size))  # unstored at each window size too
    for n in (1,):  # one view trained for real per window size: enough to see it running
        browser.get(f"{stored_server}/dress_colour?present=1&n_per_class={n}&seed={seed}")
        deadline = time.time() + 60
        while time.time() < deadline:
            running = browser.find_elements(By.CSS_SELECTOR, '[data-testid="stStatusWidget"]')
            top = browser.execute_script(TOP_LINKS)
            if running and len(top) == 2:
                for link in top:
                    hit, total = browser.execute_script(REACHED, link)
                    assert hit == total, f"{browser.size} at {n}: {total - hit} of {total} points covered while running"
                caught += 1
                break
            time.sleep(0.05)
        settled(browser, f"the dress at {n}")
    assert caught, "never caught the page running with its top links drawn"


FIRST_SCREEN = """
const b = e => e.getBoundingClientRect().bottom;
const vals = [...document.querySelectorAll('[data-testid="stMetric"]')]
  .filter(m => m.innerText.includes('Test accuracy'))
  .map(m => b(m.querySelector('[data-testid="stMetricValue"]')));
const sentence = [...document.querySelectorAll('[data-testid="stMarkdown"]')]
  .filter(m => /random draws of/.test(m.innerText)).map(b);
const cutTitles = [...document.querySelectorAll('[data-testid="stMain"] h4')]
  .filter(h => h.scrollWidth > h.clientWidth + 1).map(h => h.innerText);
const cutNumbers = [...document.querySelectorAll('[data-testid="stMetricValue"] div')]
  .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent);
const cutLinks = [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stPageLink"] p')]
  .filter(e => e.getBoundingClientRect().top < 200 && e.scrollWidth > e.clientWidth + 1).map(e => e.textContent);
return {vals, sentence, cutTitles, cutNumbers, cutLinks, wide: document.documentElement.scrollWidth};
"""


def first_screen(drv):
    return drv.execute_script(FIRST_SCREEN)


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("sidebar", ["closed", "open"])
def test_every_accuracy_is_on_the_first_screen_at_every_slider_position(stored_server, browser, sidebar, page):
    """The dress, the ants and bees and the movie reviews in presenter mode, at every slider
    position (numbers FAKE, from fill_store: the layout is the page's own; each zero-labels step
    is computed): the sentence over draws and each way's test accuracy end within the first
    screen; no card title and no number is cut off; nothing wider than the page. With the sidebar
    open as well (it squeezed the cards), at the first three positions and the last."""
    width, height = browser.size
    seen, walk = [], PAGES[page]
    if sidebar == "open":  # what the open sidebar squeezes: the first steps and the longest numbers
        walk = walk[:3] + walk[-1:]
    for n in walk:
        browser.get(f"{stored_server}/{page}?present=1&n_per_class={n}&seed=0")
        settled(browser, f"{page} at {n} per class")
        if sidebar == "open":  # (the browser remembers an opened sidebar across loads)
            for button in browser.find_elements(By.CSS_SELECTOR, '[data-testid="stExpandSidebarButton"]'):
                button.click()
                time.sleep(1.5)  # its slide-in animation
            side = browser.find_element(By.CSS_SELECTOR, '[data-testid="stSidebar"]').rect
            assert side["x"] >= 0 and side["width"] > 100, f"the sidebar did not open: {side}"
        shown = first_screen(browser)
        seen.append((n, max(shown["vals"] or [0]), max(shown["sentence"] or [0])))
        # photos: one card at 0 (no labels), three at 1, four from 2 per class on (fine-tuning);
        # reviews: no labels alone at 0, then five ways and the no-labels reference
        cards = (1 if n == 0 else 6) if page == "sentiment" else (1 if n == 0 else 3 if n == 1 else 4)
        assert len(shown["vals"]) == cards, (n, shown)
        assert shown["sentence"] or n == 0, f"no sentence over draws at {n} per class"
        assert max(shown["vals"] + shown["sentence"]) <= height, (width, height, n, shown)
        assert not shown["cutTitles"] and not shown["cutNumbers"] and not shown["cutLinks"], (n, shown)
        assert shown["wide"] <= width, (n, shown)
    print(f"{page}, {width} x {height}, sidebar {sidebar}: (position, lowest accuracy, sentence) bottoms {seen}")


def test_the_seed_is_on_the_page_in_presenter_mode(stored_server, browser):
    """The sidebar is closed in presenter mode; the seed sits beside "About this page"."""
    browser.get(f"{stored_server}/dress_colour?present=1&n_per_class=4&seed=0")
    settled(browser, "the dress")
    [box] = browser.find_elements(By.CSS_SELECTOR, '[data-testid="stMain"] .st-key-seed input')
    assert box.is_displayed()
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys("3", Keys.ENTER)
    deadline = time.time() + 60
    while time.time() < deadline and "seed=3" not in browser.current_url:
        time.sleep(0.3)
    assert "seed=3" in browser.current_url
    settled(browser, "the dress at seed 3")
    assert "(seed 3)" in browser.find_element(By.TAG_NAME, "body").text
