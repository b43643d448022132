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
pytestmark = pytest.mark.skipif(not (os.path.exists(CHROMIUM) and os.path.exists(DRIVER)),
                                reason="chromium and chromedriver are not installed (CI installs them)")
selenium = pytest.importorskip("selenium")
from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.common.exceptions import StaleElementReferenceException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


@pytest.fixture(scope="module")
def app_url():
    proc, url = serve.start(timeout=None)  # no time limit in tests: it answers or it dies
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


def wait_text(drv, text):
    """Wait (without a limit we choose: the page decides) until `text` is on the page."""
    WebDriverWait(drv, 10 ** 6, poll_frequency=0.5, ignored_exceptions=(StaleElementReferenceException,)).until(lambda d: text in d.find_element(By.TAG_NAME, "body").text)


def wait_idle(drv):
    """Until the app has stopped running (its status widget, with the Stop button, is gone)."""
    WebDriverWait(drv, 10 ** 6, poll_frequency=0.5, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: not d.find_elements(By.CSS_SELECTOR, '[data-testid="stStatusWidget"]'))


def upload(drv, index, paths):
    """Send files to the index-th file input on the page (inputs re-render after each upload)."""
    WebDriverWait(drv, 10 ** 6).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "input[type=file]")) > index)
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

    next(b for b in driver.find_elements(By.TAG_NAME, "button") if b.text == "Train every way").click()
    wait_text(driver, "Confusion matrices")
    wait_idle(driver)
    body = driver.find_element(By.TAG_NAME, "body").text
    assert body.count("Test accuracy\n") == 4 and body.count("Trained weights\n") == 4  # per way
    assert body.count("labeled examples per class, ") == 2   # the verdicts: transfer, fine-tuned vs scratch
    # The head is exported after the charts; a generous bound so a missing button fails, not hangs.
    WebDriverWait(driver, 600, poll_frequency=0.5, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: "Download the transfer head" in d.find_element(By.TAG_NAME, "body").text,
        "no 'Download the transfer head' button after training")
    assert not driver.find_elements(By.CSS_SELECTOR, '[data-testid="stException"]')
