"""deploy/grafana/: every dashboard is one Grafana can provision, on the provisioned data
source, reading metrics EdQuill exports. tests/deploy/test_grafana_panels.py asks a live
Prometheus each query."""

from __future__ import annotations

import json

import pytest

from tests.support import grafana_dashboards as dashboards
from tests.unit.test_deploy_files import edquill_metric_names_in, exported_metric_names

# One dashboard per concern an operator watches.
CONCERNS = {
    "edquill-outbox-relay",
    "edquill-consumers",
    "edquill-notifier",
    "edquill-kpi",
    "edquill-http",
}
# What Grafana itself fills in (the deploy test gives each a value).
BUILT_IN_VARIABLES = {"__rate_interval", "__interval", "__range"}
GRID_COLUMNS = 24
FILES = dashboards.dashboard_files()


@pytest.fixture(params=FILES, ids=[path.name for path in FILES])
def dashboard(request) -> dict:
    return dashboards.load(request.param)


def test_every_dashboard_file_is_json_grafana_can_provision():
    for path in FILES:
        board = json.loads(path.read_text())
        assert isinstance(board["schemaVersion"], int), path.name
        assert board["uid"] and board["title"] and board["panels"], path.name


def test_uids_are_unique_and_name_every_concern():
    uids = [dashboards.load(path)["uid"] for path in FILES]

    assert len(uids) == len(set(uids)), uids
    assert set(uids) == CONCERNS


def test_titles_are_unique():
    titles = [dashboards.load(path)["title"] for path in FILES]

    assert len(titles) == len(set(titles)), titles


def test_every_panel_and_query_uses_the_provisioned_data_source(dashboard):
    uid = dashboards.provisioned_datasource()["uid"]
    for panel in dashboards.panels(dashboard):
        assert panel["datasource"]["uid"] == uid, panel["title"]
        for target in panel["targets"]:
            assert target["datasource"]["uid"] == uid, (panel["title"], target["refId"])
    for variable in dashboard["templating"]["list"]:
        assert variable["datasource"]["uid"] == uid, variable["name"]


def test_every_panel_has_a_query_and_a_unique_id(dashboard):
    ids = [panel["id"] for panel in dashboards.panels(dashboard)]

    assert len(ids) == len(set(ids)), ids
    for panel in dashboards.panels(dashboard):
        assert panel["targets"], panel["title"]
        assert all(target["expr"].strip() for target in panel["targets"]), panel["title"]


def test_panels_fit_the_grid_without_overlapping(dashboard):
    taken = set()
    for panel in dashboards.panels(dashboard):
        place = panel["gridPos"]
        assert place["x"] + place["w"] <= GRID_COLUMNS, panel["title"]
        cells = {
            (x, y)
            for x in range(place["x"], place["x"] + place["w"])
            for y in range(place["y"], place["y"] + place["h"])
        }
        assert not cells & taken, f"{panel['title']} overlaps another panel"
        taken |= cells


def test_every_variable_a_query_uses_is_defined(dashboard):
    defined = set(dashboards.dashboard_variables(dashboard)) | BUILT_IN_VARIABLES
    for panel in dashboards.panels(dashboard):
        for target in panel["targets"]:
            assert dashboards.variables_in(target["expr"]) <= defined, panel["title"]


def test_every_variable_lists_label_values_and_has_an_all_value(dashboard):
    for variable in dashboard["templating"]["list"]:
        metric, _label = dashboards.label_values_query(variable)
        assert metric in exported_metric_names(), variable["name"]
        assert variable["includeAll"] and variable["allValue"], variable["name"]


def test_panels_read_only_metrics_some_edquill_process_exports():
    used = set().union(
        *(edquill_metric_names_in(query.expr) for query in dashboards.panel_queries())
    )

    assert used - exported_metric_names() == set()


def test_the_provider_reads_the_folder_the_docs_install_the_dashboards_in():
    provider = dashboards.dashboard_provider()

    assert provider["type"] == "file"
    assert provider["options"]["path"] == "/var/lib/grafana/dashboards/edquill"


def test_substitution_replaces_each_form_of_a_variable():
    expression = 'rate(x{service=~"$service"}[$__rate_interval]) + ${service:regex}'

    assert dashboards.substitute(expression, {"service": "kpi", "__rate_interval": "1m"}) == (
        'rate(x{service=~"kpi"}[1m]) + kpi'
    )


def test_substitution_refuses_a_variable_without_a_value():
    with pytest.raises(KeyError):
        dashboards.substitute("rate(x[$__range])", {})
