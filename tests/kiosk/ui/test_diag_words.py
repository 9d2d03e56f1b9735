"""The diagnostics screens in words: every detail key and every warning reason the checks can
produce has a label in both languages. Keys and reasons are collected from the checks' source, so
a new one without words fails here rather than showing up raw on a technician's screen."""

from __future__ import annotations

import ast
from pathlib import Path

from kiosk.i18n import Translator
from kiosk.ui.diag_words import DETAILS, STATUS, WARNINGS, detail_line, reason_words
from kiosk.ui.messages import ERRORS

ROOT = Path(__file__).resolve().parents[3]
CHECKS = ROOT / "kiosk" / "diag" / "checks.py"
DETAIL_SOURCES = [CHECKS, ROOT / "kiosk" / "voice" / "announcer.py", ROOT / "kiosk" / "diag" / "live.py"]
ADDED_LATER = ROOT / "kiosk" / "diag" / "duties.py"  # adds to a result's details by subscript
SHOWN_APART = {"readers", "status", "reason", "sam_id", "sam"}  # drawn as the reader card's head


def detail_keys() -> set[str]:
    keys: set[str] = set()
    for path in [*DETAIL_SOURCES, ADDED_LATER]:
        for n in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(n, ast.Subscript) and isinstance(n.ctx, ast.Store) and isinstance(n.slice, ast.Constant):
                keys.add(n.slice.value)
            if path == ADDED_LATER:
                continue
            if isinstance(n, ast.Dict):
                keys |= {k.value for k in n.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)}
            elif isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "update":
                keys |= {k.arg for k in n.keywords if k.arg}
            elif isinstance(n, ast.DictComp):
                for g in n.generators:
                    if isinstance(g.iter, ast.Tuple):
                        keys |= {e.value for e in g.iter.elts if isinstance(e, ast.Constant)}
    return keys


def warning_reasons() -> set[str]:
    """Every string constant in the reason argument of ``CheckResult(device, WARN, reason, ...)``."""
    found: set[str] = set()
    for n in ast.walk(ast.parse(CHECKS.read_text(encoding="utf-8"))):
        if (isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "CheckResult"
                and len(n.args) >= 3 and any(isinstance(a, ast.Name) and a.id == "WARN" for a in ast.walk(n.args[1]))):
            found |= {c.value for c in ast.walk(n.args[2]) if isinstance(c, ast.Constant) and isinstance(c.value, str)}
    return found


def test_the_collectors_see_the_checks() -> None:
    assert {"paper_near_end", "unfinished_jobs", "tls_days_left", "sam_id", "test_read"} <= detail_keys()
    assert {"unfinished_transactions", "reader_degraded", "tls_expiring", "clock_drift"} <= warning_reasons()


def test_every_detail_key_has_a_label_in_both_languages() -> None:
    zh = Translator("zh_CN")
    missing = sorted(detail_keys() - SHOWN_APART - set(DETAILS))
    assert not missing, f"detail keys without a label: {missing}"
    untranslated = [k for k, msgid in DETAILS.items() if zh(msgid) == msgid]
    assert not untranslated, untranslated


def test_every_warning_reason_has_words_in_both_languages() -> None:
    zh = Translator("zh_CN")
    unworded = sorted(r for r in warning_reasons() if r not in WARNINGS and r not in ERRORS)
    assert not unworded, f"warnings shown as codes: {unworded}"
    for msgid in [*WARNINGS.values(), *STATUS.values()]:
        assert zh(msgid) != msgid, msgid


def test_a_line_reads_as_words() -> None:
    zh, en = Translator("zh_CN"), Translator("en")
    assert detail_line(zh, "paper_near_end", False) == "纸将用完：否"
    assert detail_line(en, "paper_present", True) == "Paper loaded: yes"
    assert detail_line(en, "resolution", [640, 480]) == "Resolution: 640, 480"
    assert detail_line(en, "a_new_key", None) == "a_new_key: —", "an unlabelled key is shown, never hidden"
    assert reason_words(zh, "warn", "unfinished_transactions") == "有未结束的申请"
    assert reason_words(en, "fault", "printer_paper_out") == en(ERRORS["printer_paper_out"])
