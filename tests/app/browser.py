"""Helpers shared by the real-browser test and scripts/app_screenshots.py: serve the app with
``streamlit run`` on a free port, drive headless Debian Chromium through the system
chromedriver (selenium-manager never runs, nothing is downloaded), wait for text."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

__all__ = ["CHROMIUM", "DRIVER", "MAIN", "browser", "free_port", "serve", "stop",
           "wait_for", "wait_idle"]

MAIN = str(Path(__file__).resolve().parents[2] / "clawback" / "app" / "main.py")
CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"


def free_port() -> int:
    """A TCP port free on the loopback interface right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def browser(profile: Path, width: int = 1400, height: int = 1000) -> Any:
    """Headless Chromium (a fresh profile in ``profile``) driven by /usr/bin/chromedriver."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", f"--window-size={width},{height}",
                f"--user-data-dir={profile}"):
        options.add_argument(arg)
    os.environ["SE_MANAGER_PATH"] = "/bin/false"    # never let selenium fetch a driver
    return webdriver.Chrome(service=Service(executable_path=DRIVER), options=options)


def serve(store: Path, port: int, timeout: float = 60.0) -> subprocess.Popen[bytes]:
    """``streamlit run`` the app on 127.0.0.1:``port`` against the embedded ``store``; returns
    once the server answers its health check (RuntimeError naming the port otherwise)."""
    env = {**os.environ, "CLAWBACK_STORE": str(store), "SE_MANAGER_PATH": "/bin/false"}
    env.pop("CLAWBACK_NEO4J_URI", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", MAIN, "--server.headless=true",
         f"--server.port={port}", "--server.address=127.0.0.1",
         "--browser.gatherUsageStats=false"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with status {proc.returncode} on port {port}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return proc
        except OSError:
            time.sleep(0.3)
    stop(proc)
    raise RuntimeError(f"the app did not answer on port {port} within {timeout:.0f} s")


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop a server started by :func:`serve`."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def wait_for(driver: Any, text: str, timeout: float = 90.0) -> None:
    """Wait until ``text`` shows in the page (AssertionError naming it and the URL)."""
    from selenium.webdriver.common.by import By

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if text in driver.find_element(By.TAG_NAME, "body").text:
            return
        time.sleep(0.5)
    raise AssertionError(f"{text!r} never appeared on {driver.current_url}")


def wait_idle(driver: Any, timeout: float = 60.0, settle: float = 1.5) -> None:
    """Wait until Streamlit stops running the script (no status widget, no spinner) and give
    charts and the graph ``settle`` seconds to draw."""
    from selenium.webdriver.common.by import By

    end = time.monotonic() + timeout
    quiet = 0
    while time.monotonic() < end:
        busy = driver.find_elements(By.CSS_SELECTOR, '[data-testid="stStatusWidget"], '
                                                     '[data-testid="stSpinner"]')
        quiet = quiet + 1 if not busy else 0
        if quiet >= 3:
            break
        time.sleep(0.4)
    time.sleep(settle)
