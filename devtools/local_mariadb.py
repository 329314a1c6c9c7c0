"""A MariaDB server of a developer's own beside the machine's: its own data folder, port,
socket, pid and error log, started with `mariadbd` and stopped by its pid file. `edquill replica`
runs a replica this way, and the tests a primary with the binary log on (the shared server's
settings are not theirs to change).

Run as root, the server runs as the `mysql` user, as Debian's own does; otherwise as whoever
runs it.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pymysql

# A fresh data folder and a first start, on a busy 2-core machine.
START_TIMEOUT_SECONDS = 60
# A clean shutdown flushes InnoDB; longer than this and the server is killed.
STOP_TIMEOUT_SECONDS = 30
POLL_SECONDS = 0.1
BINLOG_BASENAME = "edquill-bin"
SERVER_USER = "mysql"


class LocalServerError(RuntimeError):
    """The local server could not be set up or started; the message says why."""


@dataclass(frozen=True)
class LocalServer:
    folder: Path
    port: int
    server_id: int
    # The binary log a primary needs for replication (and point-in-time restores).
    binary_log: bool = False
    # A replica refuses ordinary users' writes; its replication threads still apply.
    read_only: bool = False

    @property
    def datadir(self) -> Path:
        return self.folder / "data"

    @property
    def socket(self) -> Path:
        return self.folder / "mysqld.sock"

    @property
    def pid_file(self) -> Path:
        return self.folder / "mysqld.pid"

    @property
    def error_log(self) -> Path:
        return self.folder / "mysqld.err"

    @property
    def url(self) -> str:
        return f"mysql://root@127.0.0.1:{self.port}"


def start_local_server(server: LocalServer) -> int:
    """Initialise the data folder when new, start the server and wait until it answers: its
    pid. A server already running from this folder is left as it is."""
    running = running_pid(server)
    if running is not None:
        return running
    install, mariadbd = program_path("mariadb-install-db"), program_path("mariadbd")
    server.folder.mkdir(parents=True, exist_ok=True)
    user = _server_user()
    if user is not None:
        shutil.chown(server.folder, user, user)
    if not server.datadir.exists():
        _initialise(install, server, user)
    process = subprocess.Popen(
        [mariadbd, *_server_options(server, user)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        # Its own session: Ctrl-C in the terminal that started it does not stop it.
        start_new_session=True,
    )
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while not answers(server):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise LocalServerError(
                f"mariadbd on port {server.port} did not start; see {server.error_log}"
            )
        time.sleep(POLL_SECONDS)
    return process.pid


def stop_local_server(server: LocalServer) -> bool:
    """Stop the server started from this folder (SIGTERM, then SIGKILL after the timeout);
    False when none was running."""
    pid = running_pid(server)
    if pid is None:
        return False
    os.kill(pid, signal.SIGTERM)
    if not _wait_gone(pid, STOP_TIMEOUT_SECONDS):
        os.kill(pid, signal.SIGKILL)
        _wait_gone(pid, STOP_TIMEOUT_SECONDS)
    server.pid_file.unlink(missing_ok=True)
    return True


def running_pid(server: LocalServer) -> int | None:
    """The pid in the folder's pid file, when that process still runs."""
    try:
        pid = int(server.pid_file.read_text().strip())
    except (FileNotFoundError, ValueError):
        return None
    return None if _gone(pid) else pid


def answers(server: LocalServer) -> bool:
    try:
        pymysql.connect(host="127.0.0.1", port=server.port, user="root", connect_timeout=1).close()
        return True
    except pymysql.MySQLError:
        return False


def _initialise(install: str, server: LocalServer, user: str | None) -> None:
    completed = subprocess.run(
        [
            install,
            "--no-defaults",
            f"--datadir={server.datadir}",
            # root without a password, from this machine only: a developer's server.
            "--auth-root-authentication-method=normal",
            "--skip-test-db",
            f"--user={user or pwd.getpwuid(os.geteuid()).pw_name}",
        ],
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT_SECONDS,
    )
    if completed.returncode != 0:
        shutil.rmtree(server.datadir, ignore_errors=True)
        raise LocalServerError(f"mariadb-install-db failed: {completed.stderr.strip()[-300:]}")


def _server_options(server: LocalServer, user: str | None) -> list[str]:
    options = [
        "--no-defaults",
        f"--datadir={server.datadir}",
        f"--port={server.port}",
        "--bind-address=127.0.0.1",
        f"--socket={server.socket}",
        f"--pid-file={server.pid_file}",
        f"--log-error={server.error_log}",
        f"--server-id={server.server_id}",
        # Triggers and functions load from a dump or a binary log as on the primary.
        "--log-bin-trust-function-creators=1",
    ]
    if user is not None:
        options.append(f"--user={user}")
    if server.binary_log:
        options += [f"--log-bin={BINLOG_BASENAME}", "--binlog-format=ROW"]
    if server.read_only:
        options.append("--read-only=1")
    return options


def _server_user() -> str | None:
    """`mysql` when run as root (mariadbd refuses root), else None: the current user."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(SERVER_USER)
    except KeyError:
        raise LocalServerError(f"run as root, mariadbd needs the {SERVER_USER!r} user") from None
    return SERVER_USER


def program_path(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/local/sbin")
    if not found:
        raise LocalServerError(f"{name} is not installed (Debian: apt-get install mariadb-server)")
    return found


def _gone(pid: int) -> bool:
    try:
        # Our own child (a test's server) is reaped here, or it would linger as a zombie.
        reaped, _status = os.waitpid(pid, os.WNOHANG)
        if reaped == pid:
            return True
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not _gone(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(POLL_SECONDS)
    return True
