"""Signals run half in a forked child: the same hits in the same order as one process, and the
same when the child fails in any way."""

from __future__ import annotations

import os

import pandas as pd
import pytest

from clawback.algorithms import signals
from clawback.algorithms.forked import Forked, ForkFailed
from clawback.algorithms.kinship import related_parties
from clawback.algorithms.score import _windows, weights
from tests.algorithms.test_scoring import _load


def test_a_child_gives_back_its_value():
    big = pd.DataFrame({"a": range(100_000)})
    assert Forked(lambda: big["a"].sum() + 1).result() == int(big["a"].sum()) + 1


def test_a_child_that_raises_says_why():
    def boom():
        raise ValueError("bad thing")

    with pytest.raises(ForkFailed, match="ValueError: bad thing"):
        Forked(boom).result()


def test_a_child_that_dies_or_cannot_pickle_is_a_failure():
    with pytest.raises(ForkFailed, match="killed by signal 9"):
        Forked(lambda: os.kill(os.getpid(), 9)).result()
    with pytest.raises(ForkFailed, match="without a result"):
        Forked(lambda: (lambda: None)).result()         # a lambda does not pickle


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return _load(tmp_path_factory.mktemp("forked"))


def _context(data):
    return signals.build_context(data, related_parties(data),
                                 _windows(data.cases, int(weights()["window_cap_years"])),
                                 {"seed": 7})


@pytest.fixture(scope="module")
def alone(data):
    ctx = _context(data)
    return signals.run_signals(ctx, parallel=False), ctx.cache


def test_parallel_signals_give_what_one_process_gives(data, alone):
    hits, cache = alone
    ctx = _context(data)
    got = signals.run_signals(ctx, parallel=True)
    assert set(got["signal"]) >= {"S01", "S08", "S12", "S13", "S14"}
    pd.testing.assert_frame_equal(got, hits, check_exact=True)
    for key in ("beyond_support", "debtor_outflows", "enablers"):   # what S15 reads
        assert key in ctx.cache
        pd.testing.assert_frame_equal(ctx.cache[key], cache[key])


@pytest.mark.parametrize("how", ["raise", "die"])
def test_a_failed_child_has_its_signals_run_here(data, alone, monkeypatch, caplog, how):
    parent = os.getpid()
    real = signals.SIGNALS["S12"]

    def flaky(ctx):
        if os.getpid() != parent:
            if how == "die":
                os._exit(3)
            raise RuntimeError("only in the child")
        return real(ctx)

    monkeypatch.setitem(signals.SIGNALS, "S12", flaky)
    got = signals.run_signals(_context(data), parallel=True)
    pd.testing.assert_frame_equal(got, alone[0], check_exact=True)
    assert "running its signals here" in caplog.text
    assert ("only in the child" if how == "raise" else "exit status 3") in caplog.text


def test_a_child_that_hangs_is_killed_and_its_signals_run_here(data, alone, monkeypatch,
                                                                caplog):
    import time

    parent = os.getpid()
    real = signals.SIGNALS["S12"]

    def stuck(ctx):
        if os.getpid() != parent:
            time.sleep(3600)
        return real(ctx)

    monkeypatch.setitem(signals.SIGNALS, "S12", stuck)
    monkeypatch.setattr(signals, "CHILD_TIMEOUT_S", 1.0)
    began = time.monotonic()
    got = signals.run_signals(_context(data), parallel=True)
    assert time.monotonic() - began < 60
    pd.testing.assert_frame_equal(got, alone[0], check_exact=True)
    assert "took more than" in caplog.text
