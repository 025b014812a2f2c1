"""Immutable records for the core's runtime objects, cheap to define.

``@dataclass`` generates and compiles half a dozen methods per class when a module is imported:
about half a millisecond each, and the core defines some thirty classes on the path every
``--format json`` run takes (plus the ``inspect`` import that ``dataclasses`` brings). A
``Record`` subclass declares its fields the same way, as annotations with optional defaults,
and shares one generic ``__init__``; ``dataclass_transform`` tells type checkers it behaves
like a frozen dataclass.

    class Choice(Record):
        value: str
        label: str
        help: str = ""
        tags: list[str] = field(default_factory=list)

Records are frozen (assignment raises), compare by fields (``eq=False`` in the class
statement keeps identity), print like dataclasses, pickle, encode to JSON for the cache
(``cache.encode``), and offer ``replace(**changes)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, Self, dataclass_transform


class _Factory:
    __slots__ = ("make",)

    def __init__(self, make: Callable[[], Any]) -> None:
        self.make = make


def field(*, default_factory: Callable[[], Any]) -> Any:
    """A default made fresh for every instance (a list, a dict)."""
    return _Factory(default_factory)


_MISSING: Any = object()


class FrozenError(AttributeError):
    """Raised on assignment to a record's field."""


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
class Record:
    __fields__: ClassVar[tuple[str, ...]] = ()
    __defaults__: ClassVar[dict[str, Any]] = {}

    def __init_subclass__(cls, *, eq: bool = True, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        own = [
            name
            # only this class's own annotations; inspect.get_annotations would cost an import
            for name, kind in cls.__dict__.get("__annotations__", {}).items()  # noqa: RUF063
            if not str(kind).startswith(("ClassVar", "typing.ClassVar"))
        ]
        fields = [*cls.__fields__, *(name for name in own if name not in cls.__fields__)]
        defaults = dict(cls.__defaults__)
        for name in own:
            if name in cls.__dict__:
                defaults[name] = cls.__dict__[name]
                # the class attribute would shadow nothing useful and mislead readers
                delattr(cls, name)
        cls.__fields__ = tuple(fields)
        cls.__defaults__ = defaults
        if not eq:
            cls.__eq__ = object.__eq__  # type: ignore[method-assign]
            cls.__hash__ = object.__hash__  # type: ignore[method-assign]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        fields = self.__fields__
        if len(args) > len(fields):
            raise TypeError(f"{type(self).__name__} takes {len(fields)} fields, got {len(args)}")
        values = dict(zip(fields, args, strict=False))
        for name, value in kwargs.items():
            if name not in fields:
                raise TypeError(f"{type(self).__name__} has no field {name!r}")
            if name in values:
                raise TypeError(f"{type(self).__name__} got {name!r} twice")
            values[name] = value
        setter = object.__setattr__
        for name in fields:
            value = values.get(name, _MISSING)
            if value is _MISSING:
                default = self.__defaults__.get(name, _MISSING)
                if default is _MISSING:
                    raise TypeError(f"{type(self).__name__} needs the field {name!r}")
                value = default.make() if isinstance(default, _Factory) else default
            setter(self, name, value)

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenError(f"{type(self).__name__} is immutable; use replace()")

    def __delattr__(self, name: str) -> None:
        raise FrozenError(f"{type(self).__name__} is immutable")

    def __repr__(self) -> str:
        inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__fields__)
        return f"{type(self).__name__}({inner})"

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(getattr(self, f) == getattr(other, f) for f in self.__fields__)

    def __hash__(self) -> int:
        return hash((type(self), *(getattr(self, f) for f in self.__fields__)))

    def replace(self, **changes: Any) -> Self:
        """A copy with ``changes`` applied, like ``dataclasses.replace``."""
        values = {name: getattr(self, name) for name in self.__fields__}
        values.update(changes)
        return type(self)(**values)

    def as_dict(self) -> dict[str, Any]:
        """Fields as a mapping, recursing into records and lists of records."""
        return {name: _plain(getattr(self, name)) for name in self.__fields__}


def _plain(value: Any) -> Any:
    if isinstance(value, Record):
        return value.as_dict()
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value
