"""Every query of every Grafana dashboard in deploy/grafana/, asked of the stack's live
Prometheus as Grafana would ask it: no error, and at least one series, after a little real
traffic (HTTP requests, a registration whose events reach every consumer, an e-mail sent to a
mail sink on the stack's SMTP port, a nightly rebuild)."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from itertools import product

import pytest

from devtools.mailsink import MailSink
from shared import db
from tests.support import grafana_dashboards as dashboards
from tests.support.factories import create_registration, set_status
from tests.support.processes import answers
from tests.support.waiting import wait_until

pytestmark = pytest.mark.deploy

# Grafana's own variables, at what they are for the dashboards' default hour: the rate
# interval is at least four of the shipped 15 s scrapes.
BUILT_IN = {"__rate_interval": "1m", "__interval": "15s", "__range": "1h"}
# Metric families some exporter other than EdQuill's processes serves, by the scrape job that
# brings them in.
EXPORTER_JOBS = {"rabbitmq_": "rabbitmq"}
CONSUMERS = ("notifier", "kpi", "dashboard")
# Bounded waits, in seconds, for a busy 2-core machine: RUNNING in supervisor comes before
# gunicorn listens; events cross relay, broker and worker; rates need two scrapes.
SERVICE_TIMEOUT = 90
TRAFFIC_TIMEOUT = 120
QUERY_TIMEOUT = 30
REQUEST_TIMEOUT = 30
_METRIC = re.compile(r"\b((?:edquill|rabbitmq)_\w+)")
_SAMPLE_SUFFIXES = ("_bucket", "_count", "_sum")

QUERIES = dashboards.panel_queries()


def http_get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=REQUEST_TIMEOUT) as answer:
            return answer.status
    except urllib.error.HTTPError as refused:
        return refused.code


def series(stack, expression: str) -> list[dict]:
    try:
        return stack.prometheus_api("query", query=expression)["result"]
    except urllib.error.HTTPError as refused:
        pytest.fail(f"Prometheus refused {expression}: {json.load(refused).get('error')}")


def request_every_service(stack) -> None:
    for port in [*stack.ports.services.values(), stack.ports.gateway]:
        url = f"http://127.0.0.1:{port}/healthz"
        wait_until(lambda url=url: answers(url), timeout=SERVICE_TIMEOUT, interval=1, what=url)
    for port in stack.ports.services.values():
        assert http_get(f"http://127.0.0.1:{port}/no-such-page") == 404


def register_a_family_that_needs_to_give_more_information(stack) -> None:
    created = stack.edquill("school", "create", "--name", "Grafana School", "--slug", "grafana")
    assert created.returncode == 0, created.stderr
    school_id = int(created.stdout.strip().splitlines()[-1])
    connection = db.connect(stack.settings, "registrar")
    try:
        registration_id = create_registration(connection, school_id, email="family@example.com")
        # needs_info is mailed to the family whatever the school chose about status e-mails.
        set_status(connection, registration_id, "needs_info")
    finally:
        connection.close()


def every_consumer_has_settled_a_delivery(stack) -> bool:
    found = series(stack, 'sum by (consumer) (edquill_consumer_events_total{outcome="handled"})')
    return {answer["metric"]["consumer"] for answer in found} >= set(CONSUMERS)


@pytest.fixture(scope="module")
def busy_stack(running_stack, tmp_path_factory):
    with MailSink(tmp_path_factory.mktemp("mail"), port=running_stack.smtp_port) as mail:
        request_every_service(running_stack)
        register_a_family_that_needs_to_give_more_information(running_stack)
        assert mail.wait_for(1, timeout=TRAFFIC_TIMEOUT), "the notifier sent no e-mail"
        rebuilt = running_stack.edquill("kpi", "daily-aggregate")
        assert rebuilt.returncode == 0, rebuilt.stderr
        wait_until(
            lambda: every_consumer_has_settled_a_delivery(running_stack),
            timeout=TRAFFIC_TIMEOUT,
            interval=1,
            what=f"{', '.join(CONSUMERS)} to settle an event, as Prometheus sees it",
        )
        yield running_stack


def scraped_jobs(stack) -> set[str]:
    active = stack.prometheus_api("targets", state="active")["activeTargets"]
    return {target["labels"]["job"] for target in active}


def metric_families(expression: str) -> set[str]:
    families = set()
    for name in _METRIC.findall(expression):
        for suffix in _SAMPLE_SUFFIXES:
            name = name.removesuffix(suffix)
        families.add(name)
    return families


def skip_without_exporter(stack, expression: str) -> None:
    """Skips a query on families whose exporter this stack does not scrape yet, naming them."""
    jobs = scraped_jobs(stack)
    absent = {
        family
        for family in metric_families(expression)
        for prefix, job in EXPORTER_JOBS.items()
        if family.startswith(prefix) and job not in jobs
    }
    if absent:
        pytest.skip(f"{', '.join(sorted(absent))}: this stack scrapes no exporter of them yet")


def known_families(stack) -> set[str]:
    """Families some target described (HELP/TYPE), samples or not, under either name a
    counter goes by (with _total in the text format, without in OpenMetrics)."""
    names = set(stack.prometheus_api("metadata"))
    return names | {name + "_total" for name in names}


def variable_settings(stack, dashboard: dict, expression: str) -> list[dict[str, str]]:
    """Each combination of the dashboard's variables the query uses: every value Grafana
    would list, and "All"."""
    defined = dashboards.dashboard_variables(dashboard)
    used = sorted(dashboards.variables_in(expression) - set(BUILT_IN))
    choices = []
    for name in used:
        metric, label = dashboards.label_values_query(defined[name])
        listed = stack.prometheus_api(f"label/{label}/values", **{"match[]": metric})
        assert listed, f"${name} lists no values (label_values({metric}, {label}))"
        choices.append([*listed, defined[name]["allValue"]])
    return [dict(zip(used, chosen)) for chosen in product(*choices)]


def answered(stack, expression: str) -> list[dict] | None:
    return series(stack, expression) or None


@pytest.mark.parametrize("query", QUERIES, ids=[query.name for query in QUERIES])
def test_every_panel_query_answers_with_a_series(busy_stack, query):
    skip_without_exporter(busy_stack, query.expr)
    unknown = {
        family for family in metric_families(query.expr) if family not in known_families(busy_stack)
    }
    assert not unknown, f"no target exports {sorted(unknown)}"
    dashboard = dashboards.load(dashboards.DASHBOARDS / query.dashboard)
    for values in variable_settings(busy_stack, dashboard, query.expr):
        expression = dashboards.substitute(query.expr, {**BUILT_IN, **values})
        wait_until(
            lambda expression=expression: answered(busy_stack, expression),
            timeout=QUERY_TIMEOUT,
            interval=1,
            what=f"a series from {expression}",
        )


def test_the_service_variable_lists_every_http_service(busy_stack):
    dashboard = dashboards.load(dashboards.DASHBOARDS / "http.json")
    metric, label = dashboards.label_values_query(
        dashboards.dashboard_variables(dashboard)["service"]
    )

    listed = busy_stack.prometheus_api(f"label/{label}/values", **{"match[]": metric})

    assert set(listed) == set(busy_stack.ports.services)
