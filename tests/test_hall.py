"""A lecture hall in the suite: two replicas of the app behind HAProxy, started by the same code
as `python scripts/hall.py`, on loopback, in a real headless Chromium.

- Stickiness: the dress page's photos (st.image, kept in the memory of the replica that ran
  the page and served at /media/...) load through the balancer with the session's cookie, and
  the other replica does not have them.
- Failover: the replica holding the session is killed; the page comes back through the
  balancer from the other replica, with the settings of its URL and the same numbers, and again
  after a reload.
- One cluster: every replica computes on the hall's Dask cluster (TRANSFER_LAB_SCHEDULER), whose
  dashboard answers, and a job is trained once and stored in the hall's cache folder.
- The hall stops every process it started, its cluster included.

Needs Debian's haproxy (and chromium, chromium-driver, like tests/test_browser.py); .ci/run
installs them.
"""
import importlib.util
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # HAProxy, real Chromium, replicas and a Dask cluster

ROOT = Path(__file__).resolve().parents[1]
FAILOVER_TIMEOUT_S = 180  # bounded wait for the page to come back from the other replica
VIEW = "/dress_colour?n_per_class=2&seed=0"  # 2 photos per class: quick to train on a cold cache


def _hall_script():
    spec = importlib.util.spec_from_file_location("hall", ROOT / "scripts" / "hall.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


hall_script = _hall_script()
if hall_script.haproxy_binary() is None:
    pytest.skip("haproxy is not installed (apt-get install haproxy); .ci/run installs it",
                allow_module_level=True)

from test_browser import accuracies, browser, problems, wait_rendered  # noqa: E402,F401 (browser: a fixture)
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402


@pytest.fixture(scope="module")
def hall(tmp_path_factory):
    h = hall_script.Hall(replicas=2, workers=1, cache=tmp_path_factory.mktemp("hall-cache"),
                         env={"TRANSFER_LAB_OFFLINE": "1", "HF_HUB_OFFLINE": "1", "TRANSFER_LAB_WARMUP": "0"})
    h.start()
    yield h
    h.stop()


def _replica_of(drv) -> str:
    cookie = drv.get_cookie(hall_script.COOKIE)
    assert cookie, "the balancer set no stickiness cookie"
    return cookie["value"]


def _media_urls(drv) -> list[str]:
    return [img.get_attribute("src") for img in drv.find_elements(By.CSS_SELECTOR, '[data-testid="stImage"] img')
            if "/media/" in (img.get_attribute("src") or "")]


def _status(url: str, replica: str) -> int:
    """HTTP status of `url` through the balancer for a request carrying `replica`'s cookie."""
    req = urllib.request.Request(url, headers={"Cookie": f"{hall_script.COOKIE}={replica}"})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            r.read()
            return r.status
    except urllib.error.HTTPError as err:
        return err.code


def hall_problems(drv, hall) -> list[str]:
    """Exceptions on the page, and browser console errors about the hall's own address (a
    websocket or media file the balancer failed to serve). Resources from elsewhere are
    tests/test_browser.py's concern."""
    return [p for p in problems(drv) if not p.startswith(("http://", "https://")) or p.startswith(hall.url)]


def test_a_session_and_its_media_stick_to_one_replica(hall, browser):
    browser.get(hall.url + VIEW)
    wait_rendered(browser, "the dress page through the balancer")
    seen = hall_problems(browser, hall)
    assert not seen, seen
    holder = _replica_of(browser)
    assert holder in {"r1", "r2"}
    media = _media_urls(browser)
    assert media, "the dress page showed no sample photos"
    assert all(u.startswith(hall.url + "/media/") for u in media), media
    # the browser drew every photo, each fetched through the balancer with the session's cookie
    drawn = browser.execute_script(
        "return Array.from(document.querySelectorAll('[data-testid=\"stImage\"] img'))"
        ".map(i => i.complete && i.naturalWidth > 0)")
    assert drawn and all(drawn), drawn
    # and the cookie is what makes that work: only the replica that ran the page has the files
    other = "r2" if holder == "r1" else "r1"
    assert _status(media[0], holder) == 200
    assert _status(media[0], other) == 404


def test_every_replica_computes_on_the_hall_s_one_cluster(hall, browser):
    # before the failover test, which kills a replica
    from distributed import Client
    from lib.engine import COMPUTED
    with urllib.request.urlopen(hall.dashboard, timeout=10) as r:  # what the hall prints for its runner
        assert r.status == 200
    for seed, r in enumerate(hall.replicas):  # a view of its own each: a stored one needs no cluster
        browser.get(f"http://{r.host}:{r.port}/dress_colour?n_per_class=1&seed={seed + 5}")
        wait_rendered(browser, f"the dress page on {r.name}")
        assert not problems(browser), problems(browser)
    with Client(hall.scheduler, set_as_default=False, timeout="30s") as client:
        clients = client.run_on_scheduler(lambda dask_scheduler: list(dask_scheduler.clients))
        # in this order: a job said "computed" as it started, so by the next look it is either
        # still processing (the pages' draws and profiles go on behind them) or stored
        computed = [msg["key"] for _, msg in client.get_events(COMPUTED)]
        running = client.run_on_scheduler(lambda dask_scheduler: [
            str(k).split("-", 1)[1] for k, ts in dask_scheduler.tasks.items() if ts.state == "processing"])
    # fire-and-forget, this test's client, and one per replica: none fell back to a cluster of its own
    assert len(clients) >= 2 + len(hall.replicas), clients
    assert computed and len(computed) == len(set(computed)), computed  # each job trained once
    stored = {p.name for p in hall.cache.rglob("*")}
    missing = [key for key in computed if key not in stored and key not in running]
    assert not missing, missing  # stored in the hall's folder, where every replica finds it


def _move_slider_right(drv) -> None:
    """One step right on the dress page's data-size slider (its thumb takes arrow keys)."""
    thumb = drv.find_element(By.CSS_SELECTOR, '.st-key-n_per_class [role="slider"], '
                                              '.st-key-n_per_class input[type="range"]')
    drv.execute_script("arguments[0].focus()", thumb)
    ActionChains(drv).send_keys(Keys.ARROW_RIGHT).perform()


def test_a_lost_replica_sends_its_session_to_the_other_with_the_same_view(hall, browser):
    # The harder case: the attendee opened the page and has not touched it since. Streamlit's
    # frontend reruns a page after a reconnect only when its last run was a fragment run or
    # unfinished, or the page has an auto-rerunning fragment (app.py draws an empty one,
    # ui/state.py): without it this page kept its old results and dropped the next slider moves.
    browser.get(hall.url + VIEW)
    wait_rendered(browser, "the dress page through the balancer")
    holder = _replica_of(browser)
    other = "r2" if holder == "r1" else "r1"
    url, before, media = browser.current_url, accuracies(browser), _media_urls(browser)
    assert "n_per_class=2" in url and "seed=0" in url, url
    assert len(before) >= 2, f"expected the ways' test accuracy, saw {before}"

    hall.kill_replica(holder)
    # the frontend reconnects by itself; HAProxy redispatches it and rewrites the cookie
    deadline = time.time() + FAILOVER_TIMEOUT_S
    while time.time() < deadline and (browser.get_cookie(hall_script.COOKIE) or {}).get("value") != other:
        time.sleep(0.5)
    assert _replica_of(browser) == other, "the session was not moved to the other replica"
    while time.time() < deadline and _status(media[0], other) != 200:  # the page ran there
        time.sleep(0.5)
    assert _status(media[0], other) == 200, "the other replica never ran the page for this session"
    wait_rendered(browser, "the dress page after its replica was killed")
    seen = hall_problems(browser, hall)
    assert not seen, seen
    assert browser.current_url == url
    assert accuracies(browser) == before, "the view came back with other numbers"

    # the slider answers on the new replica (2 -> 4 per class)
    _move_slider_right(browser)
    deadline = time.time() + FAILOVER_TIMEOUT_S
    while time.time() < deadline and "n_per_class=4" not in browser.current_url:
        time.sleep(0.5)
    assert "n_per_class=4" in browser.current_url, "a slider move after the failover was dropped"
    wait_rendered(browser, "the dress page after moving the slider on the new replica")
    after = accuracies(browser)
    assert len(after) >= 2, f"expected the ways' test accuracy at 4 per class, saw {after}"
    seen = hall_problems(browser, hall)
    assert not seen, seen

    # a reload goes through the balancer to the replica still up, and the URL gives the view
    url = browser.current_url
    browser.refresh()
    wait_rendered(browser, "the dress page reloaded after the failover")
    assert _replica_of(browser) == other
    seen = hall_problems(browser, hall)
    assert not seen, seen
    assert browser.current_url == url
    assert accuracies(browser) == after


def _groups_alive(pgids) -> list[str]:
    alive = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) in pgids and fields[0] != "Z":
            alive.append(f"pid {stat.parent.name} in group {fields[2]}")
    return alive


def test_the_hall_stops_everything_it_started(hall):
    groups = set(hall.pids())
    assert len(groups) == 4  # haproxy, two replicas and the Dask cluster, each leading its own process group
    hall.stop()
    assert _groups_alive(groups) == []
    for port in [hall.port, *(r.port for r in hall.replicas)]:
        with pytest.raises(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)
    assert not hall.workdir.exists()  # its config, socket and logs went with it
