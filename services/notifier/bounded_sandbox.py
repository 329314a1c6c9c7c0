"""Jinja's immutable sandbox with a budget (render_limits.py) for a school's templates.

The sandbox's own hooks see every operator (`intercepted_binops` -> `call_binop`), every call
(`call`), `str.format` (`wrap_str_format`) and `range`; the filters are wrapped. What has no
hook of its own is compiled to reach the budget (`_BudgetedCodeGenerator`): each loop turn,
each write (into a macro's or a {% set %} block's buffer as well), each `~` join and each
list, tuple or dict literal. Operations that could build something enormous in one go
(`"x" * 10**10`, `10**10**10`, a format width of 10**9, `sep.join(...)`, `replace`) are
refused before they run; every value made is measured after, so nothing grows step by step.
"""
from __future__ import annotations

import re
import string
import types

from jinja2 import nodes, pass_context
from jinja2.compiler import CodeGenerator
from jinja2.runtime import LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment

from notifier.render_limits import Budget, RenderLimitExceeded, current_budget, measure

# Every arithmetic operator: intercepted ones are also never folded at compile time.
_ARITHMETIC = frozenset({"+", "-", "*", "/", "//", "%", "**"})
# Methods of strings and numbers whose number arguments are the size of what they make.
_WIDTH_METHODS = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs", "to_bytes"})
# Filters whose number arguments are widths or counts of what they make.
_WIDTH_FILTERS = frozenset({"center", "indent", "batch", "slice", "truncate", "wordwrap"})
# A translation table can map each character to a long string: nothing a message needs.
_REFUSED_STRING_METHODS = frozenset({"translate", "maketrans"})
# The filter every for loop's iterable is compiled through, so that each turn is a step.
_LOOP_TURNS = "budgeted_loop"
_PRINTF_FIELD = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")


class _BudgetedCodeGenerator(CodeGenerator):
    def visit_Template(self, node, frame=None):
        # Jinja allows no node types of its own: each loop's iterable goes through a filter.
        for loop in node.find_all(nodes.For):
            loop.iter = nodes.Filter(loop.iter, _LOOP_TURNS, [], [], None, None,
                                     lineno=loop.lineno)
        super().visit_Template(node, frame)

    def _output_child_pre(self, node, frame, finalize):
        self.write("environment.charge_output(")
        super()._output_child_pre(node, frame, finalize)

    def _output_child_post(self, node, frame, finalize):
        super()._output_child_post(node, frame, finalize)
        self.write(")")

    def _output_const_repr(self, group):
        return f"environment.charge_output({super()._output_const_repr(group)})"

    def _checked(self, visit, node, frame, what: str):
        self.write("environment.checked_value(")
        visit(node, frame)
        self.write(f", {what!r})")

    def visit_Concat(self, node, frame):
        self._checked(super().visit_Concat, node, frame, "`~`")

    def visit_List(self, node, frame):
        self._checked(super().visit_List, node, frame, "a list")

    def visit_Dict(self, node, frame):
        self._checked(super().visit_Dict, node, frame, "a dict")

    def visit_Tuple(self, node, frame):
        if node.ctx != "load":  # an assignment target (`for a, b in ...`) is no value
            super().visit_Tuple(node, frame)
        else:
            self._checked(super().visit_Tuple, node, frame, "a tuple")


