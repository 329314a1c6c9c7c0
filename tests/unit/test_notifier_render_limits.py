"""Render limits: a school's template that would stall the worker (endless loops, enormous
strings or numbers, runaway macros) is refused with the limit it passed, at save and at send,
while ordinary templates, the defaults above all, render exactly as before."""

from __future__ import annotations

import time

import pytest
from jinja2.sandbox import SandboxedEnvironment

from notifier.adapters.template_store import load_defaults
from notifier.domain.render_limits import RenderLimits
from notifier.domain.rendering import I18N, PARTS, Renderer, TemplateFailed, TemplateSource
from notifier.domain.templates import TEMPLATES
from notifier.service_layer import template_admin

SAMPLE = TEMPLATES["needs_info"].sample

# Each hostile text, and what the refusal must say. Every one of them, unbounded, runs for
# minutes or takes gigabytes.
HOSTILE = {
    "string_repetition": ('{{ "x" * 10**10 }}', "`*` would make a value of more than 100,000"),
    "power_tower": ("{{ 10**10**10 }}", "`**` would make a number of more than 128 bits"),
    "big_products": (
        "{% set a = 10**30 %}{{ a * a * a * a * a }}",
        "`*` would make a number of more than 128 bits",
    ),
    "huge_range": (
        "{% for i in range(10**9) %}{% endfor %}",
        "range() would count 1,000,000,000 numbers",
    ),
    "nested_loops_of_100000": (
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
        "range() would count 100,000 numbers",
    ),
    "nested_loops_within_range": (
        "{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}",
        "more than 100,000 steps",
    ),
    "nested_loops_over_a_string": (
        '{% set s = "x" * 50000 %}{% for a in s %}{% for b in s %}{% endfor %}{% endfor %}',
        "more than 100,000 steps",
    ),
    "endless_macro_recursion": (
        "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}",
        "calls nest more than 30 deep",
    ),
    "branching_macro_recursion": (
        "{% macro f(n) %}{% if n < 25 %}{{ f(n + 1) }}{{ f(n + 1) }}"
        "{% endif %}{% endmacro %}{{ f(0) }}",
        "more than 100,000 steps",
    ),
    "recursive_loop": (
        "{% for x in range(10000) recursive %}{{ loop(range(10000)) }}{% endfor %}",
        "calls nest more than 30 deep",
    ),
    "output_flood": (
        '{% for i in range(10000) %}{{ "y" * 10000 }}{% endfor %}',
        "writes more than 500,000 characters",
    ),
    "flood_inside_a_macro": (
        '{% macro m() %}{% for i in range(10000) %}{{ "z" * 90000 }}'
        "{% endfor %}{% endmacro %}{% set x = m() %}ok",
        "writes more than 500,000 characters",
    ),
    "flood_inside_a_set_block": (
        '{% set x %}{% for i in range(10000) %}{{ "z" * 90000 }}{% endfor %}{% endset %}ok',
        "writes more than 500,000 characters",
    ),
    "doubling_in_a_namespace": (
        '{% set ns = namespace(s="x") %}{% for i in range(64) %}'
        "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}",
        "`~` would make a value of more than 100,000",
    ),
    "concatenation_chain": (
        '{% set a = "x" * 50000 %}{% set b = a~a~a~a~a~a~a~a~a~a %}{{ b|length }}',
        "`~` would make a value",
    ),
    "aliased_list_literals": (
        "{% set a = range(5000)|list %}{% set b = [a,a,a,a,a,a,a,a,a,a] %}"
        "{% set c = [b,b,b,b,b,b,b,b,b,b] %}{{ c }}",
        "a list would make a value",
    ),
    "nested_list_repetition": ("{{ [[0] * 10000] * 10000 }}", "`*` would make a value"),
    "deep_nesting": (
        "{% set ns = namespace(v=1) %}{% for i in range(100) %}"
        "{% set ns.v = [ns.v] %}{% endfor %}{{ ns.v }}",
        "a value nests more than 20 levels deep",
    ),
    "format_width": (
        '{{ "{:>1000000000}".format(1) }}',
        "a format width or precision was given 1,000,000,000",
    ),
    "format_width_from_arguments": (
        '{{ "{:>{w}}".format(1, w=10**9) }}',
        "a format width taken from the arguments",
    ),
    "format_map_width": (
        '{{ "{x:>1000000000}".format_map({"x": 1}) }}',
        "a format width or precision was given 1,000,000,000",
    ),
    "percent_width": ('{{ "%01000000000d" % 1 }}', "a %-format width or precision was given"),
    "percent_star_width": (
        '{{ "%*d" % (10**9, 1) }}',
        "a %-format width taken from the arguments (*)",
    ),
    "format_filter_width": (
        '{{ "%01000000000d"|format(1) }}',
        "a %-format width or precision was given",
    ),
    "format_repeating_a_field": (
        '{% set f = "{0}" * 20000 %}{{ f.format("x" * 90000) }}',
        "format() would make a value of more than 100,000",
    ),
    "format_map_repeating_a_field": (
        '{% set f = "{a}" * 20000 %}{{ f.format_map({"a": "x" * 90000}) }}',
        "format_map() would make a value",
    ),
    "percent_repeating_a_field": (
        '{% set f = "%(a)s" * 15000 %}{{ f % {"a": "x" * 90000} }}',
        "`%` would make a value of more than 100,000",
    ),
    "format_filter_repeating_a_field": (
        '{% set f = "%(a)s" * 15000 %}{{ f|format(a="x" * 90000) }}',
        "the format filter would make a value",
    ),
    "joining_one_string_many_times": (
        '{% set a = "x" * 90000 %}{{ ' + "~".join(["a"] * 2000) + " }}",
        "`~` would make a value of more than 100,000",
    ),
    "huge_join_separator": (
        '{{ ("x" * 100000).join(range(10000)|map("string")) }}',
        "join() would make a value",
    ),
    "join_filter_separator": (
        '{{ range(10000)|join("x" * 100000) }}',
        "the join filter would make a value",
    ),
    "replace_amplifies": (
        '{{ ("a" * 10000).replace("", "b" * 10000) }}',
        "replace() would make a value",
    ),
    "replace_filter_amplifies": (
        '{{ ("a" * 10000)|replace("a", "b" * 10000) }}',
        "the replace filter would make a value",
    ),
    "center_width": ('{{ "x"|center(1000000000) }}', "the center filter was given"),
    "string_method_width": ('{{ "x".ljust(10**9) }}', "ljust() was given 1,000,000,000"),
    "expandtabs": ('{{ ("\t" * 10000).expandtabs(10000) }}', "expandtabs() would make a value"),
    "indent_amplifies": ('{{ ("\n" * 50000)|indent(10000) }}', "the indent filter would make"),
    "wordwrap_amplifies": (
        '{{ ("a " * 40000)|wordwrap(1, wrapstring="x" * 1000) }}',
        "the wordwrap filter would make",
    ),
    "urlize_target_amplifies": (
        '{{ ("http://a.example " * 5000)|urlize(target="x" * 5000) }}',
        "the urlize filter would make",
    ),
    "batch_padding": ("{{ [1]|batch(10**9, 0)|list }}", "the batch filter was given"),
    "many_slices": ("{{ [1]|slice(10**9)|list }}", "the slice filter was given"),
    "summing_lists": (
        "{{ [[0] * 1000] * 100 | sum(start=[]) }}",
        "the sum filter adds numbers only",
    ),
    "to_bytes": ('{{ (1).to_bytes(1000000000, "big") }}', "to_bytes() is not available"),
    "bytes_repetition": ('{{ "x".encode() * 10**10 }}', "encode() is not available"),
    "round_precision": ("{{ 5|round(-10**9) }}", "the round filter was given"),
    "round_floor_precision": ("{{ 5.5|round(10**9, 'floor') }}", "the round filter was given"),
    "translate_table": ('{{ "x".translate({120: "y" * 10000}) }}', "translate() is not available"),
    "dict_fromkeys": (
        '{{ {}.fromkeys(range(10000), "x" * 1000) }}',
        "calling fromkeys() would make a value",
    ),
    "lipsum": ("{{ lipsum(10**9) }}", "'lipsum' is undefined"),
    "list_mutation": ("{% set l = [1] %}{{ l.extend(l) }}", "SecurityError"),
}


