"""How much work one part of a school's template may do, and the budget that counts it.

A school writes its own templates, and the worker renders them for every school in turn: a
template that loops for ever, builds a string of gigabytes or computes 10**10**10 would stall
mail for everyone. Each part (subject, text, HTML) is rendered against a fresh `Budget`; the
sandbox (bounded_sandbox.py, render_checks.py) asks it before and after each step that could
cost much, and any limit passed raises `RenderLimitExceeded` with what was passed, so the
message fails alone.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from jinja2.utils import Namespace

# Characters of one part's source: what the API accepts; a longer one put straight into the
# table would take seconds to compile before any other limit is checked.
MAX_SOURCE_CHARS = 100_000
# CPU time one part may take: the defaults take milliseconds, and the worker renders every
# school's mail in turn, so a slow template must not hold the others for long. The thread's
# CPU time, not the wall clock, so that a busy machine keeping the worker waiting does not fail
# a good template.
RENDER_SECONDS = 1.0
# Loop turns, calls, filters, operators and writes one part may take: a digest of a hundred
# items takes a few thousand; this is far past any message and far short of a stall.
MAX_STEPS = 100_000
# Characters one part may write, macros' and {% set %} blocks' output counted as written: a
# message that long is not one a family reads (mail clients clip near 100 KB).
MAX_OUTPUT_CHARS = 500_000
# Characters or items in any one value a template builds (a string, a list and what it holds):
# a whole part's worth, so that no single operation can take the worker's memory.
MAX_VALUE_SIZE = 100_000
# Bits of a whole number a template computes: amounts and counts fit many times over, while
# 10**10**10 (a number of ten billion digits) is refused before it is computed.
MAX_NUMBER_BITS = 128
# Numbers range() may count: longer lists than any message shows.
MAX_RANGE = 10_000
# A width, padding or count given to a filter or a string method (center, indent, truncate,
# batch, round, ljust, zfill...): room for any layout, far from a string of gigabytes.
MAX_WIDTH = 10_000
# Macros calling macros: enough to compose a message, a macro calling itself without end is
# stopped long before Python's own recursion limit.
MAX_CALL_DEPTH = 30
# Lists in lists (and dicts, namespaces) a value may nest: sample data nests three deep.
MAX_NESTING = 20


class RenderLimitExceeded(Exception):
    """A template tried to do more than one message may; the message says which limit."""


class RenderTooSlow(RenderLimitExceeded):
    """The time limit in particular: the one that costs the worker its whole length."""


# Reading the thread's CPU clock is a system call, slower than a step itself: it is read every
# this many steps (microseconds of work apart), so a plain receipt is not slowed by its own
# time limit, and a template over the limit is still stopped within a fraction of a millisecond.
CLOCK_EVERY_STEPS = 32


@dataclass(frozen=True)
class RenderLimits:
    source_chars: int = MAX_SOURCE_CHARS
    seconds: float = RENDER_SECONDS
    steps: int = MAX_STEPS
    output_chars: int = MAX_OUTPUT_CHARS
    value_size: int = MAX_VALUE_SIZE
    number_bits: int = MAX_NUMBER_BITS
    range_length: int = MAX_RANGE
    width: int = MAX_WIDTH
    call_depth: int = MAX_CALL_DEPTH
    nesting: int = MAX_NESTING


class Budget:
    """What one part has spent so far: steps, characters written, CPU time, call depth."""

    def __init__(self, limits: RenderLimits):
        self.limits = limits
        self._deadline = time.thread_time() + limits.seconds
        self._steps = 0
        self._written = 0
        self._depth = 0

    def tick(self) -> None:
        self._steps += 1
        if self._steps > self.limits.steps:
            raise RenderLimitExceeded(
                f"the template takes more than {self.limits.steps:,} steps (loop turns, calls, "
                "filters, operations); at most that many are allowed"
            )
        if self._steps % CLOCK_EVERY_STEPS == 0 and time.thread_time() > self._deadline:
            raise RenderTooSlow(
                f"the template takes longer than {self.limits.seconds:g} s to render"
            )

    def charge_output(self, text):
        self.tick()
        self._written += len(text)
        if self._written > self.limits.output_chars:
            raise RenderLimitExceeded(
                f"the template writes more than {self.limits.output_chars:,} characters"
            )
        return text

    def check_value(self, value, what: str):
        """The value, when it is within the size and number limits."""
        if isinstance(value, int) and not isinstance(value, bool):
            self.check_bits(value.bit_length(), what)
        elif measure(value, self.limits.value_size, self.limits.nesting) > self.limits.value_size:
            self.refuse_size(what)
        return value

    def check_size(self, size: int, what: str) -> None:
        if size > self.limits.value_size:
            self.refuse_size(what)

    def refuse_size(self, what: str) -> None:
        raise RenderLimitExceeded(
            f"{what} would make a value of more than {self.limits.value_size:,} characters or items"
        )

    def check_bits(self, bits: int, what: str) -> None:
        if bits > self.limits.number_bits:
            raise RenderLimitExceeded(
                f"{what} would make a number of more than {self.limits.number_bits} bits"
            )

    def check_width(self, number, what: str) -> None:
        if (
            isinstance(number, int)
            and not isinstance(number, bool)
            and abs(number) > self.limits.width
        ):
            raise RenderLimitExceeded(
                f"{what} was given {number:,}; widths and counts given "
                f"to filters and methods are at most {self.limits.width:,}"
            )

    @contextmanager
    def nested_call(self):
        self._depth += 1
        try:
            if self._depth > self.limits.call_depth:
                raise RenderLimitExceeded(
                    f"calls nest more than {self.limits.call_depth} deep (a macro that calls "
                    "itself without end?)"
                )
            yield
        finally:
            self._depth -= 1


_current: ContextVar[Budget] = ContextVar("notifier_render_budget")


@contextmanager
def spending(budget: Budget):
    """Make `budget` the one the sandbox charges while the block runs."""
    token = _current.set(budget)
    try:
        yield budget
    finally:
        _current.reset(token)


def current_budget() -> Budget:
    try:
        return _current.get()
    except LookupError:
        raise RenderLimitExceeded("a template ran outside a render budget") from None


_END = object()


def measure(value, limit: int, nesting: int) -> int:
    """Characters of strings plus items of containers in `value`, nested ones included,
    counted only until past `limit` (so measuring costs at most about `limit` steps)."""
    total = 0
    pending = [iter((value,))]
    while pending:
        item = next(pending[-1], _END)
        if item is _END:
            pending.pop()
            continue
        # Every item counts at least one, so that measuring stops within `limit` steps.
        total += max(len(item), 1) if isinstance(item, (str, bytes)) else 1
        inner = _contents(item)
        if inner is not None:
            if len(pending) > nesting:
                raise RenderLimitExceeded(f"a value nests more than {nesting} levels deep")
            pending.append(iter(inner))
        if total > limit:
            break
    return total


def _contents(item):
    if isinstance(item, (str, bytes)):
        return None
    if isinstance(item, (list, tuple, set, frozenset)):
        return item
    if isinstance(item, dict):
        return [part for pair in item.items() for part in pair]
    if isinstance(item, Namespace):
        # Jinja keeps a namespace's attributes in a private dict; its repr prints them all.
        return _contents(getattr(item, "_Namespace__attrs", {}))
    return None
