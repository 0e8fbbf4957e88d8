#!/usr/bin/env python3
"""Fetch, start and stop a real local Neo4j Community server for development and tests.

Standard library only. The jars of ``org.neo4j:neo4j`` come from Maven Central through
``scripts/neo4j/pom.xml`` into ``${CLAWBACK_CACHE:-~/.cache/clawback}/neo4j-<version>/lib``;
the server is ``org.neo4j.server.CommunityEntryPoint`` run with ``java -cp`` (no tarball,
no neo4j launcher script). Everything a server owns lives in one run directory::

    run_dir/conf/neo4j.conf   written on every (re)start from server.json
    run_dir/data/ logs/ run/ import/ plugins/
    run_dir/logs/console.log  the server's stdout and stderr (appended to)
    run_dir/server.json       pid, ports, uri, user, password, version, memory settings
    run_dir/env               NEO4J_URI=... NEO4J_USER=... NEO4J_PASSWORD=...

CLI::

    python scripts/neo4j_local.py {fetch,start,stop,restart,kill,status,env} [--dir DIR]

API (the test suite loads this file by path)::

    server = start(run_dir)          # idempotent; returns a Server
    server.query("RETURN 1")         # Cypher over the HTTP API, returns the rows
    kill(run_dir); restart(run_dir)  # same ports, data and password
    stop(run_dir)
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import dataclasses
import fcntl
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any

NEO4J_VERSION = "5.26.30"  # keep in step with <neo4j.version> in scripts/neo4j/pom.xml
USER = "neo4j"
DATABASE = "neo4j"
MAIN_CLASS = "org.neo4j.server.CommunityEntryPoint"
ADMIN_CLASS = "org.neo4j.cli.AdminTool"

SCRIPTS_DIR = Path(__file__).resolve().parent
REPO_ROOT = SCRIPTS_DIR.parent
POM = SCRIPTS_DIR / "neo4j" / "pom.xml"
DEFAULT_DIR = REPO_ROOT / ".neo4j"

LOG_TAIL_LINES = 40
_MEMORY = re.compile(r"^[1-9][0-9]*[kKmMgG]?$")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

# What the neo4j launcher would put on the java command line (from the server.jvm.additional
# defaults of the 5.26 distribution), less what only matters for big production heaps.
# Without the --add-opens flags it still starts, but logs "Reflection access to
# java.nio.DirectByteBuffer is not available, using fallback mode" and "Incorrect file
# descriptor" warnings for every transaction log file (no preallocation, no fadvise).
JVM_FLAGS = (
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+DisableExplicitGC",
    "-XX:+ExitOnOutOfMemoryError",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Dlog4j2.disable.jmx=true",
    "-Dfile.encoding=UTF-8",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
)


class Neo4jError(RuntimeError):
    """An expected failure; the CLI prints it on one line and exits 1."""


# --------------------------------------------------------------------------------------------
# Server description


@dataclasses.dataclass(frozen=True)
class Server:
    """A local server as recorded in ``run_dir/server.json``."""

    run_dir: Path
    pid: int | None
    bolt_port: int
    http_port: int
    password: str
    version: str = NEO4J_VERSION
    user: str = USER
    heap: str = "512m"
    pagecache: str = "256m"

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"

    @property
    def http_uri(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def auth(self) -> tuple[str, str]:
        return (self.user, self.password)

    def env(self) -> dict[str, str]:
        return {"NEO4J_URI": self.uri, "NEO4J_USER": self.user, "NEO4J_PASSWORD": self.password}

    def to_json(self) -> dict[str, Any]:
        return {
            "pid": self.pid,
            "bolt_port": self.bolt_port,
            "http_port": self.http_port,
            "uri": self.uri,
            "http_uri": self.http_uri,
            "user": self.user,
            "password": self.password,
            "version": self.version,
            "heap": self.heap,
            "pagecache": self.pagecache,
        }

    @classmethod
    def from_json(cls, run_dir: Path, data: dict[str, Any]) -> Server:
        return cls(
            run_dir=run_dir,
            pid=data.get("pid"),
            bolt_port=int(data["bolt_port"]),
            http_port=int(data["http_port"]),
            password=str(data["password"]),
            version=str(data.get("version", NEO4J_VERSION)),
            user=str(data.get("user", USER)),
            heap=str(data.get("heap", "512m")),
            pagecache=str(data.get("pagecache", "256m")),
        )

    def query(
        self,
        statement: str,
        parameters: dict[str, Any] | None = None,
        *,
        database: str = DATABASE,
        timeout: float = 60.0,
    ) -> list[list[Any]]:
        """Run one Cypher statement in its own transaction over HTTP; return the rows."""
        status, body = _tx_commit(self, statement, parameters, database=database, timeout=timeout)
        errors = (body.get("errors") or []) if isinstance(body, dict) else []
        if status != 200 or errors:
            detail = "; ".join(f"{e.get('code')}: {e.get('message')}" for e in errors) or body
            raise Neo4jError(f"query failed (HTTP {status}): {detail}")
        results = body.get("results") or [{}]
        return [entry["row"] for entry in results[0].get("data", [])]


# --------------------------------------------------------------------------------------------
# Fetching the jars


def cache_root() -> Path:
    return Path(os.environ.get("CLAWBACK_CACHE") or Path.home() / ".cache" / "clawback")


def neo4j_home(version: str = NEO4J_VERSION) -> Path:
    return cache_root() / f"neo4j-{version}"


def lib_dir(version: str = NEO4J_VERSION) -> Path:
    return neo4j_home(version) / "lib"


def _marker(version: str) -> Path:
    return lib_dir(version) / ".complete"


def _required_jars(version: str) -> list[Path]:
    lib = lib_dir(version)
    return [lib / f"neo4j-{version}.jar", lib / f"neo4j-server-{version}.jar"]


def is_fetched(version: str = NEO4J_VERSION) -> bool:
    marker = _marker(version)
    try:
        complete = marker.read_text().strip() == version
    except OSError:
        return False
    return complete and all(jar.is_file() for jar in _required_jars(version))


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def fetch(*, force: bool = False, verbose: bool = True) -> Path:
    """Copy the server jars into the cache with Maven (idempotent); return the lib dir."""
    version = NEO4J_VERSION
    lib = lib_dir(version)
    if not force and is_fetched(version):
        return lib
    with _locked(cache_root() / f"neo4j-{version}.lock"):
        if not force and is_fetched(version):  # another process fetched it meanwhile
            return lib
        mvn = shutil.which("mvn")
        if mvn is None:
            raise Neo4jError("mvn not found on PATH (Maven 3.8+ and Java 17 are needed)")
        home = neo4j_home(version)
        # A copy that did not finish may have left truncated jars: start from nothing.
        shutil.rmtree(lib, ignore_errors=True)
        home.mkdir(parents=True, exist_ok=True)
        if verbose:
            print(f"neo4j_local: fetching Neo4j {version} jars into {lib} ...", file=sys.stderr)
        cmd = [
            mvn, "-B", "-q", "-Dstyle.color=never",
            "-f", str(POM),
            f"-Dneo4j.version={version}",
            f"-Dneo4j.home={home}",
            f"-Dneo4j.lib.dir={lib}",
            "package",
        ]  # fmt: skip
        proc = subprocess.run(
            cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True, errors="replace"
        )
        output = _ANSI.sub("", proc.stdout + proc.stderr)
        log = home / "fetch.log"
        log.write_text(f"$ {shlex.join(cmd)}\n{output}")
        if proc.returncode != 0:
            lines = [ln.strip() for ln in output.splitlines() if ln.strip()]
            errors = [ln for ln in lines if ln.startswith("[ERROR]")]
            first = (errors or lines or ["no output"])[0].removeprefix("[ERROR]").strip()
            raise Neo4jError(f"mvn failed (exit {proc.returncode}): {first} (see {log})")
        missing = [jar.name for jar in _required_jars(version) if not jar.is_file()]
        if missing:
            raise Neo4jError(f"mvn succeeded but {', '.join(missing)} is missing in {lib}")
        tmp = _marker(version).with_suffix(".tmp")
        tmp.write_text(version + "\n")
        tmp.replace(_marker(version))
    return lib


# --------------------------------------------------------------------------------------------
# Processes


def _java() -> str:
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").is_file():
        return str(Path(java_home) / "bin" / "java")
    java = shutil.which("java")
    if java is None:
        raise Neo4jError("java not found (set JAVA_HOME or put Java 17 or 21 on PATH)")
    return java


def _check_java(java: str) -> None:
    try:
        out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise Neo4jError(f"cannot run {java} -version: {exc}") from None
    match = re.search(r'version "(\d+)', out.stderr + out.stdout)
    if match is None or int(match.group(1)) < 17:
        found = match.group(1) if match else "unknown"
        raise Neo4jError(f"Neo4j {NEO4J_VERSION} needs Java 17 or 21; {java} is Java {found}")


def _proc_info(pid: int) -> tuple[str, str] | None:
    """(state, command line) of a process, or None if there is no such process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        cmdline = (
            Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        )
        return stat.rsplit(")", 1)[1].split()[0], cmdline
    except FileNotFoundError:
        if Path("/proc/self/stat").exists():
            return None
    except OSError:
        return None
    # No procfs (macOS): ask ps.
    out = subprocess.run(
        ["ps", "-p", str(pid), "-o", "stat=", "-o", "command="], capture_output=True, text=True
    )
    if out.returncode != 0 or not out.stdout.strip():
        return None
    state, _, command = out.stdout.strip().partition(" ")
    return state[:1], command


