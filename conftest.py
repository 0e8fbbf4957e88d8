"""Repository-wide pytest configuration."""

from __future__ import annotations

import os

import pytest

# Streamlit page scripts run top to bottom when imported: AppTest runs them, doctest must not.
collect_ignore_glob = ["clawback/app/main.py", "clawback/app/pages/*.py"]

_skipped: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and not hasattr(report, "wasxfail"):
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Under CI a skipped test is a failure: a missing service must never pass silently."""
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"} and _skipped:
        print(f"\nCI: {len(_skipped)} test(s) skipped, which CI does not allow:")
        for nodeid in _skipped:
            print(f"  {nodeid}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
