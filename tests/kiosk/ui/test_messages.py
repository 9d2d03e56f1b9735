"""Every code the kiosk can raise or show has a message, translated in both catalogues, and no
message waits for a code nothing raises.

The codes are derived from the code, never listed here, so a code another module adds later is
caught by the next run:
- the ``code`` of every exception class defined anywhere in drivers/ and kiosk/ (every module is
  imported), and of every DeviceError subclass;
- the string codes passed to the flow's and the runner's sinks (``_fault``, ``_fail``, ``_staff``,
  ``StepFailed``, ``AlertTechnician``, ``AlertStaff``, ``DevicesProbed``, a fault ``CheckResult``)
  and assigned to the view fields screens translate (``error``, ``fault``), found by reading the
  source of every module;
- the face check's decision reasons and the registration authority's decision reason codes.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from babel.messages.pofile import read_po

from drivers.errors import DeviceError
from kiosk.i18n import LOCALE_DIR, Translator
from kiosk.ui import messages

ROOT = Path(__file__).resolve().parents[3]
PACKAGES = ("drivers", "kiosk")
# Importing kiosk.ui's screens opens Kivy's one window with whatever configuration is current;
# the UI raises nothing of its own, and its sources are still read for sink calls below.
NOT_IMPORTED = ("kiosk.ui",)
SINKS = {  # callable -> (position, keyword) of its code argument
    "StepFailed": (1, "code"), "AlertTechnician": (0, "code"), "AlertStaff": (0, "reason"),
    "DevicesProbed": (1, "code"), "CheckResult": (2, "reason"),
}
FLOW = ROOT / "kiosk" / "flow"  # the flow's own methods, in its package only (a printer decoder has a _fail too)
FLOW_SINKS = {"_fault": (0, "code"), "_fail": (1, "code"), "_staff": (0, "reason")}
VIEW_FIELDS = ("error", "fault")  # what screens pass to error_text / PIN_ERRORS
# Face decisions that never reach a screen: a pass, and a check the runner cancelled and dropped.
FACE_REASONS_NOT_SHOWN = {"match", "cancelled"}
PLACEHOLDER = re.compile(r"{[a-z_]+}")


@cache
def modules() -> tuple[ModuleType, ...]:
    found: list[ModuleType] = []

    def walk(package: ModuleType) -> None:
        for info in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
            if info.name.startswith(NOT_IMPORTED):
                continue
            module = importlib.import_module(info.name)
            found.append(module)
            if info.ispkg:
                walk(module)

    for name in PACKAGES:
        walk(importlib.import_module(name))
    return tuple(found)


def subclasses(cls: type) -> set[type]:
    return {cls}.union(*(subclasses(sub) for sub in cls.__subclasses__()))


def error_classes() -> set[type]:
    # defined in the kiosk's own packages; a shared package's error (refdata's, which the
    # authority's service uses too) is turned into a DeviceError where the kiosk calls it
    defined = {obj for m in modules() for obj in vars(m).values()
               if isinstance(obj, type) and issubclass(obj, BaseException)
               and isinstance(getattr(obj, "code", None), str) and obj.__module__.startswith(PACKAGES)}
    return defined | subclasses(DeviceError)


def codes_of(node: ast.expr, namespace: dict[str, Any], unresolved: list[str]) -> set[str]:
    """The codes an argument expression can take: literals, named constants, both arms of a
    conditional, a dict lookup's values. Run-time values (``ev.code``) come from elsewhere."""
    match node:
        case ast.Constant(value=str(text)):
            return {text.split(":")[0]} - {""}
        case ast.JoinedStr(values=[ast.Constant(value=str(text)), *_]) if ":" in text:
            return {text.split(":")[0]}  # "code:detail": screens translate the code
        case ast.JoinedStr():
            unresolved.append(ast.unparse(node))  # a code built at run time cannot be checked
            return set()
        case ast.IfExp(body=body, orelse=orelse):
            return codes_of(body, namespace, unresolved) | codes_of(orelse, namespace, unresolved)
        case ast.BoolOp(values=values):
            return set().union(*(codes_of(v, namespace, unresolved) for v in values))
        case ast.Call(func=ast.Attribute(attr="get", value=table), args=[_, default]):
            return codes_of(table, namespace, unresolved) | codes_of(default, namespace, unresolved)
        case ast.Name() | ast.Attribute():
            try:
                # a name or attribute only (matched above), looked up in the module's own globals
                value = eval(compile(ast.Expression(node), "<code>", "eval"), dict(namespace))
            except Exception:
                return set()
            if isinstance(value, str):
                return {value} - {""}
            if isinstance(value, dict):
                return {v for v in value.values() if isinstance(v, str)}
    return set()


def sink_argument(call: ast.Call, name: str) -> ast.expr | None:
    position, keyword = {**SINKS, **FLOW_SINKS}[name]
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw.value
    return call.args[position] if len(call.args) > position else None


def is_fault_check(call: ast.Call) -> bool:
    status = next((kw.value for kw in call.keywords if kw.arg == "status"),
                  call.args[1] if len(call.args) > 1 else None)
    return status is not None and "FAULT" in ast.unparse(status)