def _alive(pid: int | None, run_dir: Path) -> bool:
    """Whether pid is a live (not zombie) Neo4j server for this run_dir."""
    if not pid:
        return False
    _reap(pid)
    info = _proc_info(pid)
    if info is None:
        return False
    state, cmdline = info
    return state != "Z" and MAIN_CLASS in cmdline and f"--home-dir={run_dir}" in cmdline


def _reap(pid: int) -> None:
    """Collect pid if it happens to be our own exited child (no zombie left behind)."""
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)


def _signal(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)


def _wait_dead(pid: int, run_dir: Path, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while _alive(pid, run_dir):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.1)
    return True


# A throwaway intermediate process starts the server in a new session and exits, so the
# server is never a child of the caller: no zombie after a kill, no ResourceWarning from a
# forgotten Popen, no signal from the caller's terminal.
_LAUNCHER = """
import subprocess, sys
log = open(sys.argv[1], "ab")
proc = subprocess.Popen(sys.argv[3:], cwd=sys.argv[2], stdin=subprocess.DEVNULL, stdout=log,
                        stderr=subprocess.STDOUT, start_new_session=True)
print(proc.pid, flush=True)
"""


def _spawn_detached(cmd: list[str], *, cwd: Path, log: Path, env: dict[str, str]) -> int:
    try:
        proc = subprocess.run(
            [sys.executable, "-c", _LAUNCHER, str(log), str(cwd), *cmd],
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=60,
        )
    except subprocess.TimeoutExpired:
        raise Neo4jError("could not launch java: the launcher hung") from None
    if proc.returncode != 0 or not proc.stdout.strip().isdigit():
        raise Neo4jError(f"could not launch java: {proc.stderr.strip() or proc.stdout.strip()}")
    return int(proc.stdout.strip())


