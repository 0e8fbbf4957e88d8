"""Run a piece of the scoring in a forked child process while this process goes on.

The signals are single-threaded pandas and numpy; on a two-core machine the second core sat
idle for the three quarters of a minute they take at 10M transfers. A forked child inherits the
whole scoring context without a copy (the frames are Arrow and numpy buffers that neither
process writes, so their pages stay shared) and runs some of the signals while the parent runs
the others. Its result comes back pickled through a file in a temporary directory.

Anything that goes wrong in the child — an exception, the child killed (out of memory), no
``fork`` on this platform — makes :meth:`Forked.result` raise :class:`ForkFailed`; the caller
then does the work itself, so the outcome never depends on whether the fork worked.
"""

from __future__ import annotations

import gc
import logging
import os
import pickle
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar

from clawback.algorithms.arrays import release_free_memory

__all__ = ["ForkFailed", "Forked", "fork_available"]

T = TypeVar("T")
_log = logging.getLogger(__name__)


class ForkFailed(RuntimeError):
    """The child did not deliver its result; the message says why."""


def fork_available() -> bool:
    """Linux only: macOS's system libraries are not fork-safe once threads have run (Python's
    own multiprocessing no longer forks there), and Windows has no fork."""
    return hasattr(os, "fork") and sys.platform.startswith("linux")


class Forked(Generic[T]):
    """``work()`` running in a forked child; :meth:`result` waits for it."""

    def __init__(self, work: Callable[[], T]):
        if not fork_available():
            raise ForkFailed("this platform has no fork")
        self._dir = Path(tempfile.mkdtemp(prefix="clawback-fork-"))
        self._file = self._dir / "result.pickle"
        sys.stdout.flush()
        sys.stderr.flush()
        release_free_memory()
        # the child's garbage collector would write to every object it inherits (copying
        # their pages): the objects alive now are left out of its collections
        gc.freeze()
        try:
            pid = os.fork()
        except OSError as e:
            gc.unfreeze()
            shutil.rmtree(self._dir, ignore_errors=True)
            raise ForkFailed(f"fork: {e}") from e
        if pid != 0:
            gc.unfreeze()
        if pid == 0:                                        # the child
            code = 1
            try:
                outcome: tuple[str, object] = ("ok", work())
            except BaseException:               # reported to the parent
                outcome = ("error", traceback.format_exc())
            try:
                with open(self._file, "wb") as f:
                    pickle.dump(outcome, f, protocol=pickle.HIGHEST_PROTOCOL)
                code = 0
            finally:
                os._exit(code)                  # no atexit, no parent's buffers flushed twice
        self._pid = pid

    def result(self, timeout: float | None = None) -> T:
        """The child's return value; :class:`ForkFailed` if it raised, died or, given a
        ``timeout`` (seconds), is still running then (it is killed: a lock some other thread
        of the parent held at the fork, e.g. a progress bar's, can stall a child for good)."""
        try:
            status = self._wait(timeout)
            if status is None:
                self.stop()
                raise ForkFailed(f"the child process took more than {timeout:.0f} s")
            if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0 or \
                    not self._file.exists():
                how = (f"killed by signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status)
                       else f"exit status {os.waitstatus_to_exitcode(status)}")
                raise ForkFailed(f"the child process ended without a result ({how})")
            with open(self._file, "rb") as f:
                kind, value = pickle.load(f)
            if kind != "ok":
                raise ForkFailed(f"the child process failed:\n{value}")
            return value
        finally:
            shutil.rmtree(self._dir, ignore_errors=True)

    def _wait(self, timeout: float | None) -> int | None:
        if timeout is None:
            return os.waitpid(self._pid, 0)[1]
        deadline = time.monotonic() + timeout
        while True:
            pid, status = os.waitpid(self._pid, os.WNOHANG)
            if pid:
                return status
            if time.monotonic() >= deadline:
                return None
            time.sleep(0.02)

    def stop(self) -> None:
        """Kill the child (the parent failed and will not read its result)."""
        try:
            os.kill(self._pid, 9)
            os.waitpid(self._pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        shutil.rmtree(self._dir, ignore_errors=True)