def school_source(text: str) -> TemplateSource:
    return TemplateSource("needs_info", "Hello", text, "<p>Hello</p>", "school")


# Hostile templates are stopped by the limit they pass long before this; unbounded, each runs
# for minutes. (Generous: a loaded machine is slow, and the time limit has tests of its own.)
STOPPED_WITHIN_SECONDS = 10.0


@pytest.fixture(scope="module")
def renderer():
    """The default step, depth, size and output limits, with the time limit out of the way: on
    a loaded machine 1 s can pass before 100,000 steps do, and that must not turn the
    refusal these tests check into a time-limit one."""
    return Renderer(RenderLimits(seconds=60))


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_template_fails_quickly_naming_the_limit(renderer, name):
    text, reason = HOSTILE[name]
    started = time.monotonic()

    with pytest.raises(TemplateFailed) as failure:
        renderer.render(school_source(text), SAMPLE)

    assert reason in str(failure.value)
    assert str(failure.value).startswith("template needs_info (school) (text): ")
    assert time.monotonic() - started < STOPPED_WITHIN_SECONDS


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_template_is_refused_at_save_and_not_saved(renderer, name):
    text, reason = HOSTILE[name]
    store = RecordingStore()

    with pytest.raises(template_admin.TemplateRejected) as rejected:
        template_admin.replace_template(
            store, renderer, None, 7, "needs_info", "Hello", text, "<p>Hello</p>", now=None
        )

    (problem,) = rejected.value.details["fields"]["text"]
    assert reason in problem
    assert set(rejected.value.details["fields"]) == {"text"}
    assert store.saved == []