# --------------------------------------------------------------------------------------------
# Configuration and state


def _state_path(run_dir: Path) -> Path:
    return run_dir / "server.json"


def _write_private(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    tmp.replace(path)


def load(run_dir: Path | str) -> Server | None:
    """The server recorded in run_dir/server.json (running or not), or None."""
    run_dir = Path(run_dir).resolve()
    try:
        data = json.loads(_state_path(run_dir).read_text())
        return Server.from_json(run_dir, data)
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError) as exc:
        raise Neo4jError(f"unreadable {_state_path(run_dir)}: {exc}") from None


def _save(server: Server) -> None:
    _write_private(_state_path(server.run_dir), json.dumps(server.to_json(), indent=2) + "\n")
    env = "".join(f"{key}={shlex.quote(value)}\n" for key, value in server.env().items())
    _write_private(server.run_dir / "env", env)


def _conf_text(server: Server, lib: Path) -> str:
    d = server.run_dir
    return f"""\
# Written by scripts/neo4j_local.py on every (re)start; edits are lost.
# JVM flags (-Xms/-Xmx, --add-opens, ...) are on the java command line, not here:
# the server is run as {MAIN_CLASS} without the neo4j launcher.
server.directories.data={d / "data"}
server.directories.logs={d / "logs"}
server.directories.run={d / "run"}
server.directories.import={d / "import"}
server.directories.plugins={d / "plugins"}
server.directories.lib={lib}

server.default_listen_address=127.0.0.1
server.default_advertised_address=127.0.0.1
server.bolt.enabled=true
server.bolt.listen_address=127.0.0.1:{server.bolt_port}
server.bolt.advertised_address=127.0.0.1:{server.bolt_port}
server.bolt.tls_level=DISABLED
server.http.enabled=true
server.http.listen_address=127.0.0.1:{server.http_port}
server.http.advertised_address=127.0.0.1:{server.http_port}
server.https.enabled=false

server.memory.heap.initial_size={server.heap}
server.memory.heap.max_size={server.heap}
server.memory.pagecache.size={server.pagecache}

dbms.security.auth_enabled=true
dbms.usage_report.enabled=false

# Transaction logs: no 256 MiB preallocated file per database, and a bounded history
# (recovery after a kill only needs the logs since the last checkpoint, which are kept).
db.tx_log.preallocate=false
db.tx_log.rotation.retention_policy=512M size

# Bolt waits a 5s quiet period for each of its two netty event loop groups on shutdown,
# which made every stop take 10s; a throwaway local server needs none.
internal.dbms.bolt.netty_server_shutdown_quiet_period=0
"""


