"""The whole system as `edquill up` runs it, on ports of its own with the test session's
databases and exchange: for tests that need every service, worker and the gateway at once."""

from __future__ import annotations

from pathlib import Path

from devtools.ports import free_port_block
from tests.support.processes import EdquillProcess
from tests.support.waiting import wait_until

# A cold start loads four gunicorn apps on a 2-core machine shared with other test runs.
START_TIMEOUT = 120
READY_LINE = "Press Ctrl-C to stop."


class System:
    """One `edquill up` on ports of its own, with the test session's databases and exchange."""

    def __init__(self, settings, var_dir: Path, *options: str):
        # relay_metrics last: relay 2 takes the port after it.
        names = (
            "registrar",
            "dashboard",
            "kpi",
            "notifier",
            "gateway",
            "smtp",
            "mail_http",
            "relay_metrics",
        )
        first = free_port_block(len(names) + 1)
        self.ports = {name: first + offset for offset, name in enumerate(names)}
        env = {
            f"EDQUILL_{name.upper()}_PORT": str(self.ports[name])
            for name in ("registrar", "dashboard", "kpi", "notifier", "gateway")
        }
        env["EDQUILL_SMTP_URL"] = f"smtp://127.0.0.1:{self.ports['smtp']}"
        for name in ("registrar", "kpi", "notifier"):
            env[f"EDQUILL_{name.upper()}_URL"] = f"http://127.0.0.1:{self.ports[name]}"
        self._env = env
        self.process = EdquillProcess(
            settings,
            "up",
            "--var-dir",
            str(var_dir),
            "--mail-http-port",
            str(self.ports["mail_http"]),
            "--relay-metrics-port",
            str(self.ports["relay_metrics"]),
            *options,
            extra_env=env,
        )

    def wait_until_up(self, timeout: float = START_TIMEOUT) -> str:
        wait_until(
            lambda: READY_LINE in self.process.output() or not self.process.running,
            timeout=timeout,
            what="edquill up to print its URLs",
        )
        output = self.process.output()
        assert READY_LINE in output, output
        return output

    def url(self, name: str, path: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}{path}"

    @property
    def env(self) -> dict[str, str]:
        """The environment `up` was given (ports, service addresses) for commands run beside
        it, so they find its services."""
        return dict(self._env)


def descendants(pid: int) -> set[int]:
    """Every process under `pid`, children of children included."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(stat.parent.name))
    found, pending = set(), [pid]
    while pending:
        for child in children.get(pending.pop(), []):
            found.add(child)
            pending.append(child)
    return found


def command_line(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_text().split("\0")
    except OSError:
        return []
