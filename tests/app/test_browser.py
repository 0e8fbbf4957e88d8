"""One real browser: headless Debian Chromium opens the app served by ``streamlit run`` on a
free port, goes to the top debtor and saves a screenshot. Under CI a missing browser fails."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.app.conftest import MAIN

CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def browser(profile: Path):  # -> selenium WebDriver
    """Headless Chromium driven by the system chromedriver (selenium-manager never runs)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--window-size=1400,2200",
                f"--user-data-dir={profile}"):
        options.add_argument(arg)
    return webdriver.Chrome(service=Service(executable_path=DRIVER), options=options)


def serve(store: Path, port: int) -> subprocess.Popen:
    """``streamlit run`` the app on ``port`` against ``store``."""
    env = {**os.environ, "CLAWBACK_STORE": str(store), "SE_MANAGER_PATH": "/bin/false"}
    env.pop("CLAWBACK_NEO4J_URI", None)
    return subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", MAIN, "--server.headless=true",
         f"--server.port={port}", "--server.address=127.0.0.1",
         "--browser.gatherUsageStats=false"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _wait_for(driver, text: str, timeout: float = 90.0) -> None:
    from selenium.webdriver.common.by import By

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if text in driver.find_element(By.TAG_NAME, "body").text:
            return
        time.sleep(0.5)
    raise AssertionError(f"{text!r} never appeared on {driver.current_url}")


def test_top_debtor_in_a_real_browser(scenario_store, tmp_path):
    if not (Path(CHROMIUM).exists() and Path(DRIVER).exists()):
        if CI:
            pytest.fail(f"{CHROMIUM} or {DRIVER} is missing (apt-get install chromium "
                        "chromium-driver)")
        pytest.skip("no chromium/chromedriver on this machine")
    from selenium.webdriver.common.by import By

    from clawback.algorithms.results import load_result, results_dir

    top = load_result(results_dir(scenario_store)).scores.iloc[0]
    port = _free_port()
    server = serve(scenario_store, port)
    driver = None
    try:
        driver = browser(tmp_path / "profile")
        driver.get(f"http://127.0.0.1:{port}/?lang=en")
        _wait_for(driver, "Who to pursue first")
        _wait_for(driver, "Open the top debtor")
        driver.find_element(By.XPATH, "//a[contains(., 'Open the top debtor')]").click()
        _wait_for(driver, "Score waterfall")
        _wait_for(driver, str(top["case_id"]))
        assert "/debtor" in driver.current_url
        shot = tmp_path / "top-debtor.png"
        assert driver.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
    finally:
        if driver is not None:
            driver.quit()
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
