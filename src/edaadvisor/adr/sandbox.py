"""Jinja2's sandbox, bounded in work and size, for templates a team (or a stranger) writes.

``SandboxedEnvironment`` keeps a template away from Python's internals but not from the
machine: ``{{ 2**20000 }}``, ``{{ '%0999999999d' % 1 }}``, ``lipsum(n=10**7)``, ``indent(10**9)``,
nested ``range(100000)`` loops or a string doubled in a loop each cost seconds to minutes and
gigabytes. ``BoundedSandbox`` checks the size of every result that can grow faster than its
inputs (operators, concatenation, the growing filters and string methods) before building it,
counts loop iterations, and ``render_bounded`` stops the output at ``MAX_OUTPUT``. Breaking a
bound raises ``LimitExceeded``, which the renderer turns into one message, exit 2.

Sizes alone miss sharing: ``[[1] * 100000] * 100000`` is 100,000 references to one list, cheap
to build, but ten billion characters once printed, joined or encoded. So every value that is
turned into text or handed to a filter or a string method is weighed first (``weigh``: the
characters its text would have, counting shared parts each time they appear), and the walk
stops as soon as the bound is passed, so weighing costs no more than the bound.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment
from jinja2.utils import Namespace, generate_lorem_ipsum

MAX_OUTPUT = 1 << 20
"""Characters of ADR a template may produce; the shipped ones write about 20,000."""
MAX_STRING = MAX_OUTPUT
MAX_ITEMS = 100_000
"""Items in one list, range or repetition."""
MAX_ITERATIONS = 200_000
"""Loop iterations in one rendering, nested loops counted together."""
MAX_BUILT = 64 << 20
"""Characters built by concatenation, repetition and formatting in one rendering."""
MAX_INT_BITS = 4096
MAX_WIDTH = 10_000
"""Largest width, indent or precision a filter, method or ``%`` format may ask for."""

_PRINTF = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d*))?")
_WIDTH_METHODS = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs"})
_WIDTH_FILTERS = frozenset({"center", "indent", "wordwrap", "truncate", "batch", "slice"})


class LimitExceeded(Exception):
    """A template asked for more work or text than an ADR can need."""


def _sized(value: Any) -> int:
    return len(value) if isinstance(value, str | list | tuple | dict | set) else 0


_WALKED = (list, tuple, set, frozenset, dict, Namespace)
"""Values whose text is built from their parts, which may be shared: these are weighed."""


def weigh(value: Any, bound: int) -> int:
    """About how many characters ``str(value)`` has, counted until it passes ``bound``.

    Shared parts count each time they appear, as in the text; every step adds at least one,
    so the walk takes at most ``bound`` steps, whatever the value (a list holding itself too).
    """
    total = 0
    stack = [value]
    while stack and total <= bound:
        item = stack.pop()
        if isinstance(item, str):
            total += len(item) + 2
        elif _is_int(item):
            total += item.bit_length() // 3 + 1
        elif isinstance(item, Namespace):
            stack.append(item._Namespace__attrs)
        elif isinstance(item, dict):
            total += 2 + 4 * len(item)
            if total <= bound:
                stack.extend(item.keys())
                stack.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            total += 2 + 2 * len(item)
            if total <= bound:
                stack.extend(item)
        else:
            total += 1  # the report's own objects: their text is the knowledge's, bounded
    return total


class _Generator(CodeGenerator):
    """Compiles ``a ~ b`` to a checked join."""

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.bounded_concat((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class BoundedSandbox(SandboxedEnvironment):
    """The sandbox with bounds on work and size; one instance renders one template."""

    code_generator_class = _Generator
    intercepted_binops = frozenset({"**", "*", "%", "+"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.iterations = 0
        self.built = 0
        given = self.finalize

        def finalize(value: Any) -> Any:
            self.weigh(value)  # before it becomes text, whatever ``given`` does with it
            return given(value) if given is not None else value

        self.finalize = finalize
        self.globals["range"] = self._range
        self.globals["lipsum"] = self._lipsum
        self.filters["_counted"] = self._counted
        self.filters["format"] = self._format_filter
        self.filters["replace"] = self._replace_filter
        self.filters["join"] = self._checked_join_filter(self.filters["join"])
        self.filters["tojson"] = self._checked(self.filters["tojson"], indent_only=True)
        for name in _WIDTH_FILTERS:
            self.filters[name] = self._checked(self.filters[name])
        # last, so it covers the filters above, the template's own and those added later
        self.filters = _WeighingFilters(self, self.filters)

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        # every loop runs over a counting iterator, so nested loops share one budget
        for loop in tree.find_all(nodes.For):
            loop.iter = nodes.Filter(loop.iter, "_counted", [], [], None, None, lineno=loop.lineno)
        return tree

    # -- accounting ------------------------------------------------------------------------

    def weigh(self, *values: Any) -> None:
        """Refuse a value whose text would pass ``MAX_STRING``; the walk is work, so spent."""
        for value in values:
            if isinstance(value, _WALKED):
                size = weigh(value, MAX_STRING)
                if size > MAX_STRING:
                    raise LimitExceeded(
                        f"a value whose text would pass {MAX_STRING:,} characters"
                    )
                self.spend(size)

    def spend(self, size: int, limit: int = MAX_STRING, what: str = "a text") -> None:
        if size > limit:
            unit = "characters" if limit == MAX_STRING else "items"
            raise LimitExceeded(f"{what} of {size:,} {unit} (at most {limit:,})")
        self.built += size
        if self.built > MAX_BUILT:
            raise LimitExceeded(f"more than {MAX_BUILT:,} characters of text built in all")

    def _counted(self, iterable: Iterable[Any]) -> Iterator[Any]:
        for item in iterable:
            self.iterations += 1
            if self.iterations > MAX_ITERATIONS:
                raise LimitExceeded(f"more than {MAX_ITERATIONS:,} loop iterations")
            yield item

    def bounded_concat(self, parts: tuple[Any, ...]) -> str:
        self.weigh(*parts)
        texts = [str(part) for part in parts]
        self.spend(sum(map(len, texts)))
        return "".join(texts)

    # -- operators -------------------------------------------------------------------------

    def call_binop(self, context: Context, operator_: str, left: Any, right: Any) -> Any:
        if operator_ == "**":
            self._check_power(left, right)
        elif operator_ == "*":
            self._check_product(left, right)
        elif operator_ == "+" and isinstance(left, str | list | tuple):
            self.spend(_sized(left) + _sized(right))
        elif operator_ == "%" and isinstance(left, str):
            _check_printf(left)
            self.weigh(right)  # its items become text
        result = self.binop_table[operator_](left, right)
        if operator_ == "%" and isinstance(result, str):
            self.spend(len(result))
        return result

    def _check_power(self, base: Any, exponent: Any) -> None:
        if _is_int(base) and _is_int(exponent) and abs(base) > 1 and exponent > 0:
            bits = base.bit_length() * exponent
            if bits > MAX_INT_BITS:
                raise LimitExceeded(f"a number of about {bits:,} bits (at most {MAX_INT_BITS})")

    def _check_product(self, left: Any, right: Any) -> None:
        if _is_int(left) and _is_int(right):
            bits = left.bit_length() + right.bit_length()
            if bits > MAX_INT_BITS:
                raise LimitExceeded(f"a number of about {bits:,} bits (at most {MAX_INT_BITS})")
            return
        for seq, times in ((left, right), (right, left)):
            if isinstance(seq, str | list | tuple) and _is_int(times):
                limit = MAX_STRING if isinstance(seq, str) else MAX_ITEMS
                self.spend(len(seq) * max(times, 0), limit, "a repetition")
                # the copies share their items: weigh the whole without building it
                if not isinstance(seq, str) and times > 1 and (
                    weigh(seq, MAX_STRING // times + 1) * times > MAX_STRING
                ):
                    raise LimitExceeded(
                        f"a repetition whose text would pass {MAX_STRING:,} characters"
                    )

    # -- calls: string methods, format, growing containers ---------------------------------

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        owner = getattr(__obj, "__self__", None)
        name = getattr(__obj, "__name__", "")
        if isinstance(owner, str):
            __self.weigh(*args, *kwargs.values())  # a string method makes text of them
            if name in _WIDTH_METHODS:
                _check_widths(args, kwargs)
            elif name == "replace" and len(args) >= 2:
                __self._check_replace(owner, *args[:2])
            elif name == "join" and args:
                items = [str(item) for item in __self._counted(args[0])]
                __self.spend(sum(map(len, items)) + len(owner) * len(items))
                args = (items, *args[1:])
        result = super().call(__context, __obj, *args, **kwargs)
        if isinstance(result, str):
            __self.spend(len(result))
        for value in (result, owner):
            if isinstance(value, list | dict | set):
                # a list that extends itself doubles each time; stop it before memory does
                __self.spend(len(value), MAX_ITEMS, "a collection")
        return result

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        owner = getattr(value, "__self__", None)
        if isinstance(owner, str) and getattr(value, "__name__", "") in ("format", "format_map"):
            for _, field, spec, _ in string.Formatter().parse(owner):
                if field is not None and spec:
                    if "{" in spec:
                        raise LimitExceeded("a format width that is itself a field")
                    _check_numbers(spec)
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None

        def weighed(*args: Any, **kwargs: Any) -> str:
            self.weigh(*args, *kwargs.values())  # the fields become text
            return wrapped(*args, **kwargs)

        return weighed

    def _check_replace(self, text: str, old: Any, new: Any) -> None:
        if isinstance(old, str) and isinstance(new, str):
            hits = text.count(old) if old else len(text) + 1
            self.spend(len(text) + hits * max(len(new) - len(old), 0))

    # -- globals and filters ---------------------------------------------------------------

    def _range(self, *args: int) -> range:
        numbers = range(*args)
        self.spend(len(numbers), MAX_ITEMS, "a range")
        return numbers

    def _lipsum(self, n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:  # noqa: A002
        _check_widths((n * max,), {})
        return str(generate_lorem_ipsum(n=n, html=html, min=min, max=max))

    def _format_filter(self, value: Any, *args: Any, **kwargs: Any) -> str:
        text = str(value)
        _check_printf(text)
        result = text % (kwargs or args)
        self.spend(len(result))
        return result

    def _replace_filter(self, value: Any, old: str, new: str, count: int | None = None) -> str:
        text = str(value)
        self._check_replace(text, old, new)
        return text.replace(old, new, -1 if count is None else count)

    def _checked_join_filter(self, join: Callable[..., Any]) -> Callable[..., Any]:
        def checked(eval_ctx: Any, value: Iterable[Any], d: str = "", attribute: Any = None) -> Any:
            items = list(self._counted(value))
            self.spend(sum(len(str(i)) for i in items) + len(str(d)) * len(items))
            return join(eval_ctx, items, d, attribute)

        checked.jinja_pass_arg = join.jinja_pass_arg  # type: ignore[attr-defined]
        return checked

    def _checked(
        self, function: Callable[..., Any], *, indent_only: bool = False
    ) -> Callable[..., Any]:
        pass_arg = getattr(function, "jinja_pass_arg", None)
        first = 2 if pass_arg is not None else 1  # after the environment and the value

        def checked(*args: Any, **kwargs: Any) -> Any:
            if indent_only:
                indent = kwargs.get("indent", args[first] if len(args) > first else None)
                _check_widths((), {"indent": indent})
            else:
                _check_widths(args[first:], kwargs)
            result = function(*args, **kwargs)
            if isinstance(result, str | list):
                self.spend(len(result), MAX_STRING if isinstance(result, str) else MAX_ITEMS)
            return result

        if pass_arg is not None:
            checked.jinja_pass_arg = pass_arg  # type: ignore[attr-defined]
        return checked


class _WeighingFilters(dict[str, Any]):
    """The filters, each weighing its arguments first (``|string``, ``|tojson``, ``|join``,
    ``|sum`` and the rest make text or copies of them)."""

    def __init__(self, env: BoundedSandbox, filters: dict[str, Any]) -> None:
        super().__init__()
        self.env = env
        for key, value in filters.items():
            self[key] = value

    def __setitem__(self, key: str, function: Any) -> None:
        super().__setitem__(key, _weighing(self.env, function))


def _weighing(env: BoundedSandbox, function: Any) -> Any:
    if getattr(function, "weighs_its_arguments", False):
        return function
    passes = getattr(function, "jinja_pass_arg", None)

    def weighed(*args: Any, **kwargs: Any) -> Any:
        # the context, eval context or environment passed first is not the filter's input
        env.weigh(*args[1 if passes is not None else 0 :], *kwargs.values())
        return function(*args, **kwargs)

    weighed.weighs_its_arguments = True  # type: ignore[attr-defined]
    if passes is not None:
        weighed.jinja_pass_arg = passes  # type: ignore[attr-defined]
    return weighed


def render_bounded(template: Any, context: dict[str, Any]) -> str:
    """``template.render(context)`` that stops once the output passes ``MAX_OUTPUT``."""
    chunks: list[str] = []
    total = 0
    for chunk in template.generate(context):
        total += len(chunk)
        if total > MAX_OUTPUT:
            raise LimitExceeded(f"more than {MAX_OUTPUT:,} characters of output")
        chunks.append(chunk)
    return "".join(chunks)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_widths(args: Iterable[Any], kwargs: dict[str, Any]) -> None:
    for value in (*args, *kwargs.values()):
        size = len(value) if isinstance(value, str) else value if _is_int(value) else 0
        if abs(size) > MAX_WIDTH:
            raise LimitExceeded(f"a width or count of {abs(size):,} (at most {MAX_WIDTH:,})")


def _check_numbers(spec: str) -> None:
    for number in re.findall(r"\d+", spec):
        if len(number) > 5 or int(number) > MAX_WIDTH:
            raise LimitExceeded(f"a format width or precision over {MAX_WIDTH:,}")


def _check_printf(text: str) -> None:
    """``%`` formatting whose widths are given and small: ``%0999999999d`` builds a gigabyte."""
    for match in _PRINTF.finditer(text):
        width, precision = match.group(1) or "", match.group(2) or ""
        if "*" in (width, precision):
            raise LimitExceeded("a '*' width in % formatting")
        _check_numbers(width + " " + precision)


__all__ = ["BoundedSandbox", "LimitExceeded", "render_bounded"]
