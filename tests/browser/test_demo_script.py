"""docs/demo.md, walked in real Chromium against a system seeded by `edquill demo seed` (run
by `edquill up`, as the script's presenter runs it): each section's Open, Fill, Choose and
Click lines are done in order, and each See line must show on the page. The steps are read
from the document, so the script and the product cannot drift apart."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from devtools.gateway import find_nginx
from shared.paths import ROOT
from tests.support.demo_system import SeededDemo, own_settings

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(find_nginx() is None, reason="the script's URLs are the gateway's"),
]

SCRIPT = ROOT / "docs" / "demo.md"
STEP_LINE = re.compile(
    r"^- (?P<verb>Open|Open mail sink|Fill|Choose|Click|See): `(?P<what>[^`]+)`"
    r"(?: with `(?P<value>[^`]+)`)?$"
)
# How long a See line may take to show: a dashboard's first answers may come before the KPI
# service has warmed up (served stale, shown empty), so the page is loaded again until then.
SEE_TIMEOUT_SECONDS = 60
RELOAD_EVERY_MS = 5_000


@dataclass(frozen=True)
class Step:
    verb: str
    what: str
    value: str | None


def script_sections() -> list[tuple[str, list[Step]]]:
    """(heading, steps) of every `## ` section of the script that has steps."""
    sections: list[tuple[str, list[Step]]] = []
    for line in SCRIPT.read_text().splitlines():
        if line.startswith("## "):
            sections.append((line[3:].strip(), []))
        elif (match := STEP_LINE.match(line)) and sections:
            sections[-1][1].append(Step(**match.groupdict()))
    return [(heading, steps) for heading, steps in sections if steps]


SECTIONS = script_sections()


def test_the_script_has_steps_in_several_sections():
    assert len(SECTIONS) >= 4
    assert sum(len(steps) for _heading, steps in SECTIONS) >= 30


@pytest.fixture(scope="module")
def demo(settings, tmp_path_factory):
    seeded = SeededDemo(own_settings(settings, "script"), tmp_path_factory.mktemp("script"))
    yield seeded
    seeded.stop()


@pytest.fixture(scope="module")
def tab(browser, demo):
    """One tab for the whole script, as the presenter has: its sections follow each other."""
    context = browser.new_context(base_url=demo.system.url("gateway", ""))
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("heading, steps", SECTIONS, ids=[heading for heading, _ in SECTIONS])
def test_the_audience_sees_what_the_script_says(demo, tab, heading, steps):
    for step in steps:
        perform(demo, tab, step)


def perform(demo, tab, step: Step) -> None:
    if step.verb == "Open":
        tab.goto(step.what)
    elif step.verb == "Open mail sink":
        tab.goto(demo.system.url("mail_http", step.what))
    elif step.verb == "Fill":
        tab.get_by_label(step.what, exact=True).fill(step.value)
    elif step.verb == "Choose":
        tab.get_by_label(step.what, exact=True).select_option(label=step.value)
    elif step.verb == "Click":
        clickable = (
            tab.get_by_role("button", name=step.what, exact=True)
            .or_(tab.get_by_role("tab", name=step.what, exact=True))
            .or_(tab.get_by_role("link", name=step.what))
        )
        clickable.first.click()
        tab.wait_for_load_state()
    else:
        see(tab, step.what)


def see(tab, text: str) -> None:
    deadline = time.monotonic() + SEE_TIMEOUT_SECONDS
    while True:
        try:
            # What is shown, not what a hidden tab panel holds.
            expect(tab.locator("body")).to_contain_text(
                text, timeout=RELOAD_EVERY_MS, use_inner_text=True
            )
            return
        except AssertionError:
            if time.monotonic() > deadline:
                raise
        try:
            tab.reload()
        except PlaywrightError:
            pass