class RecordingStore:
    """A template store that only remembers what it was asked to save."""

    def __init__(self):
        self.saved = []

    def save(self, cursor, school_id, source, now):
        self.saved.append((school_id, source))


def test_a_template_slower_than_the_time_limit_is_stopped_at_it():
    renderer = Renderer(RenderLimits(seconds=0.2, steps=10**12))
    loops = "{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}"
    started = time.monotonic()

    with pytest.raises(TemplateFailed, match=r"takes longer than 0.2 s to render"):
        renderer.render(school_source(loops), SAMPLE)

    assert time.monotonic() - started < 1.0


def test_a_part_that_ran_out_of_time_fails_at_once_for_the_next_message():
    renderer = Renderer(RenderLimits(seconds=0.2, steps=10**12))
    loops = "{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}"
    with pytest.raises(TemplateFailed, match="takes longer than 0.2 s"):
        renderer.render(school_source(loops), SAMPLE)
    started = time.monotonic()

    with pytest.raises(
        TemplateFailed,
        match=r"\(text\): the template took longer than 0.2 s to "
        r"render for an earlier message",
    ):
        renderer.render(school_source(loops), SAMPLE)

    # Rendering it again would take the whole 0.2 s before failing.
    assert time.monotonic() - started < 0.2
    assert (
        renderer.render(school_source("{{ school_name }}"), SAMPLE).text == "Sunrise Music School"
    )


def test_a_part_longer_than_the_api_accepts_is_not_even_compiled(renderer):
    too_long = "{{ school_name }}" * 6000 + "x"  # 102,001 characters, past MAX_SOURCE_CHARS

    with pytest.raises(
        TemplateFailed,
        match=r"\(text\): the template is 102,001 characters "
        r"long; at most 100,000 are compiled",
    ):
        renderer.render(school_source(too_long), SAMPLE)


def test_each_part_has_its_own_budget():
    renderer = Renderer(RenderLimits(steps=250))  # each part takes about 200
    hundred_turns = "{% for i in range(100) %}.{% endfor %}"
    source = TemplateSource("needs_info", "Hi", hundred_turns, hundred_turns, "school")

    assert renderer.render(source, SAMPLE).text == "." * 100


