"""Rendering: the sandbox, autoescaped HTML, and errors that name the template and the part."""

import pytest

from notifier.adapters.template_store import load_defaults
from notifier.domain.rendering import Renderer, TemplateFailed, TemplateSource
from notifier.domain.templates import TEMPLATES


def source(subject="Hello {{ name }}", text="Hi {{ name }}", html="<p>{{ name }}</p>"):
    return TemplateSource("needs_info", subject, text, html, "school")


@pytest.fixture(scope="module")
def renderer():
    return Renderer()


def test_html_is_autoescaped_and_text_is_not(renderer):
    rendered = renderer.render(source(), {"name": "<b>Ada & Bob</b>"})
    assert rendered.html == "<p>&lt;b&gt;Ada &amp; Bob&lt;/b&gt;</p>"
    assert rendered.text == "Hi <b>Ada & Bob</b>"


def test_a_subject_is_one_line_whatever_the_template_writes(renderer):
    rendered = renderer.render(source(subject="Hello\n  {{ name }}\r\n"), {"name": "Ada"})
    assert rendered.subject == "Hello Ada"


def test_a_syntax_error_names_the_template_and_the_part(renderer):
    with pytest.raises(
        TemplateFailed,
        match=r"template needs_info \(school\) \(text\): "
        r"TemplateSyntaxError",
    ):
        renderer.render(source(text="{% if %}"), {"name": "Ada"})


def test_a_variable_read_from_something_missing_fails_the_render(renderer):
    with pytest.raises(TemplateFailed, match="UndefinedError"):
        renderer.render(source(text="{{ invoice.number }}"), {})


def test_the_sandbox_refuses_to_reach_into_python(renderer):
    with pytest.raises(TemplateFailed, match="SecurityError"):
        renderer.render(
            source(text="{{ name.__class__.__mro__[1].__subclasses__() }}"), {"name": "Ada"}
        )


def test_any_other_failure_in_a_template_is_a_template_failure(renderer):
    with pytest.raises(TemplateFailed, match="ZeroDivisionError"):
        renderer.render(source(text="{{ 1 // 0 }}"), {})


def test_an_empty_subject_is_refused(renderer):
    with pytest.raises(TemplateFailed, match="subject is empty"):
        renderer.render(source(subject="{{ nothing }}"), {})


def test_check_lists_the_problems_per_part(renderer):
    problems = renderer.check(source(text="{{ invoice.number }}", html="{% for %}"), {})
    assert set(problems) == {"text", "html"}


@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_every_default_template_renders_its_sample(renderer, key):
    rendered = renderer.render(load_defaults()[key], TEMPLATES[key].sample)
    assert rendered.subject and rendered.text.strip() and "<html" in rendered.html


# Receipts, invoice reminders and digests greet otherwise; family_answered and
# staff_invitation go to the staff.
_NOT_GREETING_A_GUARDIAN = {
    "receipt",
    "invoice_reminder",
    "reminder_digest",
    "family_answered",
    "staff_invitation",
}


@pytest.mark.parametrize("key", sorted(set(TEMPLATES) - _NOT_GREETING_A_GUARDIAN))
def test_default_templates_degrade_gracefully_without_names(renderer, key):
    sample = {
        name: value
        for name, value in TEMPLATES[key].sample.items()
        if name not in ("guardian_name", "student_first_name", "student_last_name", "student_name")
    }
    rendered = renderer.render(load_defaults()[key], sample)
    assert "parent or guardian" in rendered.text
    assert "None" not in rendered.text and "None" not in rendered.subject


def test_the_approval_leaves_out_the_invoice_and_link_the_registrar_did_not_ask_for(renderer):
    sample = {**TEMPLATES["approved"].sample, "invoice": None, "autopay_url": None}
    rendered = renderer.render(load_defaults()["approved"], sample)
    assert "Invoice" not in rendered.text and "automatic payments" not in rendered.text
