"""What the black-box tests of the input contract share: driving the installed CLI in a
subprocess (with no store or server from the caller's environment) and writing input files."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_EXE = ROOT / ".venv" / "bin" / "clawback"
CLI = [str(_EXE)] if _EXE.exists() else [sys.executable, "-m", "clawback.cli"]


def _env() -> dict:
    env = dict(os.environ)
    for k in ("CLAWBACK_STORE", "NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE"):
        env.pop(k, None)
    env["PYTHONHASHSEED"] = "0"
    return env


def cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        CLI + [str(a) for a in args],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=ROOT,
        env=_env(),
    )


def csv_text(header, rows, sep=",") -> str:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=sep, lineterminator="\n")
    w.writerow(header)
    for r in rows:
        w.writerow(r)
    return buf.getvalue()


def write_table(
    d: Path, name: str, header, rows, encoding="utf-8", sep=",", ext="csv", bom: bytes = b""
) -> Path:
    d.mkdir(parents=True, exist_ok=True)
    p = d / f"{name}.{ext}"
    p.write_bytes(bom + csv_text(header, rows, sep).encode(encoding))
    return p
