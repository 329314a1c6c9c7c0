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

from jinja2 import nodes, pass_context
from jinja2.compiler import CodeGenerator
from jinja2.runtime import LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment

from notifier.domain.render_checks import (
    bounded_range,
    check_format,
    check_operands,
    checked_filter_input,
    checked_method_arguments,
    printed_size,
)
from notifier.domain.render_limits import current_budget

# Every arithmetic operator: intercepted ones are also never folded at compile time.
_ARITHMETIC = frozenset({"+", "-", "*", "/", "//", "%", "**"})
# The filter every for loop's iterable is compiled through, so that each turn is a step.
_LOOP_TURNS = "budgeted_loop"


class _BudgetedCodeGenerator(CodeGenerator):
    def visit_Template(self, node, frame=None):
        # Jinja allows no node types of its own: each loop's iterable goes through a filter.
        for loop in node.find_all(nodes.For):
            loop.iter = nodes.Filter(loop.iter, _LOOP_TURNS, [], [], None, None, lineno=loop.lineno)
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
        # Jinja's own, with the parts measured before they are joined: `a ~ a ~ a ...` would
        # otherwise build the whole string first.
        if frame.eval_ctx.volatile:
            join = "(markup_join if context.eval_ctx.volatile else str_join)"
        elif frame.eval_ctx.autoescape:
            join = "markup_join"
        else:
            join = "str_join"
        self.write(f"environment.joined({join}, (")
        for part in node.nodes:
            self.visit(part, frame)
            self.write(", ")
        self.write("))")

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
        self.globals["range"] = bounded_range
        # lipsum writes as many paragraphs as it is asked for; no message needs filler text.
        self.globals.pop("lipsum", None)
        self.filters = {
            name: _bounded_filter(name, function) for name, function in self.filters.items()
        }
        self.filters[_LOOP_TURNS] = self.budgeted_iter

    def call_binop(self, context, operator, left, right):
        budget = current_budget()
        budget.tick()
        check_operands(budget, operator, left, right)
        return budget.check_value(
            super().call_binop(context, operator, left, right), f"`{operator}`"
        )

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 (Jinja's signature)
        budget = current_budget()
        budget.tick()
        if isinstance(__obj, LoopContext) and args:  # loop(children) in a recursive loop
            args = (__self.budgeted_iter(args[0]), *args[1:])
        args = checked_method_arguments(budget, __obj, args, kwargs)
        with budget.nested_call():
            result = super().call(__context, __obj, *args, **kwargs)
        return budget.check_value(result, f"calling {_name_of(__obj)}")

    def wrap_str_format(self, value):
        formatting = super().wrap_str_format(value)
        if formatting is None:
            return None
        pattern, name = value.__self__, value.__name__

        def bounded_format(*args, **kwargs):
            mapping = args[0] if name == "format_map" and args else {}
            arguments = (
                [*args, *kwargs.values()]
                if name == "format"
                else list(mapping.values())
                if isinstance(mapping, dict)
                else []
            )
            check_format(current_budget(), pattern, arguments, f"{name}()")
            return formatting(*args, **kwargs)

        return bounded_format

    # Called from the compiled templates (see _BudgetedCodeGenerator).
    def budgeted_iter(self, iterable):
        budget = current_budget()
        for item in iterable:
            budget.tick()
            yield item

    def joined(self, join, parts: tuple):
        budget = current_budget()
        budget.tick()
        budget.check_size(sum(printed_size(budget, part) for part in parts), "`~`")
        return budget.check_value(join(parts), "`~`")

    def charge_output(self, text):
        return current_budget().charge_output(text)

    def checked_value(self, value, what: str):
        budget = current_budget()
        budget.tick()
        return budget.check_value(value, what)


def _bounded_filter(name: str, function):
    """The filter, with its arguments checked before and its result measured after."""
    passes = getattr(function, "jinja_pass_arg", None)
    passes = passes.name if passes is not None else None

    @pass_context
    def bounded(context, value, *args, **kwargs):
        budget = current_budget()
        budget.tick()
        value = checked_filter_input(budget, name, value, args, kwargs)
        leading = {
            "context": (context,),
            "eval_context": (context.eval_ctx,),
            "environment": (context.environment,),
        }.get(passes, ())
        return budget.check_value(function(*leading, value, *args, **kwargs), f"the {name} filter")

    return bounded


def _name_of(function) -> str:
    name = getattr(function, "__name__", None) or type(function).__name__
    return f"{name}()"
