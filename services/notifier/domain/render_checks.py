"""What an operation of a school's template would make, checked before it runs: the operands
of `*` and `**`, format widths, the arguments of string methods and filters that can make far
more than they are given. The sandbox (bounded_sandbox.py) calls these; each raises
`RenderLimitExceeded` naming the limit, or returns what the operation may go on with."""

from __future__ import annotations

import re
import string
import sys

from notifier.domain.render_limits import Budget, RenderLimitExceeded, current_budget, measure

# Methods of strings whose number arguments are the size of what they make.
_WIDTH_METHODS = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs"})
# Filters whose number arguments are widths or counts of what they make (round: its precision
# is a power of ten it computes).
_WIDTH_FILTERS = frozenset({"center", "indent", "batch", "slice", "truncate", "wordwrap", "round"})
# Nothing a message needs, and each a way around the checks: a translation table can map each
# character to a long string; bytes (encode, to_bytes) have methods of their own to check.
_REFUSED_METHODS = frozenset({"translate", "maketrans", "encode", "to_bytes"})
# A %-format conversion: its width and precision (digits, or `*`: taken from the arguments)
# and its type (`%%` writes a percent sign).
_PRINTF_FIELD = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?(.?)")
# The most characters a number, a date or the like prints as (a 128-bit number: 39 digits).
SHORT_PRINT = 64


def bounded_range(*args):
    budget = current_budget()
    budget.tick()
    numbers = range(*args)
    try:
        counted = f"{len(numbers):,}" if len(numbers) > budget.limits.range_length else None
    except OverflowError:  # longer than Python can even count
        counted = f"more than {sys.maxsize:,}"
    if counted is not None:
        raise RenderLimitExceeded(
            f"range() would count {counted} numbers; a template may "
            f"count at most {budget.limits.range_length:,}"
        )
    return numbers


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def check_operands(budget: Budget, operator: str, left, right) -> None:
    """Refuse what would be enormous before Python starts on it."""
    if operator == "*":
        if isinstance(left, int) and isinstance(right, int):
            budget.check_bits(left.bit_length() + right.bit_length(), "`*`")
            return
        times, repeated = (right, left) if isinstance(right, int) else (left, right)
        if isinstance(times, int) and isinstance(repeated, (str, bytes, list, tuple)) and times > 0:
            limit = budget.limits.value_size
            budget.check_size(measure(repeated, limit, budget.limits.nesting) * times, "`*`")
    elif operator == "**":
        if isinstance(left, int) and isinstance(right, int) and right > 0 and abs(left) > 1:
            # The fewest bits the power can have: enough to refuse 10**10**10 unevaluated.
            budget.check_bits((abs(left).bit_length() - 1) * right + 1, "`**`")
    elif operator == "%" and isinstance(left, str):
        check_printf(budget, left, right, "`%`")


def check_printf(budget: Budget, pattern: str, arguments, what: str) -> None:
    """`pattern % arguments` (and the format filter): widths within the limit, and the fields
    times the largest argument within the value size (`"%s" * 20000 % ...` is refused)."""
    fields = widest = 0
    for width, precision, conversion in _PRINTF_FIELD.findall(pattern):
        if conversion == "%":
            continue
        fields += 1
        for number in (width, precision):
            if number == "*":
                raise RenderLimitExceeded(
                    "a %-format width taken from the arguments (*) is not allowed"
                )
            if number:
                budget.check_width(int(number), "a %-format width or precision")
                widest = max(widest, int(number))
    if isinstance(arguments, dict):
        arguments = list(arguments.values())
    elif not isinstance(arguments, tuple):
        arguments = [arguments]
    _check_formatted_size(budget, pattern, fields, widest, arguments, what)


def check_format(budget: Budget, pattern: str, arguments, what: str) -> None:
    """`pattern.format(...)` and `format_map`: as check_printf, for format specs."""
    fields = widest = 0
    for _literal, field, spec, _conversion in string.Formatter().parse(pattern):
        if field is None:
            continue
        fields += 1
        if "{" in (spec or ""):
            raise RenderLimitExceeded(
                "a format width taken from the arguments ({...} inside "
                "a format spec) is not allowed"
            )
        for number in re.findall(r"\d+", spec or ""):
            budget.check_width(int(number), "a format width or precision")
            widest = max(widest, int(number))
    _check_formatted_size(budget, pattern, fields, widest, arguments, what)


def _check_formatted_size(
    budget: Budget, pattern: str, fields: int, widest: int, arguments, what: str
) -> None:
    largest = max((printed_size(budget, argument) for argument in arguments), default=0)
    budget.check_size(len(pattern) + fields * (largest + widest), what)


