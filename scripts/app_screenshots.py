"""Screenshots of the app's main pages in both languages, for docs/.

    .venv/bin/python scripts/app_screenshots.py [--store PATH] [--out docs/img]

Serves the app with ``streamlit run`` on a free port against ``--store`` (default: a demo
store built here with ``clawback demo --size 300 --no-app`` in a temporary folder), drives
headless Debian Chromium (/usr/bin/chromium, /usr/bin/chromedriver; nothing downloaded)
through Portfolio, Debtor (the top case; its graph in a second shot), Communities and
Queries in zh and en, and saves ``app-{page}-{lang}.png`` in ``--out``. Each shot waits
until the page's title shows and the app has stopped running.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.app.browser import browser, free_port, serve, stop, wait_for, wait_idle  # noqa: E402

# page url path -> the text that shows once it has rendered, per language
PAGES = {
    "portfolio": {"zh": "优先追索对象", "en": "Who to pursue first"},
    "debtor": {"zh": "证据包", "en": "Evidence bundle"},
    "communities": {"zh": "成员", "en": "Members"},
    "queries": {"zh": "只读", "en": "Read-only Cypher console"},
}


def demo_store(tmp: Path) -> Path:
    """A scored 300-case demo store under ``tmp`` (``clawback demo --no-app``)."""
    store = tmp / "store"
    subprocess.run([sys.executable, "-m", "clawback.cli", "demo", "--size", "300", "--no-app",
                    "--out", str(tmp / "portfolio"), "--store", str(store)],
                   check=True, cwd=tmp, stdout=subprocess.DEVNULL)
    return store


def top_case(store: Path) -> str:
    """The top-ranked case of the store's saved scores."""
    from clawback.algorithms.results import load_result, results_dir

    result = load_result(results_dir(store))
    if result is None:
        raise SystemExit(f"{store} has no saved scores: run clawback score --store {store}")
    return str(result.scores.sort_values("rank").iloc[0]["case_id"])


def shoot(store: Path, out: Path, work: Path) -> list[Path]:
    """Every page in both languages; returns the files written."""
    from selenium.webdriver.common.by import By

    case = top_case(store)
    port = free_port()
    server = serve(store, port)
    driver = None
    written = []
    try:
        driver = browser(work / "profile", 1400, 1000)
        for lang in ("zh", "en"):
            for page, marker in PAGES.items():
                query = f"?lang={lang}" + (f"&case={case}" if page != "portfolio" else "")
                path_part = "" if page == "portfolio" else page   # the default page is /
                driver.get(f"http://127.0.0.1:{port}/{path_part}{query}")
                wait_for(driver, marker[lang], timeout=180)
                wait_idle(driver, settle=3.0 if page == "debtor" else 1.5)
                path = out / f"app-{page}-{lang}.png"
                driver.save_screenshot(str(path))
                written.append(path)
                print(path, flush=True)
                if page == "debtor":   # and the family–money–company graph, further down
                    frame = driver.find_element(By.TAG_NAME, "iframe")
                    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})",
                                          frame)
                    wait_idle(driver, settle=3.0)
                    path = out / f"app-debtor-graph-{lang}.png"
                    driver.save_screenshot(str(path))
                    written.append(path)
                    print(path, flush=True)
    finally:
        if driver is not None:
            driver.quit()
        stop(server)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, help="a scored embedded store (default: a demo "
                                                   "store built in a temporary folder)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="clawback-shots-") as tmp:
        store = args.store.resolve() if args.store else demo_store(Path(tmp))
        shoot(store, args.out, Path(tmp))


if __name__ == "__main__":
    main()
