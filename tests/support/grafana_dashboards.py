"""The Grafana dashboards of deploy/grafana/ as the tests read them: each file, each panel's
queries, and a query with Grafana's variables replaced by values, as Grafana does before it
asks Prometheus."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from shared.paths import ROOT

GRAFANA = ROOT / "deploy" / "grafana"
DASHBOARDS = GRAFANA / "dashboards"
PROVISIONING = GRAFANA / "provisioning"

# $name, ${name} and ${name:format}: the forms Grafana interpolates in a query.
_VARIABLE = re.compile(r"\$\{(\w+)(?::\w+)?\}|\$(\w+)")
# label_values(metric, label): the one kind of query variable the dashboards define.
_LABEL_VALUES = re.compile(r"^label_values\((\w+),\s*(\w+)\)$")


@dataclass(frozen=True)
class PanelQuery:
    dashboard: str
    panel: str
    ref_id: str
    expr: str

    @property
    def name(self) -> str:
        return f"{self.dashboard}: {self.panel} [{self.ref_id}]"


def dashboard_files() -> list[Path]:
    return sorted(DASHBOARDS.glob("*.json"))


def load(path: Path) -> dict:
    return json.loads(path.read_text())


def panels(dashboard: dict) -> list[dict]:
    """Every panel, those folded inside a row included."""
    found = []
    for panel in dashboard.get("panels", []):
        found.append(panel)
        found.extend(panel.get("panels", []))
    return found


def panel_queries() -> list[PanelQuery]:
    return [
        PanelQuery(path.name, panel["title"], target["refId"], target["expr"])
        for path in dashboard_files()
        for panel in panels(load(path))
        for target in panel.get("targets", [])
    ]


def variables_in(expression: str) -> set[str]:
    return {braced or plain for braced, plain in _VARIABLE.findall(expression)}


def substitute(expression: str, values: dict[str, str]) -> str:
    """The query with every variable replaced; a variable without a value raises KeyError."""

    def value_of(found: re.Match) -> str:
        return values[found.group(1) or found.group(2)]

    return _VARIABLE.sub(value_of, expression)


def dashboard_variables(dashboard: dict) -> dict[str, dict]:
    return {variable["name"]: variable for variable in dashboard["templating"]["list"]}


def label_values_query(variable: dict) -> tuple[str, str]:
    """(metric, label) of a `label_values(metric, label)` query variable."""
    query = variable["query"]
    text = query["query"] if isinstance(query, dict) else query
    found = _LABEL_VALUES.match(text.strip())
    if found is None:
        raise ValueError(f"variable {variable['name']}: not a label_values() query: {text!r}")
    return found.group(1), found.group(2)


def provisioned_datasource() -> dict:
    [datasource] = yaml.safe_load((PROVISIONING / "datasources" / "edquill.yml").read_text())[
        "datasources"
    ]
    return datasource


def dashboard_provider() -> dict:
    [provider] = yaml.safe_load((PROVISIONING / "dashboards" / "edquill.yml").read_text())[
        "providers"
    ]
    return provider