@cache
def raised_codes() -> tuple[frozenset[str], tuple[str, ...]]:
    """(every code, the run-time-built codes found in sinks)."""
    codes = {cls.code for cls in error_classes()}
    unresolved: list[str] = []
    loaded = {m.__name__: m for m in modules()}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
            namespace = vars(loaded[name]) if name in loaded else {}
            sinks = {*SINKS, *FLOW_SINKS} if path.is_relative_to(FLOW) else set(SINKS)
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call):
                    func = node.func
                    callee = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                    if callee in sinks and (callee != "CheckResult" or is_fault_check(node)):
                        arg = sink_argument(node, callee)
                        if arg is not None:
                            codes |= codes_of(arg, namespace, unresolved)
                    if callee == "_go":
                        for kw in node.keywords:
                            if kw.arg in VIEW_FIELDS:
                                codes |= codes_of(kw.value, namespace, unresolved)
                elif isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    for target in targets:
                        if (isinstance(target, ast.Attribute) and target.attr in VIEW_FIELDS
                                and ast.unparse(target.value).endswith("view") and node.value is not None):
                            codes |= codes_of(node.value, namespace, unresolved)
    from kiosk.face.verifier import REASONS as FACE_REASONS

    codes |= set(FACE_REASONS) - FACE_REASONS_NOT_SHOWN
    return frozenset(codes), tuple(unresolved)


def decision_reasons() -> set[str]:
    """The authority's decision reasons, and the name check's findings the form shows."""
    from registry_service import naming, rules

    return rules.REJECT | rules.REVIEW | rules.NOTICE | set(naming.REASONS)


def catalogue_entries(language: str) -> dict[str, Any]:
    with (LOCALE_DIR / language / "LC_MESSAGES" / "kiosk.po").open("rb") as f:
        return {m.id: m for m in read_po(f, locale=language) if m.id}


def screen_codes() -> dict[str, str]:
    return {**messages.ERRORS, **messages.PIN_ERRORS}


def test_the_derivation_finds_codes_from_every_source() -> None:
    """A guard on the guard: if a source went dry (a sink renamed, a module no longer found) the
    checks below would pass on a smaller set."""
    codes, _ = raised_codes()
    assert {"printer_paper_out", "printer_layout_error", "portrait_no_face"} <= codes  # error classes
    assert {"reader_timeout", "face_timeout", "requested", "manual"} <= codes  # flow sinks and view fields
    assert {"internal_error", "startup_failed", "not_started"} <= codes  # runner and duties
    assert {"pin_wrong", "pin_check_failed", "can_format", "mrz_format"} <= codes  # view fields
    assert {"mismatch", "liveness_failed", "timeout"} <= codes  # face decisions
    assert len(error_classes()) >= 25


def test_every_code_is_a_literal_or_a_named_constant() -> None:
    _, unresolved = raised_codes()
    assert not unresolved, f"codes built at run time cannot be checked for a message: {unresolved}"


def test_every_error_class_is_a_device_error() -> None:
    """One family: the runner and the checks handle DeviceError; any other coded exception would
    escape them as an internal error."""
    stray = sorted(f"{c.__module__}.{c.__qualname__}" for c in error_classes() if not issubclass(c, DeviceError))
    assert not stray


def test_every_code_has_a_message_and_no_message_waits_for_a_code_nothing_raises() -> None:
    codes, _ = raised_codes()
    table = screen_codes()
    assert sorted(codes - set(table)) == [], "codes without a message in kiosk/ui/messages.py"
    assert sorted(set(table) - codes) == [], "messages for codes nothing raises"


def test_the_fallback_text_is_unreachable_for_every_known_code() -> None:
    """error_text keeps "Something went wrong ({code})" for what nobody foresaw; no code the
    kiosk raises may end there, with or without a ':detail' suffix."""
    codes, _ = raised_codes()
    for language in ("zh_CN", "en"):
        tr = Translator(language)
        for code in sorted(codes - set(messages.PIN_ERRORS)):  # the PIN screen has its own table
            for shown in (code, f"{code}:detail"):
                assert messages.error_text(tr, shown) != tr("Something went wrong ({code}).", code=shown), shown


def test_decision_reasons_match_the_authority_contract() -> None:
    reasons = decision_reasons()
    assert sorted(reasons - set(messages.REASONS)) == [], "decision reasons without a text"
    assert sorted(set(messages.REASONS) - reasons) == [], "texts for reasons the authority never gives"


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_every_message_is_in_both_catalogues_and_really_translated(language: str) -> None:
    entries = catalogue_entries(language)
    msgids = {*screen_codes().values(), *messages.REASONS.values()}
    missing = sorted(m for m in msgids if m not in entries or entries[m].fuzzy)
    assert not missing, f"not in the {language} catalogue: {missing}"
    if language == "zh_CN":
        untranslated = sorted(m for m in msgids if not entries[m].string or entries[m].string == m)
        assert not untranslated, untranslated
        for msgid in msgids:
            assert set(PLACEHOLDER.findall(msgid)) == set(PLACEHOLDER.findall(entries[msgid].string)), msgid
