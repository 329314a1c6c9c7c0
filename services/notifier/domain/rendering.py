"""Templates rendered in Jinja's sandbox: subject and text as plain text, HTML autoescaped.

A template can only read the variables it is given (the sandbox refuses attributes such as
__class__), may only do so much work (render_limits.py: time, steps, output and value sizes),
and anything a template does wrong (bad syntax, a variable used that is not there, a filter
that fails, a limit passed) becomes `TemplateFailed` with the template and the reason, never
an exception from deeper down.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from jinja2 import Template, TemplateSyntaxError

from notifier.domain.bounded_sandbox import BoundedSandbox
from notifier.domain.render_limits import (
    Budget,
    RenderLimitExceeded,
    RenderLimits,
    RenderTooSlow,
    spending,
)

# Longest subject written: mail clients show far less, and the column holds 500.
MAX_SUBJECT_LENGTH = 250
# Compiled templates kept per process: every school's overrides and the defaults.
COMPILED_CACHE_SIZE = 1024
# Parts that ran out of time, remembered so that each further message they write fails at once
# instead of holding the worker for the time limit again (a changed wording is a new part).
SLOW_PARTS_REMEMBERED = 1024
PARTS = ("subject", "text", "html")
# {% trans %} and _(): the built-in templates are worded through the catalogs; the composer
# hands each render the gettext of the family's language in its variables.
I18N = "jinja2.ext.i18n"
# What Jinja names the code of a template compiled from a string, in tracebacks.
TEMPLATE_FILENAME = "<template>"


class TemplateFailed(Exception):
    """A template could not be compiled or rendered; the message says which and why, and
    `line` the template's line at fault when Jinja knows it."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class TemplateSource:
    key: str
    subject: str
    text: str
    html: str
    origin: str  # "default" (the files) or "school" (t_message_template)

    def part(self, name: str) -> str:
        return getattr(self, name)


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    text: str
    html: str


class Renderer:
    def __init__(self, limits: RenderLimits = RenderLimits()):
        self._limits = limits
        self._plain = BoundedSandbox(
            autoescape=False, keep_trailing_newline=True, extensions=[I18N]
        )
        self._html = BoundedSandbox(autoescape=True, keep_trailing_newline=True, extensions=[I18N])
        for sandbox in (self._plain, self._html):
            # English when a render brings no language of its own (a preview, a check).
            sandbox.install_null_translations()
        self._compile = functools.lru_cache(maxsize=COMPILED_CACHE_SIZE)(self._compile_source)
        self._too_slow: dict[tuple[bool, str], None] = {}  # oldest first

    def render(self, source: TemplateSource, context: dict) -> RenderedMessage:
        rendered = {part: self._render_part(source, part, context) for part in PARTS}
        subject = " ".join(rendered["subject"].split())[:MAX_SUBJECT_LENGTH]
        if not subject:
            raise TemplateFailed(f"{_name(source)}: the subject is empty")
        return RenderedMessage(subject, rendered["text"], rendered["html"])

    def check(self, source: TemplateSource, sample: dict) -> dict[str, str]:
        """Problems per part (empty when none), rendering against a sample of variables."""
        return {part: str(failure) for part, failure in self.failures(source, sample).items()}

    def failures(self, source: TemplateSource, sample: dict) -> dict[str, TemplateFailed]:
        """What goes wrong per part (empty when nothing), each with its line when known."""
        failures = {}
        for part in PARTS:
            try:
                self._render_part(source, part, sample)
            except TemplateFailed as exc:
                failures[part] = exc
        return failures

    def _render_part(self, source: TemplateSource, part: str, context: dict) -> str:
        text = source.part(part)
        if len(text) > self._limits.source_chars:
            raise TemplateFailed(
                f"{_name(source)} ({part}): the template is {len(text):,} "
                f"characters long; at most {self._limits.source_chars:,} are "
                "compiled"
            )
        compiled_as = (part == "html", text)
        if compiled_as in self._too_slow:
            raise TemplateFailed(
                f"{_name(source)} ({part}): the template took longer than "
                f"{self._limits.seconds:g} s to render for an earlier message; "
                "it is not rendered again until it changes"
            )
        try:
            template = self._compile(*compiled_as)
            # Each part its own budget; generate() hands over what is written as it is written.
            with spending(Budget(self._limits)):
                return "".join(template.generate(context))
        except RenderLimitExceeded as exc:
            if isinstance(exc, RenderTooSlow):
                self._remember_too_slow(compiled_as)
            raise TemplateFailed(f"{_name(source)} ({part}): {exc}", _line_of(exc)) from None
        except Exception as exc:  # a template may fail in any way; it must not stop the worker
            raise TemplateFailed(
                f"{_name(source)} ({part}): {type(exc).__name__}: {_one_line(str(exc))}",
                _line_of(exc),
            ) from None

    def _remember_too_slow(self, compiled_as: tuple[bool, str]) -> None:
        self._too_slow[compiled_as] = None
        if len(self._too_slow) > SLOW_PARTS_REMEMBERED:
            del self._too_slow[next(iter(self._too_slow))]

    def _compile_source(self, html: bool, text: str) -> Template:
        return (self._html if html else self._plain).from_string(text)


def _name(source: TemplateSource) -> str:
    return f"template {source.key} ({source.origin})"


def _line_of(error: BaseException) -> int | None:
    """The template's line at fault: a syntax error's own, else the last frame of the
    template's code in the traceback (Jinja rewrites those frames to the template's lines)."""
    if isinstance(error, TemplateSyntaxError):
        return error.lineno
    line, frame = None, error.__traceback__
    while frame is not None:
        if frame.tb_frame.f_code.co_filename == TEMPLATE_FILENAME:
            line = frame.tb_lineno
        frame = frame.tb_next
    return line


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()[:300]