def _write_conf(server: Server, lib: Path) -> None:
    d = server.run_dir
    for sub in ("conf", "data", "logs", "run", "import", "plugins"):
        (d / sub).mkdir(parents=True, exist_ok=True)
    (d / "conf" / "neo4j.conf").write_text(_conf_text(server, lib))


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as Java's server sockets
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _free_ports(count: int) -> list[int]:
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sockets.append(sock)
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _java_env(run_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["NEO4J_HOME"] = str(run_dir)
    env["NEO4J_CONF"] = str(run_dir / "conf")
    env.pop("JAVA_TOOL_OPTIONS", None)
    return env


def _set_initial_password(server: Server, lib: Path, java: str) -> None:
    """neo4j-admin dbms set-initial-password, run from the same jars before the first start."""
    cmd = [
        java, "-Xmx256m", "-cp", f"{lib}/*", ADMIN_CLASS,
        "dbms", "set-initial-password", server.password,
    ]  # fmt: skip
    try:
        proc = subprocess.run(
            cmd,
            cwd=server.run_dir,
            env=_java_env(server.run_dir),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=300,
        )
    except subprocess.TimeoutExpired:
        raise Neo4jError("set-initial-password did not finish within 300s") from None
    auth_ini = server.run_dir / "data" / "dbms" / "auth.ini"
    if proc.returncode != 0 or not auth_ini.is_file():
        out = (proc.stderr + proc.stdout).strip().splitlines()
        raise Neo4jError(
            f"set-initial-password failed (exit {proc.returncode}): "
            + (out[-1] if out else "no output")
        )


# --------------------------------------------------------------------------------------------
# Readiness


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via a proxy


def _http(
    url: str,
    *,
    body: dict[str, Any] | None = None,
    auth: tuple[str, str] | None = None,
    timeout: float = 5.0,
) -> tuple[int, Any]:
    headers = {"Accept": "application/json"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if auth is not None:
        token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
        headers["Authorization"] = f"Basic {token}"
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
    try:
        return status, json.loads(raw or b"null")
    except ValueError:
        return status, raw.decode(errors="replace")


def _tx_commit(
    server: Server,
    statement: str,
    parameters: dict[str, Any] | None = None,
    *,
    database: str = DATABASE,
    timeout: float = 5.0,
) -> tuple[int, Any]:
    return _http(
        f"{server.http_uri}/db/{database}/tx/commit",
        body={"statements": [{"statement": statement, "parameters": parameters or {}}]},
        auth=server.auth,
        timeout=timeout,
    )


def _bolt_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            return True
    except OSError:
        return False


def healthy(server: Server) -> bool:
    """Bolt accepts connections, HTTP discovery answers and `RETURN 1` runs on the database."""
    if not _bolt_open(server.bolt_port):
        return False
    try:
        status, _ = _http(server.http_uri + "/", timeout=5)
        if status != 200:
            return False
        status, body = _tx_commit(server, "RETURN 1 AS ok")
    except (OSError, urllib.error.URLError):
        return False
    if status == 401:
        raise Neo4jError(
            f"the server rejects the password in {_state_path(server.run_dir)}; "
            f"the data in {server.run_dir / 'data'} was made with another one"
        )
    return status == 200 and isinstance(body, dict) and not body.get("errors")


def _log_tail(run_dir: Path, lines: int = LOG_TAIL_LINES) -> str:
    log = run_dir / "logs" / "console.log"
    try:
        with open(log, errors="replace") as handle:
            return "".join(deque(handle, maxlen=lines))
    except OSError:
        return f"(no {log})\n"


def _fail_startup(server: Server, pid: int, reason: str) -> Neo4jError:
    _signal(pid, signal.SIGKILL)
    _wait_dead(pid, server.run_dir, 30)
    _save(dataclasses.replace(server, pid=None))
    log = server.run_dir / "logs" / "console.log"
    sys.stderr.write(f"--- last {LOG_TAIL_LINES} lines of {log} ---\n{_log_tail(server.run_dir)}")
    sys.stderr.write("---\n")
    return Neo4jError(f"Neo4j {reason}; see {log}")


def _wait_ready(server: Server, pid: int, timeout: float) -> Server:
    deadline = time.monotonic() + timeout
    while True:
        if not _alive(pid, server.run_dir):
            raise _fail_startup(server, pid, "exited during startup")
        try:
            if healthy(server):
                return server
        except Neo4jError as exc:
            raise _fail_startup(server, pid, str(exc)) from None
        if time.monotonic() >= deadline:
            raise _fail_startup(server, pid, f"was not ready within {timeout:g}s")
        time.sleep(0.5)


# --------------------------------------------------------------------------------------------
# Public API


def _launch(server: Server, timeout: float) -> Server:
    lib = fetch()
    java = _java()
    _check_java(java)
    if not (server.run_dir / "data" / "dbms" / "auth.ini").is_file():
        _write_conf(server, lib)
        _set_initial_password(server, lib, java)
    _write_conf(server, lib)
    run_dir = server.run_dir
    cmd = [
        java, f"-Xms{server.heap}", f"-Xmx{server.heap}", *JVM_FLAGS,
        f"-XX:ErrorFile={run_dir / 'logs' / 'hs_err_pid%p.log'}",
        "-cp", f"{lib}/*", MAIN_CLASS,
        f"--home-dir={run_dir}", f"--config-dir={run_dir / 'conf'}", "--console-mode",
    ]  # fmt: skip
    log = run_dir / "logs" / "console.log"
    with open(log, "a") as handle:
        stamp = time.strftime("%Y-%m-%d %H:%M:%S")
        handle.write(f"==== neo4j_local: starting Neo4j {NEO4J_VERSION} at {stamp} ====\n")
    pid = _spawn_detached(cmd, cwd=run_dir, log=log, env=_java_env(run_dir))
    server = dataclasses.replace(server, pid=pid, version=NEO4J_VERSION)
    _save(server)
    return _wait_ready(server, pid, timeout)


def _check_memory(heap: str, pagecache: str) -> None:
    for name, value in (("heap", heap), ("pagecache", pagecache)):
        if not _MEMORY.match(value):
            raise Neo4jError(f"bad {name} size {value!r} (expected e.g. 512m or 1g)")


def start(
    run_dir: Path | str,
    *,
    heap: str = "512m",
    pagecache: str = "256m",
    timeout: float = 180,
) -> Server:
    """Start a server in run_dir, or return the one already running there.

    A first start fetches the jars if needed, picks free loopback ports, generates a password
    and sets it before the database is created. A later start reuses the password and data
    (and the ports while they are free). heap and pagecache apply to this launch and are
    recorded in server.json for restart(); they do not change a server already running.
    """
    _check_memory(heap, pagecache)
    run_dir = Path(run_dir).resolve()
    run_dir.mkdir(parents=True, exist_ok=True)
    with _locked(run_dir / ".lock"):
        server = load(run_dir)
        if server is not None and _alive(server.pid, run_dir):
            assert server.pid is not None
            return _wait_ready(server, server.pid, timeout)
        if server is None:
            if (run_dir / "data" / "dbms" / "auth.ini").exists():
                raise Neo4jError(
                    f"{run_dir} holds a database but no server.json (its password is "
                    "unknown); remove the directory to start afresh"
                )
            bolt_port, http_port = _free_ports(2)
            server = Server(
                run_dir=run_dir,
                pid=None,
                bolt_port=bolt_port,
                http_port=http_port,
                password=secrets.token_urlsafe(24),
            )
        elif not (_port_free(server.bolt_port) and _port_free(server.http_port)):
            bolt_port, http_port = _free_ports(2)
            server = dataclasses.replace(server, bolt_port=bolt_port, http_port=http_port)
        server = dataclasses.replace(server, pid=None, heap=heap, pagecache=pagecache)
        return _launch(server, timeout)


def restart(run_dir: Path | str, *, timeout: float = 180, stop_timeout: float = 60) -> Server:
    """Start the server of run_dir again on the same ports, data, password and memory settings.

    Stops it first if it is running (for instance after a kill it is not).
    """
    run_dir = Path(run_dir).resolve()
    if not _state_path(run_dir).exists():
        raise Neo4jError(f"no server.json in {run_dir}; nothing to restart (use start)")
    with _locked(run_dir / ".lock"):
        server = load(run_dir)
        if server is None:
            raise Neo4jError(f"no server.json in {run_dir}; nothing to restart (use start)")
        if _alive(server.pid, run_dir):
            server = _stop(server, stop_timeout)
        deadline = time.monotonic() + 15
        for port in (server.bolt_port, server.http_port):
            while not _port_free(port):
                if time.monotonic() >= deadline:
                    raise Neo4jError(f"port {port} of {run_dir} is taken by another process")
                time.sleep(0.2)
        return _launch(dataclasses.replace(server, pid=None), timeout)


def _stop(server: Server, timeout: float) -> Server:
    pid = server.pid
    if pid and _alive(pid, server.run_dir):
        _signal(pid, signal.SIGTERM)
        if not _wait_dead(pid, server.run_dir, timeout):
            _signal(pid, signal.SIGKILL)
            if not _wait_dead(pid, server.run_dir, 30):
                raise Neo4jError(f"Neo4j (pid {pid}) survived SIGKILL")
    server = dataclasses.replace(server, pid=None)
    _save(server)
    return server


def stop(run_dir: Path | str, timeout: float = 60) -> bool:
    """SIGTERM the server, SIGKILL it after timeout seconds; fine if it is not running.

    Returns whether it was running.
    """
    run_dir = Path(run_dir).resolve()
    if not _state_path(run_dir).exists():
        return False
    with _locked(run_dir / ".lock"):
        server = load(run_dir)
        if server is None:
            return False
        was_running = _alive(server.pid, run_dir)
        _stop(server, timeout)
        return was_running


def kill(run_dir: Path | str) -> bool:
    """SIGKILL the server at once (fault injection); returns when it is gone.

    Returns whether it was running.
    """
    run_dir = Path(run_dir).resolve()
    server = load(run_dir)  # no lock: a kill must not wait for a start in progress
    if server is None:
        return False
    was_running = bool(server.pid) and _alive(server.pid, run_dir)
    if was_running:
        assert server.pid is not None
        _signal(server.pid, signal.SIGKILL)
        if not _wait_dead(server.pid, run_dir, 30):
            raise Neo4jError(f"Neo4j (pid {server.pid}) survived SIGKILL")
    current = load(run_dir)
    if current is not None and current.pid is not None and current.pid == server.pid:
        _save(dataclasses.replace(current, pid=None))
    return was_running


def status(run_dir: Path | str) -> bool:
    """Whether the server of run_dir is running (its process is alive)."""
    server = load(run_dir)
    return server is not None and _alive(server.pid, server.run_dir)


# --------------------------------------------------------------------------------------------
# CLI


def _env_lines(server: Server) -> str:
    return "".join(f"export {k}={shlex.quote(v)}\n" for k, v in server.env().items())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="neo4j_local.py",
        description=f"Fetch, start and stop a local Neo4j {NEO4J_VERSION} Community server.",
        epilog="status exits 0 when the server runs, 3 when it does not.",
    )
    parser.add_argument(
        "command", choices=["fetch", "start", "stop", "restart", "kill", "status", "env"]
    )
    parser.add_argument(
        "--dir",
        type=Path,
        default=DEFAULT_DIR,
        help="run directory (default: .neo4j under the repository root)",
    )
    parser.add_argument("--heap", default="512m", help="java heap for start (default 512m)")
    parser.add_argument("--pagecache", default="256m", help="page cache for start (default 256m)")
    parser.add_argument("--timeout", type=float, default=180, help="seconds to wait (start)")
    args = parser.parse_args(argv)
    run_dir = args.dir.resolve()
    try:
        if args.command == "fetch":
            lib = fetch()
            size = sum(p.stat().st_size for p in lib.glob("*.jar")) / 2**20
            print(
                f"Neo4j {NEO4J_VERSION}: {len(list(lib.glob('*.jar')))} jars, "
                f"{size:.0f} MiB in {lib}"
            )
        elif args.command in ("start", "restart"):
            started = time.monotonic()
            if args.command == "start":
                server = start(
                    run_dir, heap=args.heap, pagecache=args.pagecache, timeout=args.timeout
                )
            else:
                server = restart(run_dir, timeout=args.timeout)
            print(
                f"Neo4j {server.version} running (pid {server.pid}, "
                f"{time.monotonic() - started:.1f}s): {server.uri} {server.http_uri} "
                f"user {server.user}; credentials in {run_dir / 'env'}"
            )
        elif args.command == "stop":
            print("Neo4j stopped" if stop(run_dir) else f"Neo4j was not running ({run_dir})")
        elif args.command == "kill":
            print("Neo4j killed" if kill(run_dir) else f"Neo4j was not running ({run_dir})")
        elif args.command == "status":
            recorded = load(run_dir)
            if recorded is None or not _alive(recorded.pid, run_dir):
                print(f"not running ({run_dir})")
                return 3
            print(f"running (pid {recorded.pid}): {recorded.uri} {recorded.http_uri}")
        elif args.command == "env":
            recorded = load(run_dir)
            if recorded is None:
                raise Neo4jError(f"no server.json in {run_dir}; run start first")
            sys.stdout.write(_env_lines(recorded))
    except Neo4jError as exc:
        print(f"neo4j_local: error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"neo4j_local: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("neo4j_local: interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
