"""What every configurable value may be: field types with ranges, shared by the options dataclasses,
and the words a technician reads when a value is out of them.

Each options class is a frozen pydantic dataclass with ``config=STRICT``: constructing it (from the
kiosk's TOML loader, a technician's command line or a test) checks every value against the type
and range declared next to it, so a driver never sees a negative timeout or a port above 65535.
Strict: a string is never taken for a number, nor an integer for true/false. Ranges say what is
sensible for a kiosk, not only what the type can hold: a deadline of zero or of a week is a typo.
"""

from __future__ import annotations

import typing
from collections.abc import Callable
from typing import Annotated, Any, Literal

from annotated_types import Ge, Gt, Le, Lt
from pydantic import AfterValidator, ConfigDict, Field, ValidationError

# strict types, unknown keys refused, no NaN or infinity anywhere; schemas are built on first use
STRICT = ConfigDict(strict=True, extra="forbid", allow_inf_nan=False, defer_build=True)

DAY_S = 86_400.0


class OptionError(ValueError):
    """A check across fields failed; ``field`` names the key the message is about."""

    def __init__(self, field: str, problem: str) -> None:
        self.field, self.problem = field, problem
        super().__init__(f"{field}: {problem}")


def rule(check: Callable[[Any], bool], expectation: str) -> AfterValidator:
    """A check with the words a technician reads when it fails ("expected <expectation>")."""

    def validate(value: Any) -> Any:
        if not check(value):
            raise ValueError(f"expected {expectation}")
        return value

    validate.expectation = expectation  # type: ignore[attr-defined]  # for the configuration reference
    return AfterValidator(validate)


# A deadline or interval: never zero (a busy loop, or an instant timeout), never forever.
Seconds = Annotated[float, Field(gt=0, le=DAY_S)]
Port = Annotated[int, Field(ge=1, le=65_535)]
PortOrZero = Annotated[int, Field(ge=0, le=65_535)]  # 0: the documented special case (ephemeral or off)
Text = Annotated[str, Field(min_length=1)]  # required: empty would only fail later, obscurely


# --- wording ---------------------------------------------------------------------------------------
# pydantic error type -> what the technician reads after "expected"
PLAIN = {
    "string_type": "text",
    "string_too_short": "non-empty text",
    "bool_type": "true or false",
    "list_type": "a list",
    "dataclass_type": "a table",
}
NUMERIC = {"int_type", "int_parsing", "int_from_float", "float_type", "float_parsing", "finite_number",
           "greater_than", "greater_than_equal", "less_than", "less_than_equal"}


def shown(_name: str, value: Any) -> str:
    """How an offending value is quoted after the expectation."""
    if isinstance(value, dict | list) and len(repr(value)) > 80:
        return f", got a {type(value).__name__}"
    return f", got {value!r}"


def explain(cls: Any, exc: ValidationError, show: Callable[[str, Any], str] = shown) -> tuple[str, str]:
    """pydantic's first finding on an options class as (key, problem): one sentence about one key
    ("" when it is about the class as a whole), e.g. ("port", "expected an integer from 1 to 65535,
    got 70000"). ``show`` quotes the value (the kiosk's loader masks secrets with it)."""
    err = exc.errors(include_url=False)[0]
    cause = (err.get("ctx") or {}).get("error")
    if isinstance(cause, OptionError):  # a check across fields names the key it is about
        return cause.field, cause.problem
    fields = getattr(cls, "__pydantic_fields__", {})
    name = next((part for part in err["loc"] if isinstance(part, str) and part in fields), None)
    key = (name or "") + "".join(f"[{part}]" for part in err["loc"] if isinstance(part, int))
    kind = err["type"]
    if kind == "missing":
        return key, "missing required key"
    if kind == "value_error":  # a rule() or a check in __post_init__: its own words
        return key, str(cause)
    if kind in NUMERIC and name is not None:
        problem = f"expected {_numeric_expectation(fields[name])}"
    elif kind == "literal_error":
        problem = f"expected one of {err['ctx']['expected']}"
    elif kind in PLAIN:
        problem = f"expected {PLAIN[kind]}"
    elif kind == "too_short":
        problem = f"expected at least {err['ctx']['min_length']} item(s)"
    elif kind == "too_long":
        problem = f"expected at most {err['ctx']['max_length']} items"
    else:
        problem = err["msg"]
    return key, problem + (show(name, err.get("input")) if name is not None else "")


def expectation(info: Any) -> str:
    """What a field accepts, in the words its errors use (for the configuration reference)."""
    tp, rules = info.annotation, _rules(info.metadata)
    if tp in (int, float):
        accepts = _numeric_expectation(info)
    elif tp is bool:
        accepts = "true or false"
    elif typing.get_origin(tp) is Literal:
        accepts = "one of " + ", ".join(repr(v) for v in typing.get_args(tp))
    elif typing.get_origin(tp) is list:
        (item,) = typing.get_args(tp)
        inner = _rules(getattr(item, "__metadata__", ()))
        accepts = "a list" + (f", each {'; '.join(inner)}" if inner else "")
    else:
        accepts = "non-empty text" if any(getattr(m, "min_length", 0) for m in info.metadata) else "text"
    if tp is str and rules:  # the rule says it better than "text"
        return "; ".join(rules)
    return "; ".join([accepts, *rules])


def _rules(metadata: Any) -> list[str]:
    return [m.func.expectation for m in metadata if hasattr(getattr(m, "func", None), "expectation")]


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _numeric_expectation(info: Any) -> str:
    """"an integer from 1 to 65535", "a number greater than 0 and at most 86400" ..."""
    kind = "an integer" if info.annotation is int else "a number"
    lower = upper = ""
    for m in info.metadata:
        if isinstance(m, Ge):
            lower = f"from {_number(m.ge)}"
        elif isinstance(m, Gt):
            lower = f"greater than {_number(m.gt)}"
        elif isinstance(m, Le):
            upper = f"at most {_number(m.le)}"
        elif isinstance(m, Lt):
            upper = f"below {_number(m.lt)}"
    if lower.startswith("from") and upper.startswith("at most"):
        return f"{kind} {lower} to {upper.removeprefix('at most ')}"
    return " and ".join(part for part in (f"{kind} {lower}".strip(), upper) if part)
