"""The tamper-evident audit log: one JSON line per bundle export or query run, hash-chained.

Each entry holds ``seq`` (1, 2, ...), ``time`` (UTC, ISO 8601), ``actor`` (``$CLAWBACK_USER``
or the OS user), ``action``, ``target``, ``parameters``, ``result_hash``, ``prev_hash`` (the
previous entry's ``entry_hash``; 64 zeros for the first) and ``entry_hash``: the SHA-256 of the
canonical JSON (sorted keys, no spaces, UTF-8) of the entry without ``entry_hash``. Editing an
entry breaks its hash; removing or reordering entries breaks ``seq`` and the chain. Removing
entries from the end is caught against the head file (``audit.head``: last seq and hash,
rewritten on each append) or against a head hash recorded elsewhere (``verify(expect_head=)``).

>>> import tempfile, pathlib
>>> log = AuditLog(pathlib.Path(tempfile.mkdtemp()) / "audit.jsonl")
>>> _ = log.append(action="bundle", target="K01", parameters={"lang": "en"}, result_hash="ab")
>>> log.verify().ok
True
"""

from __future__ import annotations

import datetime as dt
import fcntl
import getpass
import hashlib
import json
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clawback.algorithms.results import results_dir
from clawback.errors import ClawbackError
from clawback.evidence.manifest import canonical_json

__all__ = ["GENESIS", "AuditLog", "AuditReport", "actor", "audited", "default_audit_log"]

GENESIS = "0" * 64
FIELDS = ("seq", "time", "actor", "action", "target", "parameters", "result_hash", "prev_hash",
          "entry_hash")


def actor() -> str:
    """Who acts: ``$CLAWBACK_USER``, else the OS user name."""
    name = os.environ.get("CLAWBACK_USER")
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid:{os.getuid()}"


def default_audit_log(store_path: str | Path, neo4j: str | None = None,
                      database: str | None = None) -> AuditLog:
    """The audit log of a store: ``STORE/audit/audit.jsonl`` for the embedded store; for a
    Neo4j server ``audit/audit.jsonl`` beside its results directory
    (``.clawback/results/<server>`` → ``.clawback/audit/<server>/audit.jsonl``)."""
    if not neo4j:
        return AuditLog(Path(store_path) / "audit" / "audit.jsonl")
    results = results_dir(store_path, neo4j, database)
    return AuditLog(results.parent.parent / "audit" / results.name / "audit.jsonl")


def _entry_hash(entry: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical_json({k: v for k, v in entry.items()
                                          if k != "entry_hash"})).hexdigest()


@dataclass
class AuditReport:
    """The outcome of :meth:`AuditLog.verify`: entries checked, the head, and every problem
    found (each naming the seq or line)."""

    entries: int
    head: str
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no problem was found."""
        return not self.problems


class AuditLog:
    """An append-only, hash-chained JSON-lines log at ``path`` (created on first append)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.head_path = self.path.with_suffix(".head")

    def __repr__(self) -> str:
        return f"AuditLog({str(self.path)!r})"

    def entries(self) -> list[dict[str, Any]]:
        """The entries as written (ClawbackError naming the line of one that is not JSON)."""
        if not self.path.exists():
            return []
        out = []
        with self.path.open(encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    out.append(json.loads(line))
                except json.JSONDecodeError as e:
                    raise ClawbackError(f"{self.path} line {n} is not JSON: {e}") from e
        return out

    def append(self, *, action: str, target: str, parameters: Mapping[str, Any] | None = None,
               result_hash: str = "", time: dt.datetime | None = None) -> dict[str, Any]:
        """Append one entry (under an exclusive lock, so concurrent writers keep the chain) and
        return it. ``parameters`` must be JSON-serializable."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        when = (time or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
        with self.path.open("a+", encoding="utf-8") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            try:
                f.seek(0)
                last = None
                for line in f:
                    if line.strip():
                        last = line
                prev = json.loads(last) if last else None
                entry: dict[str, Any] = {
                    "seq": (int(prev["seq"]) + 1) if prev else 1,
                    "time": when.isoformat(timespec="microseconds").replace("+00:00", "Z"),
                    "actor": actor(), "action": action, "target": target,
                    "parameters": json.loads(canonical_json(dict(parameters or {}))),
                    "result_hash": result_hash,
                    "prev_hash": str(prev["entry_hash"]) if prev else GENESIS,
                }
                entry["entry_hash"] = _entry_hash(entry)
                f.seek(0, os.SEEK_END)
                f.write(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")
                f.flush()
                os.fsync(f.fileno())
                head = self.head_path.with_name(self.head_path.name + ".tmp")
                head.write_text(json.dumps({"seq": entry["seq"], "entry_hash": entry["entry_hash"]})
                                + "\n", encoding="utf-8")
                head.replace(self.head_path)
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)
        return entry

    def verify(self, expect_head: str | None = None) -> AuditReport:
        """Check the chain: every entry's hash, seq and link to the one before, and the head
        (from ``audit.head``, or ``expect_head`` when given)."""
        entries = self.entries()
        problems: list[str] = []
        prev = GENESIS
        for i, entry in enumerate(entries, 1):
            seq = entry.get("seq")
            if set(entry) != set(FIELDS):
                problems.append(f"entry {i} (seq {seq}): fields {sorted(entry)} are not "
                                f"{sorted(FIELDS)}")
            elif _entry_hash(entry) != entry["entry_hash"]:
                problems.append(f"seq {seq}: edited (its content does not match its hash)")
            if seq != i:
                problems.append(f"entry {i}: seq is {seq}, expected {i} "
                                "(an entry was removed, inserted or moved)")
            if entry.get("prev_hash") != prev:
                problems.append(f"seq {seq}: prev_hash does not match the entry before "
                                "(the chain is broken here)")
            prev = str(entry.get("entry_hash"))
        head_seq: int | None = None
        wanted = expect_head
        if wanted is None and self.head_path.exists():
            try:
                head = json.loads(self.head_path.read_text(encoding="utf-8"))
                wanted, head_seq = str(head["entry_hash"]), int(head["seq"])
            except (ValueError, KeyError, TypeError):
                problems.append(f"{self.head_path} is unreadable")
        if wanted is not None and wanted != (prev if entries else GENESIS):
            known = {str(e.get("entry_hash")): e.get("seq") for e in entries}
            if wanted in known:
                problems.append(f"entries after seq {known[wanted]} were appended without "
                                "updating the head")
            else:
                where = f" (seq {head_seq})" if head_seq else ""
                problems.append(f"the head{where} {wanted[:16]}… is not in the log: entries "
                                "were removed from the end or the log was replaced")
        return AuditReport(len(entries), prev if entries else GENESIS, problems)


@contextmanager
def audited(log: AuditLog | None, action: str, target: str,
            parameters: Mapping[str, Any]) -> Iterator[Callable[[str], None]]:
    """Record one run in ``log`` (nothing when None): the caller reports the result's hash
    through the yielded function; a run that raises ClawbackError is recorded with
    ``result_hash`` ``"refused"`` and the error among its parameters. A run that never
    reported a hash and did not fail with ClawbackError is not recorded."""
    outcome: dict[str, str] = {}
    try:
        yield lambda digest: outcome.update(result_hash=digest)
    except ClawbackError as e:
        outcome["error"] = str(e)
        raise
    finally:
        if outcome and log is not None:
            extra = {"error": outcome["error"]} if "error" in outcome else {}
            log.append(action=action, target=target, parameters={**parameters, **extra},
                       result_hash=outcome.get("result_hash", "refused"))
