"""One real browser: headless Debian Chromium opens the app served by ``streamlit run`` on a
free port, goes to the top debtor and saves a screenshot. Under CI a missing browser fails."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.app.browser import CHROMIUM, DRIVER, browser, free_port, serve, stop, wait_for

CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def test_top_debtor_in_a_real_browser(scenario_store, tmp_path):
    if not (Path(CHROMIUM).exists() and Path(DRIVER).exists()):
        if CI:
            pytest.fail(f"{CHROMIUM} or {DRIVER} is missing (apt-get install chromium "
                        "chromium-driver)")
        pytest.skip("no chromium/chromedriver on this machine")
    from selenium.webdriver.common.by import By

    from clawback.algorithms.results import load_result, results_dir

    top = load_result(results_dir(scenario_store)).scores.iloc[0]
    port = free_port()
    server = serve(scenario_store, port)
    driver = None
    try:
        driver = browser(tmp_path / "profile", 1400, 2200)
        driver.get(f"http://127.0.0.1:{port}/?lang=en")
        wait_for(driver, "Who to pursue first")
        wait_for(driver, "Open the top debtor")
        driver.find_element(By.XPATH, "//a[contains(., 'Open the top debtor')]").click()
        wait_for(driver, "Score waterfall")
        wait_for(driver, str(top["case_id"]))
        wait_for(driver, "Evidence bundle")
        assert "/debtor" in driver.current_url
        shot = tmp_path / "top-debtor.png"
        assert driver.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
    finally:
        if driver is not None:
            driver.quit()
        stop(server)