class BoundedSandbox(ImmutableSandboxedEnvironment):
    code_generator_class = _BudgetedCodeGenerator
    intercepted_binops = _ARITHMETIC

    def __init__(self, **options):
        super().__init__(**options)
        self.globals["range"] = _bounded_range
        # lipsum writes as many paragraphs as it is asked for; no message needs filler text.
        self.globals.pop("lipsum", None)
        self.filters = {name: _bounded_filter(name, function)
                        for name, function in self.filters.items()}
        self.filters[_LOOP_TURNS] = self.budgeted_iter

    def call_binop(self, context, operator, left, right):
        budget = current_budget()
        budget.tick()
        _check_operands(budget, operator, left, right)
        return budget.check_value(super().call_binop(context, operator, left, right),
                                  f"`{operator}`")

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 (Jinja's signature)
        budget = current_budget()
        budget.tick()
        if isinstance(__obj, LoopContext) and args:  # loop(children) in a recursive loop
            args = (__self.budgeted_iter(args[0]), *args[1:])
        args = _checked_method_arguments(budget, __obj, args, kwargs)
        with budget.nested_call():
            result = super().call(__context, __obj, *args, **kwargs)
        return budget.check_value(result, f"calling {_name_of(__obj)}")

    def wrap_str_format(self, value):
        formatting = super().wrap_str_format(value)
        if formatting is None:
            return None
        pattern = value.__self__

        def bounded_format(*args, **kwargs):
            _check_format_widths(current_budget(), pattern)
            return formatting(*args, **kwargs)
        return bounded_format

    # Called from the compiled templates (see _BudgetedCodeGenerator).
    def budgeted_iter(self, iterable):
        budget = current_budget()
        for item in iterable:
            budget.tick()
            yield item

    def charge_output(self, text):
        return current_budget().charge_output(text)

    def checked_value(self, value, what: str):
        budget = current_budget()
        budget.tick()
        return budget.check_value(value, what)




def _bounded_range(*args):
    budget = current_budget()
    budget.tick()
    numbers = range(*args)
    try:
        length = len(numbers)
    except OverflowError:  # longer than Python can even count
        length = float("inf")
    if length > budget.limits.range_length:
        raise RenderLimitExceeded(f"range() of {length:,} numbers is more than the "
                                  f"{budget.limits.range_length:,} a template may count")
    return numbers


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_operands(budget: Budget, operator: str, left, right) -> None:
    """Refuse what would be enormous before Python starts on it."""
    if operator == "*":
        if isinstance(left, int) and isinstance(right, int):
            budget.check_bits(left.bit_length() + right.bit_length(), "`*`")
            return
        times, repeated = (right, left) if isinstance(right, int) else (left, right)
        if isinstance(times, int) and isinstance(repeated, (str, list, tuple)) and times > 0:
            limit = budget.limits.value_size
            budget.check_size(measure(repeated, limit, budget.limits.nesting) * times, "`*`")
    elif operator == "**":
        if isinstance(left, int) and isinstance(right, int) and right > 0 and abs(left) > 1:
            # The fewest bits the power can have: enough to refuse 10**10**10 unevaluated.
            budget.check_bits((abs(left).bit_length() - 1) * right + 1, "`**`")
    elif operator == "%" and isinstance(left, str):
        _check_printf_widths(budget, left)


def _check_printf_widths(budget: Budget, pattern: str) -> None:
    for width, precision in _PRINTF_FIELD.findall(pattern):
        for number in (width, precision):
            if number == "*":
                raise RenderLimitExceeded("a %-format width taken from the arguments (*) is "
                                          "not allowed")
            if number:
                budget.check_width(int(number), "a %-format width or precision")


def _check_format_widths(budget: Budget, pattern: str) -> None:
    for _literal, field, spec, _conversion in string.Formatter().parse(pattern):
        if field is None or not spec:
            continue
        if "{" in spec:
            raise RenderLimitExceeded("a format width taken from the arguments ({...} inside "
                                      "a format spec) is not allowed")
        for number in re.findall(r"\d+", spec):
            budget.check_width(int(number), "a format width or precision")


def _checked_method_arguments(budget: Budget, function, args: tuple, kwargs: dict) -> tuple:
    """The arguments for a method of a string or a number, once they are safe."""
    owner = getattr(function, "__self__", None)
    if not isinstance(owner, (str, bytes, int)):
        return args
    name = getattr(function, "__name__", "method")
    if name in _WIDTH_METHODS:
        for argument in (*args, *kwargs.values()):
            budget.check_width(argument, f"{name}()")
    if not isinstance(owner, str):
        return args
    if name in _REFUSED_STRING_METHODS:
        raise RenderLimitExceeded(f"{name}() is not available in templates")
    if name == "join" and args:
        items = list(args[0])
        budget.check_size(len(owner) * max(len(items) - 1, 0)
                          + measure(items, budget.limits.value_size, budget.limits.nesting),
                          "join()")
        return (items, *args[1:])
    if name == "replace" and len(args) >= 2:
        count = args[2] if len(args) > 2 else kwargs.get("count", -1)
        _check_replace(budget, owner, args[0], args[1], count, "replace()")
    if name == "expandtabs":
        tabsize = args[0] if args else kwargs.get("tabsize", 8)
        if isinstance(tabsize, int):
            budget.check_size(len(owner) + owner.count("\t") * tabsize, "expandtabs()")
    return args


def _check_replace(budget: Budget, text: str, old, new, count, what: str) -> None:
    old, new = str(old), str(new)
    hits = text.count(old) if old else len(text) + 1
    if isinstance(count, int) and count >= 0:
        hits = min(hits, count)
    budget.check_size(len(text) + hits * len(new), what)


def _bounded_filter(name: str, function):
    """The filter, with its arguments checked before and its result measured after."""
    passes = getattr(function, "jinja_pass_arg", None)
    passes = passes.name if passes is not None else None

    @pass_context
    def bounded(context, value, *args, **kwargs):
        budget = current_budget()
        budget.tick()
        value = _checked_filter_input(budget, name, value, args, kwargs)
        leading = {"context": (context,), "eval_context": (context.eval_ctx,),
                   "environment": (context.environment,)}.get(passes, ())
        return budget.check_value(function(*leading, value, *args, **kwargs),
                                  f"the {name} filter")
    return bounded


def _argument(args: tuple, kwargs: dict, position: int, name: str, default=None):
    return args[position] if len(args) > position else kwargs.get(name, default)


def _checked_filter_input(budget: Budget, name: str, value, args: tuple, kwargs: dict):
    """The filter's input, once the filter cannot make too much of it."""
    what = f"the {name} filter"
    if name in _WIDTH_FILTERS:
        for argument in (*args, *kwargs.values()):
            budget.check_width(argument, what)
    if name == "format" and isinstance(value, str):
        _check_printf_widths(budget, value)
    elif name == "replace" and len(args) >= 2:
        _check_replace(budget, str(value), args[0], args[1],
                       _argument(args, kwargs, 2, "count"), what)
    elif name == "join":
        value = list(value)
        separator = str(_argument(args, kwargs, 0, "d", ""))
        budget.check_size(len(separator) * max(len(value) - 1, 0)
                          + measure(value, budget.limits.value_size, budget.limits.nesting),
                          what)
    elif name == "indent":
        width = _argument(args, kwargs, 0, "width", 4)
        per_line = len(width) if isinstance(width, str) else width
        if isinstance(per_line, int):
            text = str(value)
            budget.check_size(len(text) + (text.count("\n") + 1) * per_line, what)
    elif name == "wordwrap":
        width = _argument(args, kwargs, 0, "width", 79)
        wrap = str(_argument(args, kwargs, 2, "wrapstring") or "\n")
        text = str(value)
        if isinstance(width, int):
            # Two lines hold more than `width` characters between them: at most this many.
            breaks = 2 * len(text) // max(width, 1) + 1
            budget.check_size(len(text) + breaks * len(wrap), what)
    elif name == "urlize":
        added = sum(len(argument) for argument in (*args, *kwargs.values())
                    if isinstance(argument, str))
        text = str(value)
        budget.check_size(len(text) * (2 + added), what)
    elif name == "sum":
        start = _argument(args, kwargs, 1, "start", 0)
        if not _is_number(start):
            raise RenderLimitExceeded("the sum filter adds numbers only (start must be a "
                                      "number)")
    return value


def _name_of(function) -> str:
    name = getattr(function, "__name__", None) or type(function).__name__
    return f"{name}()"
