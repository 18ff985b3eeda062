"""The one converter between Bitcapital's JSON and the models.

The wire is camelCase JSON with decimal strings for money and ISO-8601 strings
for dates; the models are frozen attrs classes with snake_case names,
``Decimal`` and aware ``datetime``. ``structure`` and ``unstructure`` are the
two doors, and every failure on the way in leaves as a ``ValidationError``.
"""

from __future__ import annotations

import enum
import sys
import types
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Final, TypeVar, Union, cast, get_args, get_origin

import attrs
import cattrs
from cattrs.errors import (
    AttributeValidationNote,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.gen import make_dict_structure_fn, override

from bitcapital_async._errors import ValidationError

__all__ = [
    "WIRE_NAME",
    "converter",
    "resolve_model_types",
    "snake_case_wire",
    "structure",
    "unstructure",
]

T = TypeVar("T")

# The attrs metadata key naming a field's wire key when it is not the camelCase
# of its Python name (see snake_case_wire).
WIRE_NAME: Final = "bitcapital_async.wire_name"

# Long enough to show what arrived, short enough for one log line.
_MAX_ECHO: Final = 40

# JavaScript sends booleans as these strings in some mocks and boleto answers.
_TRUE_WORDS: Final = frozenset({"true", "1"})
_FALSE_WORDS: Final = frozenset({"false", "0"})

converter: Final = cattrs.Converter(forbid_extra_keys=False)
"""The ``cattrs.Converter`` that knows every model; unknown wire keys are ignored."""


def structure(data: object, cls: type[T]) -> T:
    """Build a model (or a list or dict of them) from decoded JSON.

    Args:
        data: The decoded JSON, e.g. ``await response.json()``.
        cls: The target type: a model class, or ``list[Model]``.

    Returns:
        An instance of ``cls``.

    Raises:
        ValidationError: ``data`` does not fit ``cls``; ``field`` is the dotted
            path of the first offending field (``balances.0.balance``).
    """
    try:
        return converter.structure(data, cls)
    except ValidationError:
        raise
    except Exception as exc:  # noqa: BLE001 - every failure must become ours
        path, leaf = _first_failure(exc)
        error = ValidationError(_type_name(cls), ".".join(path) or None, _reason(leaf))
        raise error from leaf


def unstructure(obj: object) -> Any:
    """Turn a model (or a list or dict of them) into JSON-ready data.

    Keys are the wire's camelCase, fields set to ``None`` are left out (as
    JavaScript drops ``undefined``), ``Decimal`` becomes a plain decimal string
    and ``datetime`` an ISO-8601 string with its offset.

    Args:
        obj: A model instance, or a list or dict holding them.

    Returns:
        Data that ``json.dumps`` accepts.
    """
    return converter.unstructure(obj)


def snake_case_wire(
    cls: type, fields: list[attrs.Attribute[Any]]
) -> list[attrs.Attribute[Any]]:
    """Keep a model's wire keys snake_case, as an attrs ``field_transformer``.

    For the few objects the API passes through from elsewhere (Stellar
    balances, metric rows, domain limits) instead of writing in camelCase.

    Args:
        cls: The class being built (unused; attrs passes it).
        fields: Its fields.

    Returns:
        The fields, each naming its own Python name as its wire key.
    """
    del cls
    return [
        field.evolve(metadata={**field.metadata, WIRE_NAME: field.name})
        for field in fields
    ]


def resolve_model_types(namespace: Mapping[str, object]) -> None:
    """Resolve the string annotations of every attrs class in ``namespace``.

    Models refer to each other across modules (a ``User`` holds wallets and a
    ``Wallet`` has a ``User``), so those names are imported for type checking
    only and bound here, once every model module has been loaded.

    Args:
        namespace: Names to resolve annotations against, holding the models.
    """
    base = {"Any": Any, "Decimal": Decimal, "datetime": datetime, **namespace}
    for obj in namespace.values():
        if isinstance(obj, type) and attrs.has(obj):
            module_names = vars(sys.modules[obj.__module__])
            attrs.resolve_types(obj, globalns={**module_names, **base})


def _camel_case(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(word.capitalize() for word in rest)


def _wire_key(field: attrs.Attribute[Any]) -> str:
    return str(field.metadata.get(WIRE_NAME, _camel_case(field.name)))


def _type_name(tp: object) -> str:
    args = get_args(tp)
    origin = get_origin(tp)
    if origin is not None and args:
        return f"{_type_name(origin)}[{', '.join(_type_name(a) for a in args)}]"
    return str(getattr(tp, "__name__", tp))


def _first_failure(exc: BaseException) -> tuple[list[str], BaseException]:
    # cattrs nests one group per level and tags each member with a note naming
    # the attribute or index it came from; following the first member down gives
    # the path of the first bad leaf.
    path: list[str] = []
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
        for note in getattr(exc, "__notes__", ()):
            if isinstance(note, AttributeValidationNote):
                path.append(note.name)
                break
            if isinstance(note, IterableValidationNote):
                path.append(str(note.index))
                break
    return path, exc


def _reason(leaf: BaseException) -> str:
    if isinstance(leaf, KeyError):
        return "required field missing"
    return str(leaf) or type(leaf).__name__


def _echo(value: object) -> str:
    text = repr(value)
    return text if len(text) <= _MAX_ECHO else text[: _MAX_ECHO - 1] + "…"


def _kind(value: object) -> str:
    return type(value).__name__


def _structure_decimal(value: object, _: type) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        raise TypeError(f"expected a decimal string or number, got {_kind(value)}")

    # repr() of a float is its shortest round-tripping text, so 59.42 gives
    # Decimal("59.42") and not the binary 59.4199999999999981525…
    text = repr(value) if isinstance(value, float) else str(value).strip()
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"not a decimal amount: {_echo(value)}") from None

    if not amount.is_finite():
        raise ValueError(f"not a finite amount: {_echo(value)}")
    return amount


def _unstructure_decimal(value: Decimal) -> str:
    # Fixed-point, because the server parses amounts as plain decimal strings
    # and "1E-7" is not one.
    return format(value, "f")


def _structure_datetime(value: object, _: type) -> datetime:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            # Since Python 3.11 this also reads the "Z" of JavaScript's
            # Date.toISOString() and date-only strings.
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"not an ISO-8601 date: {_echo(value)}") from None
    else:
        raise TypeError(f"expected an ISO-8601 string, got {_kind(value)}")

    # The server stores UTC; a string without an offset means UTC, not local.
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def _unstructure_datetime(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.isoformat()


def _structure_bool(value: object, _: type) -> bool:
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower() if isinstance(value, (str, int)) else None
    if word in _TRUE_WORDS:
        return True
    if word in _FALSE_WORDS:
        return False
    raise ValueError(f"not a boolean: {_echo(value)}")


def _structure_int(value: object, _: type) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            raise ValueError(f"not an integer: {_echo(value)}") from None
    raise TypeError(f"expected an integer, got {_kind(value)}")


def _structure_float(value: object, _: type) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            raise ValueError(f"not a number: {_echo(value)}") from None
    raise TypeError(f"expected a number, got {_kind(value)}")


def _structure_str(value: object, _: type) -> str:
    if isinstance(value, str):
        return value
    # Numeric codes (CEP, phone numbers, bank codes) sometimes arrive as numbers.
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    # Never echo the value: a string field may be a password or a secret key.
    raise TypeError(f"expected a string, got {_kind(value)}")


def _str_union_partner(tp: object) -> type[Any] | None:
    # The partner of str in ``X | str`` (or ``X | str | None``) when X is one of
    # the models' enums or a model, else None.
    if get_origin(tp) not in (Union, types.UnionType):
        return None
    members = [arg for arg in get_args(tp) if arg is not type(None)]
    others = [arg for arg in members if arg is not str]
    if len(members) != len(others) + 1 or len(others) != 1:
        return None
    (other,) = others
    if isinstance(other, type) and (issubclass(other, enum.Enum) or attrs.has(other)):
        return other
    return None


def _is_str_union(tp: object) -> bool:
    return _str_union_partner(tp) is not None


def _make_str_union_hook(tp: object) -> Callable[[object, Any], object]:
    # Never None here: _is_str_union() admitted tp.
    partner = cast("type[Any]", _str_union_partner(tp))
    nullable = type(None) in get_args(tp)
    if issubclass(partner, enum.Enum):
        return _make_open_enum_hook(partner, nullable=nullable)
    return _make_model_or_id_hook(partner, nullable=nullable)


def _make_open_enum_hook(
    enum_cls: type[enum.Enum], *, nullable: bool
) -> Callable[[object, Any], object]:
    def structure_open_enum(value: object, _: object) -> object:
        if value is None and nullable:
            return None
        if not isinstance(value, str):
            raise TypeError(f"expected a string, got {_kind(value)}")

        # A value newer than this SDK stays a plain string (see _enums).
        try:
            return enum_cls(value)
        except ValueError:
            return value

    return structure_open_enum


def _make_model_or_id_hook(
    model: type[Any], *, nullable: bool
) -> Callable[[object, Any], object]:
    model_hook = converter.get_structure_hook(model)

    def structure_model_or_id(value: object, _: object) -> object:
        if value is None and nullable:
            return None
        # The server sends a relation as its bare id when it did not join it.
        if isinstance(value, str):
            return value
        return model_hook(value, model)

    return structure_model_or_id


def _unstructure_enum(member: enum.StrEnum) -> str:
    return member.value


def _is_list(tp: object) -> bool:
    return get_origin(tp) is list


def _make_list_hook(tp: object) -> Callable[[object, Any], list[Any]]:
    (item_type,) = get_args(tp) or (Any,)
    item_hook = converter.get_structure_hook(item_type)

    def structure_list(value: object, _: object) -> list[Any]:
        # A string is iterable, and would silently become a list of characters.
        if not isinstance(value, (list, tuple)):
            raise TypeError(f"expected a list, got {_kind(value)}")

        items: list[Any] = []
        errors: list[Exception] = []
        for index, item in enumerate(value):
            try:
                items.append(item_hook(item, item_type))
            except Exception as exc:  # noqa: BLE001 - collected, re-raised below
                exc.add_note(IterableValidationNote(f"@ index {index}", index, tp))
                errors.append(exc)

        if errors:
            raise IterableValidationError(
                f"invalid {_type_name(tp)}", errors, cast("type", tp)
            )
        return items

    return structure_list


def _is_dict(tp: object) -> bool:
    return get_origin(tp) is dict


def _make_dict_hook(tp: object) -> Callable[[object, Any], dict[str, Any]]:
    _, value_type = get_args(tp) or (str, Any)
    value_hook = converter.get_structure_hook(value_type)

    def structure_dict(value: object, _: object) -> dict[str, Any]:
        if not isinstance(value, Mapping):
            raise TypeError(f"expected an object, got {_kind(value)}")

        result: dict[str, Any] = {}
        errors: list[Exception] = []
        for key, item in value.items():
            try:
                result[str(key)] = value_hook(item, value_type)
            except Exception as exc:  # noqa: BLE001 - collected, re-raised below
                exc.add_note(IterableValidationNote(f"@ key {key!r}", key, tp))
                errors.append(exc)

        if errors:
            raise IterableValidationError(
                f"invalid {_type_name(tp)}", errors, cast("type", tp)
            )
        return result

    return structure_dict


def _make_model_structure_hook(cls: type[T]) -> Callable[[object, Any], T]:
    renames: dict[str, Any] = {
        f.name: override(rename=_wire_key(f)) for f in attrs.fields(cast("Any", cls))
    }
    build = make_dict_structure_fn(
        cls, converter, _cattrs_forbid_extra_keys=False, **renames
    )

    def structure_model(value: object, _: object) -> T:
        # Without this a string would be indexed by key and fail as a confusing
        # TypeError on whichever field comes first.
        if not isinstance(value, Mapping):
            raise TypeError(f"expected an object, got {_kind(value)}")
        return build(value, cls)

    return structure_model


def _make_model_unstructure_hook(cls: type[Any]) -> Callable[[Any], dict[str, Any]]:
    keys = [(f.name, _wire_key(f)) for f in attrs.fields(cls)]

    def unstructure_model(obj: object) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for name, key in keys:
            value = getattr(obj, name)
            if value is not None:
                data[key] = converter.unstructure(value)
        return data

    return unstructure_model


converter.register_structure_hook(Decimal, _structure_decimal)
converter.register_structure_hook(datetime, _structure_datetime)
converter.register_structure_hook(bool, _structure_bool)
converter.register_structure_hook(int, _structure_int)
converter.register_structure_hook(float, _structure_float)
converter.register_structure_hook(str, _structure_str)
converter.register_structure_hook_factory(_is_str_union, _make_str_union_hook)
converter.register_structure_hook_factory(_is_list, _make_list_hook)
converter.register_structure_hook_factory(_is_dict, _make_dict_hook)
converter.register_structure_hook_factory(attrs.has, _make_model_structure_hook)
converter.register_unstructure_hook(Decimal, _unstructure_decimal)
converter.register_unstructure_hook(datetime, _unstructure_datetime)
# Registered on StrEnum itself: the models' enums also derive from str, and a
# hook on Enum would lose to cattrs' pass-through for str subclasses.
converter.register_unstructure_hook(enum.StrEnum, _unstructure_enum)
converter.register_unstructure_hook_factory(attrs.has, _make_model_unstructure_hook)
