"""End to end in a real headless Chromium: files generated here are uploaded through the page's
own <input type=file>, good ones and bad ones, then both ways are trained.

Needs Debian's chromium + chromium-driver and selenium (CI installs them); skipped otherwise.
"""
import os
from pathlib import Path

import pytest

from scripts import serve
from upload_files import blue, red, zipped

CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
pytestmark = [pytest.mark.slow,  # real Chromium against a real server (issue 24: the slow tier)
              pytest.mark.skipif(not (os.path.exists(CHROMIUM) and os.path.exists(DRIVER)),
                                 reason="chromium and chromedriver are not installed (CI installs them)")]
selenium = pytest.importorskip("selenium")
from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


@pytest.fixture(scope="module")
def app_url():
    proc, url = serve.start()  # as test_browser.py: one that never answers fails with its reason
    yield url
    serve.stop(proc)


@pytest.fixture(scope="module")
def driver():
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1400,1000"]:
        opts.add_argument(flag)
    drv = webdriver.Chrome(service=Service(DRIVER), options=opts)
    yield drv
    drv.quit()


WAIT_S = 600  # a bound, not a speed target: a page that never shows what it should fails, with what it showed


def _body(drv) -> str:
    try:
        return drv.find_element(By.TAG_NAME, "body").text
    except StaleElementReferenceException:  # replaced by a rerun while we read it
        return ""


def _until(drv, done, what):
    """Wait until `done(drv)`; fail at once when the page shows an exception, or after WAIT_S
    with what the page showed (a lost upload or a stuck run then fails CI with a reason instead
    of holding it until its own limit)."""
    try:
        WebDriverWait(drv, WAIT_S, poll_frequency=0.5, ignored_exceptions=(StaleElementReferenceException,)).until(
            lambda d: done(d) or d.find_elements(By.CSS_SELECTOR, '[data-testid="stException"]'))
    except TimeoutException:
        pytest.fail(f"{what} not seen after {WAIT_S} s; the page showed:\n{_body(drv)[-2000:]}")
    shown = drv.find_elements(By.CSS_SELECTOR, '[data-testid="stException"]')
    assert not shown, f"waiting for {what}, the page showed an exception: {shown[0].text[:2000]}"


def wait_text(drv, text):
    _until(drv, lambda d: text in _body(d), repr(text))


def wait_idle(drv):
    """Until the app has stopped running (its status widget, with the Stop button, is gone)."""
    _until(drv, lambda d: not d.find_elements(By.CSS_SELECTOR, '[data-testid="stStatusWidget"]'),
           "the end of the run")


def upload(drv, index, paths):
    """Send files to the index-th file input on the page. Each upload renews every uploader (a
    new key, so they come back empty), so wait for the run to end first: files sent to an input
    the run is replacing are lost (seen under load, when the page's text came before its new
    inputs)."""
    wait_idle(drv)
    _until(drv, lambda d: len(d.find_elements(By.CSS_SELECTOR, "input[type=file]")) > index,
           f"file input {index}")
    drv.find_elements(By.CSS_SELECTOR, "input[type=file]")[index].send_keys("\n".join(map(str, paths)))


def write(folder: Path, files: dict) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return [folder / n for n in files]


def test_upload_good_and_bad_files_then_train(app_url, driver, tmp_path):
    driver.get(app_url + "/your_data")
    wait_text(driver, "Your own data")
    upload(driver, 0, write(tmp_path / "red", {f"r{i}.png": red(i) for i in range(5)}))
    wait_text(driver, "5 images")
    upload(driver, 1, write(tmp_path / "blue", {f"b{i}.png": blue(i) for i in range(5)}))
    wait_text(driver, "Train every way")

    # bad files: text renamed .jpg into class 1, an unsafe zip; earlier images stay
    upload(driver, 0, write(tmp_path / "bad", {"notes.jpg": b"shopping list\n" * 10}))
    wait_text(driver, "notes.jpg is not an image Pillow can read")
    upload(driver, 2, write(tmp_path / "zip", {"evil.zip": zipped({"a/x.png": red(9), "../y.png": red(8)})}))
    wait_text(driver, "evil.zip was refused: entry '../y.png' points outside the zip (..).")
    body = driver.find_element(By.TAG_NAME, "body").text
    assert body.count("5 images") == 2

    wait_idle(driver)
    next(b for b in driver.find_elements(By.TAG_NAME, "button") if b.text == "Train every way").click()
    wait_text(driver, "Confusion matrices")
    wait_idle(driver)
    body = driver.find_element(By.TAG_NAME, "body").text
    assert body.count("Test accuracy\n") == 4 and body.count("Trained weights\n") == 4  # per way
    assert body.count("labeled examples per class, ") == 2   # the verdicts: transfer, fine-tuned vs scratch
    wait_text(driver, "Download the transfer head")  # exported after the charts
    assert not driver.find_elements(By.CSS_SELECTOR, '[data-testid="stException"]')