def previous_renderer_output(source: TemplateSource, context: dict) -> dict[str, str]:
    """What the unbounded sandbox this renderer replaced made of the source."""
    plain = SandboxedEnvironment(autoescape=False, keep_trailing_newline=True, extensions=[I18N])
    html = SandboxedEnvironment(autoescape=True, keep_trailing_newline=True, extensions=[I18N])
    for environment in (plain, html):
        environment.install_null_translations()
    return {
        part: (html if part == "html" else plain).from_string(source.part(part)).render(context)
        for part in PARTS
    }


def rendered_parts(renderer: Renderer, source: TemplateSource, context: dict) -> dict:
    rendered = renderer.render(source, context)
    return {"subject": rendered.subject, "text": rendered.text, "html": rendered.html}


def without_names(sample: dict) -> dict:
    return {
        name: value
        for name, value in sample.items()
        if name not in ("guardian_name", "student_first_name", "student_last_name", "student_name")
    }


@pytest.mark.parametrize("key", sorted(TEMPLATES))
@pytest.mark.parametrize("variant", ["sample", "without_names"])
def test_every_default_template_renders_as_it_did_before_the_limits(renderer, key, variant):
    sample = TEMPLATES[key].sample if variant == "sample" else without_names(TEMPLATES[key].sample)
    source = load_defaults()[key]
    before = previous_renderer_output(source, sample)

    after = rendered_parts(renderer, source, sample)

    assert after["text"] == before["text"] and after["html"] == before["html"]
    assert after["subject"] == " ".join(before["subject"].split())


ORDINARY = {
    "loop_with_loop_variable": "{% for m in missing %}{{ loop.index }}. {{ m }}{% if not "
    "loop.last %}, {% endif %}{% endfor %}",
    "macro": "{% macro line(label, value) %}{{ label }}: {{ value }}\n{% endmacro %}"
    "{{ line('Student', student_name) }}{{ line('School', school_name) }}",
    "filters": "{{ guardian_name|upper }} {{ missing|join(', ') }} {{ note|truncate(20) }} "
    "{{ note|wordwrap(20) }} {{ note|replace('birth', 'Birth') }} {{ 'x'|center(9) }}",
    "arithmetic": "{{ registration_id * 2 + 1 }} {{ (registration_id / 4)|round(1) }} "
    "{{ 2 ** 10 }} {{ '%05d' % registration_id }} {{ '=' * 40 }} "
    "{{ '%d%% of %s' % (50, school_name) }} {{ '%(n)s!'|format(n=note) }}",
    "joins": "{{ 'Dear ' ~ guardian_name ~ ', ' ~ registration_id ~ none ~ missing }} "
    "{{ '<b>' ~ school_name }}",
    "string_methods": "{{ '{:>8}'.format(registration_id) }} {{ school_name.split()|first }} "
    "{{ ', '.join(missing) }} {{ note.replace('.', '!') }} "
    "{{ school_name.center(30, '*') }} {{ '%d' % 10**12 }}",
    "large_numbers_are_values_not_widths": "{{ '{:,}'.format(25000000) }} "
    "{{ '{}'.format(registration_id * 100000) }} "
    "{{ 123456789|default(0) }} {{ 12345678|string }}",
    "namespace": "{% set ns = namespace(total=0) %}{% for i in range(10) %}"
    "{% set ns.total = ns.total + i %}{% endfor %}{{ ns.total }}",
    "literals": "{% set d = {'a': [1, 2], 'b': (3, 4)} %}{{ d.a }} {{ d['b'] }} "
    "{% for k, v in d|dictsort %}{{ k }}={{ v }} {% endfor %}",
    "set_block": "{% set greeting %}Dear {{ guardian_name }}{% endset %}{{ greeting }}!",
    "loop_else_and_filter": "{% for m in missing if m != 'x' %}{{ m }}{% else %}none"
    "{% endfor %}{% for m in [] %}{% else %}empty{% endfor %}",
}


@pytest.mark.parametrize("name", sorted(ORDINARY))
def test_an_ordinary_school_template_renders_as_it_did_before_the_limits(renderer, name):
    source = TemplateSource(
        "needs_info",
        "Hi {{ guardian_name }}",
        ORDINARY[name],
        "<p>" + ORDINARY[name] + "</p>",
        "school",
    )

    assert rendered_parts(renderer, source, SAMPLE) == previous_renderer_output(source, SAMPLE)
