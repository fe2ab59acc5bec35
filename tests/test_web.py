"""The one-tap triage page in a real headless browser (Debian's chromium + chromedriver via
selenium), with the signed links taken from real alert messages (apprise -> aiosmtpd / SMS stand-in)."""

from __future__ import annotations

import os
import threading
from datetime import timedelta
from pathlib import Path

import pytest
import requests

from monitor import actions, store
from monitor.pipeline import run_cycle
from monitor.web import App, make_server

from .conftest import NOW, _free_port, parts
from .test_alerting import CRISIS, complaint, setup
from .test_alerting import sms  # noqa: F401 (fixture)

CHROMIUM, DRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
PHONE, DESKTOP = (390, 844), (1280, 900)


@pytest.fixture(scope="module")
def browser():
    if not (CHROMIUM.exists() and DRIVER.exists()):
        message = "chromium and chromium-driver are not installed (make test installs them as root: apt-get)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    opts = Options()
    opts.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--force-device-scale-factor=1"):
        opts.add_argument(arg)
    driver = webdriver.Chrome(service=Service(str(DRIVER)), options=opts)
    driver.set_page_load_timeout(20)
    yield driver
    driver.quit()


@pytest.fixture
def site(httpserver, make_config, smtp, sms):
    """A run that sent a crisis and a complaint (with hostile markup) and a server for their links."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    nasty = complaint(1, headline="Parents say New Baby Network ignored them " + XSS)
    box = [[CRISIS, nasty]]
    cfg, db_path = setup(httpserver, make_config, smtp, sms, box, settings={"public_url": base})
    run_cycle(cfg, db_path, now=NOW)
    db = store.open_db(db_path)  # the feed parser already strips markup; the page must not rely on that
    db.execute("update mentions set title = ?, snippet = ? where id = 2",
               ["Parents say New Baby Network ignored them " + XSS, "They said " + XSS])
    db.conn.commit()
    db.close()
    clock = {"now": NOW + timedelta(minutes=10)}
    server = make_server(App(cfg, db_path, clock=lambda: clock["now"]), "127.0.0.1", port)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {"base": base, "db_path": db_path, "cfg": cfg, "smtp": smtp, "sms": sms, "clock": clock}
    server.shutdown()
    server.server_close()


def link_in(text: str) -> str:
    import re

    return re.search(r"http://127\.0\.0\.1:\d+/a/\d+\?e=\d+&s=[0-9a-f]+", text).group(0)


def test_phone_acknowledge_with_a_note_then_desktop_wrong_level(browser, site, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.support.ui import Select, WebDriverWait

    def page_after_click(needle: str) -> str:
        """The body text once the page a click leads to has loaded and shows ``needle`` (a form
        post navigates: reading at once may find the old page going away or no body yet)."""
        def shown(b):
            try:
                text = b.find_element(By.TAG_NAME, "body").text
            except (NoSuchElementException, StaleElementReferenceException):
                return False
            return text if needle in text else False
        try:
            return WebDriverWait(browser, 15).until(shown)
        except Exception:
            return browser.find_element(By.TAG_NAME, "body").text  # the assertion below says what was there

    crisis_link = link_in(site["sms"][0]["message"])  # the crisis SMS carries the page link
    email_links = [link_in(parts(m)["text/html"].replace("&amp;", "&")) for m in site["smtp"].messages]
    assert len(email_links) == 2  # every alert email carries one too

    browser.set_window_size(*PHONE)
    browser.get(crisis_link)
    assert browser.current_url == site["base"] + "/a/1"  # the signature leaves the address bar
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "CRISIS" in body and "safeguarding" in body and "keep myself safe" in body
    assert "Report this to the safeguarding lead" in body  # what the policy says
    # Phone width: nothing wider than the screen, buttons big enough to tap.
    assert browser.execute_script("return document.documentElement.scrollWidth") <= PHONE[0]
    ack = browser.find_element(By.ID, "ack")
    assert ack.size["height"] >= 44 and ack.size["width"] >= 300
    shot = tmp_path / "triage-phone.png"  # what a director sees on opening the link
    browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000
    browser.find_element(By.ID, "by").send_keys("Sam")
    browser.find_element(By.ID, "note").send_keys("Ringing her now <b>really</b>")
    ack.click()
    body = page_after_click("Acknowledged. Thank you")
    assert "Acknowledged. Thank you" in body and "acknowledged by Sam (web): Ringing her now <b>really</b>" in body
    db = store.open_db(site["db_path"])
    (row,) = actions.history(db, alert_id=1)
    assert (row["action"], row["by"], row["via"], row["note"]) == ("ack", "Sam", "web", "Ringing her now <b>really</b>")
    assert store.alert(db, 1)["status"] == "acked"

    # The list, newest first; hostile feed text shows as text, never as markup.
    browser.set_window_size(*DESKTOP)
    browser.get(site["base"] + "/")
    cards = browser.find_elements(By.CSS_SELECTOR, ".card")
    assert len(cards) == 2 and "ALERT" in cards[0].text and "CRISIS" in cards[1].text
    assert XSS in cards[0].text
    assert browser.find_elements(By.CSS_SELECTOR, "main img") == []
    cards[0].click()
    assert XSS in page_after_click(XSS)
    main = browser.find_element(By.TAG_NAME, "main")
    assert main.size["width"] <= 860  # readable line length on a desktop
    Select(browser.find_element(By.ID, "level")).select_by_value("watch")
    browser.find_element(By.ID, "wrong_level").click()
    assert "Level corrected" in page_after_click("Level corrected")
    assert db.execute("select corrected_severity from mentions where id = 2").fetchone()[0] == "watch"
    browser.save_screenshot(str(tmp_path / "triage-desktop.png"))
    print(f"screenshots: {shot} {tmp_path / 'triage-desktop.png'}")


def test_forms_refuse_cross_site_posts_and_links_expire(site):
    base = site["base"]
    link = link_in(site["sms"][0]["message"])
    s = requests.Session()
    first = s.get(link, allow_redirects=False)
    assert first.status_code == 303 and "HttpOnly" in first.headers["Set-Cookie"] and "SameSite=Strict" in first.headers["Set-Cookie"]
    page = s.get(base + "/a/1").text
    assert "script-src" not in page and "<script" not in page
    token = page.split('name="csrf" value="')[1].split('"')[0]
    form = {"csrf": token, "action": "resolve"}
    # Another site's form (wrong Origin), no Origin at all, or no token: refused, nothing changes.
    assert s.post(base + "/a/1/act", data=form, headers={"Origin": "https://evil.example"}).status_code == 403
    assert s.post(base + "/a/1/act", data=form).status_code == 403
    assert s.post(base + "/a/1/act", data={"action": "resolve"}, headers={"Origin": base}).status_code == 403
    # Without a session (no link opened), nothing opens.
    assert requests.get(base + "/").status_code == 403
    assert requests.get(base + "/a/1").status_code == 403
    db = store.open_db(site["db_path"])
    assert db["actions"].count == 0
    ok = s.post(base + "/a/1/act", data=form, headers={"Origin": base}, allow_redirects=False)
    assert ok.status_code == 303 and store.alert(db, 1)["status"] == "resolved"
    # A tampered link, and a link past its expiry, are refused with a plain sentence.
    assert "not valid" in requests.get(link[:-1] + ("0" if link[-1] != "0" else "1")).text
    site["clock"]["now"] = NOW + timedelta(days=8)
    late = requests.get(link)
    assert late.status_code == 403 and "expired" in late.text