def printed_size(budget: Budget, value) -> int:
    """About how long `value` is once printed: a string its length, a container what it
    holds, anything else (a number, a date) at most SHORT_PRINT."""
    size = measure(value, budget.limits.value_size, budget.limits.nesting)
    return size if isinstance(value, (str, list, tuple, dict)) else max(size, SHORT_PRINT)


def checked_method_arguments(budget: Budget, function, args: tuple, kwargs: dict) -> tuple:
    """The arguments for a method of a string or a number, once they are safe."""
    owner = getattr(function, "__self__", None)
    if not isinstance(owner, (str, int, float)):
        return args
    name = getattr(function, "__name__", "method")
    if name in _REFUSED_METHODS:
        raise RenderLimitExceeded(f"{name}() is not available in templates")
    if not isinstance(owner, str):
        return args
    if name in _WIDTH_METHODS:
        for argument in (*args, *kwargs.values()):
            budget.check_width(argument, f"{name}()")
    if name == "join" and args:
        items = list(args[0])
        budget.check_size(
            len(owner) * max(len(items) - 1, 0)
            + measure(items, budget.limits.value_size, budget.limits.nesting),
            "join()",
        )
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


def _argument(args: tuple, kwargs: dict, position: int, name: str, default=None):
    return args[position] if len(args) > position else kwargs.get(name, default)


def checked_filter_input(budget: Budget, name: str, value, args: tuple, kwargs: dict):
    """The filter's input, once the filter cannot make too much of it."""
    what = f"the {name} filter"
    if name in _WIDTH_FILTERS:
        for argument in (*args, *kwargs.values()):
            budget.check_width(argument, what)
    check = _FILTER_CHECKS.get(name)
    return value if check is None else check(budget, value, args, kwargs, what)


def _format_filter(budget: Budget, value, args: tuple, kwargs: dict, what: str):
    if isinstance(value, str):
        check_printf(budget, value, kwargs or args, what)
    return value


def _replace_filter(budget: Budget, value, args: tuple, kwargs: dict, what: str):
    if len(args) >= 2:
        _check_replace(
            budget, str(value), args[0], args[1], _argument(args, kwargs, 2, "count"), what
        )
    return value


def _join_filter(budget: Budget, value, args: tuple, kwargs: dict, what: str):
    items = list(value)  # joined as listed here, so that what is measured is what is joined
    separator = str(_argument(args, kwargs, 0, "d", ""))
    budget.check_size(
        len(separator) * max(len(items) - 1, 0)
        + measure(items, budget.limits.value_size, budget.limits.nesting),
        what,
    )
    return items


def _indent_filter(budget: Budget, value, args: tuple, kwargs: dict, what: str):
    width = _argument(args, kwargs, 0, "width", 4)
    per_line = len(width) if isinstance(width, str) else width
    if isinstance(per_line, int):
        text = str(value)
        budget.check_size(len(text) + (text.count("\n") + 1) * per_line, what)
    return value


def _wordwrap_filter(budget: Budget, value, args: tuple, kwargs: dict, what: str):
    width = _argument(args, kwargs, 0, "width", 79)
    wrap = str(_argument(args, kwargs, 2, "wrapstring") or "\n")
    if isinstance(width, int):
        text = str(value)
        # Two lines hold more than `width` characters between them: at most this many breaks.
        breaks = 2 * len(text) // max(width, 1) + 1
        budget.check_size(len(text) + breaks * len(wrap), what)
    return value


def _urlize_filter(budget: Budget, value, args: tuple, kwargs: dict, what: str):
    # Each link repeats its address and adds the given target, rel...: at most this much.
    added = sum(
        len(argument) for argument in (*args, *kwargs.values()) if isinstance(argument, str)
    )
    budget.check_size(len(str(value)) * (2 + added), what)
    return value


def _sum_filter(budget: Budget, value, args: tuple, kwargs: dict, what: str):
    if not _is_number(_argument(args, kwargs, 1, "start", 0)):
        # Adding lists or strings one by one copies them over and over.
        raise RenderLimitExceeded(f"{what} adds numbers only (start must be a number)")
    return value


_FILTER_CHECKS = {
    "format": _format_filter,
    "replace": _replace_filter,
    "join": _join_filter,
    "indent": _indent_filter,
    "wordwrap": _wordwrap_filter,
    "urlize": _urlize_filter,
    "sum": _sum_filter,
}
