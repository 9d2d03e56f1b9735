"""What every configurable value may be: field types with ranges, shared by the options dataclasses.

Each options class is a frozen pydantic dataclass with ``config=STRICT``: constructing it (from the
kiosk's TOML loader, a technician's command line or a test) checks every value against the type
and range declared next to it, so a driver never sees a negative timeout or a port above 65535.
Strict: a string is never taken for a number, nor an integer for true/false. Ranges say what is
sensible for a kiosk, not only what the type can hold: a deadline of zero or of a week is a typo.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from pydantic import AfterValidator, ConfigDict, Field

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
