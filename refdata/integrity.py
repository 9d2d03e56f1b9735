"""Structural checks of a reference set: run by the tests on the shipped copy and by the kiosk on
a download before it replaces its cached copy."""

from __future__ import annotations

import re

from refdata.model import (
    CLASS,
    COUNTY,
    GENERAL,
    POST,
    PRIOR,
    PROVINCE,
    TOWNSHIP,
    ReferenceData,
)

# fullmatch and [0-9]: \d takes every Unicode digit and $ a trailing newline
_DIVISION_CODE = {1: re.compile(r"[0-9]{2}0000"), 2: re.compile(r"[0-9]{4}00"), 3: re.compile(r"[0-9]{6}"),
                  4: re.compile(r"[0-9]{9}")}
_INDUSTRY_CODE = {1: re.compile(r"[A-T]"), 2: re.compile(r"[A-T][0-9]{2}"), 3: re.compile(r"[A-T][0-9]{3}"),
                  4: re.compile(r"[A-T][0-9]{4}")}
_PINYIN = re.compile(r"[a-z]+( [a-z]+)*")


def problems(ref: ReferenceData) -> list[str]:
    """Every violation found, as readable lines; an empty list means the set is sound."""
    out: list[str] = []
    for d in ref.divisions.values():
        if not _DIVISION_CODE[d.level].fullmatch(d.code):
            out.append(f"division {d.code}: code does not fit level {d.level}")
        if d.level == PROVINCE:
            if d.parent:
                out.append(f"division {d.code}: a province has no parent")
        else:
            parent = ref.divisions.get(d.parent)
            if parent is None:
                out.append(f"division {d.code}: parent {d.parent} missing")
            elif parent.level >= d.level or (d.level == TOWNSHIP and parent.level < 2):
                out.append(f"division {d.code}: parent {d.parent} is not above it")
            elif not d.code.startswith(d.parent[: 2 * parent.level] if parent.level < COUNTY else d.parent):
                out.append(f"division {d.code}: code does not extend its parent's {d.parent}")
        if not d.name or not _PINYIN.fullmatch(d.pinyin):
            out.append(f"division {d.code}: name or reading missing")
    for i in ref.industries.values():
        if not _INDUSTRY_CODE[i.level].fullmatch(i.code):
            out.append(f"industry {i.code}: code does not fit level {i.level}")
        if i.level > 1:
            parent = ref.industries.get(i.parent)
            if parent is None or parent.level != i.level - 1 or not i.code.startswith(i.parent[: len(i.code) - 1]):
                out.append(f"industry {i.code}: parent {i.parent} missing or not one level up")
    classes = {i.code for i in ref.industries.values() if i.level == CLASS}
    covered = set()
    seen_names: dict[str, str] = {}
    for s in ref.scope.values():
        if s.class_code not in classes:
            out.append(f"scope {s.code}: class {s.class_code} is not a GB/T 4754 small class")
        if s.permit and s.permit not in ref.permits:
            out.append(f"scope {s.code}: unknown permit {s.permit}")
        elif s.kind(ref.permits) not in (GENERAL, POST, PRIOR):
            out.append(f"scope {s.code}: not classed")
        if s.name_zh in seen_names:
            out.append(f"scope {s.code}: wording repeats {seen_names[s.name_zh]}")
        seen_names[s.name_zh] = s.code
        covered.add(s.class_code)
    for missing in sorted(classes - covered):
        out.append(f"industry {missing}: no scope item")
    for p in ref.permits.values():
        if p.stage not in (POST, PRIOR) or not p.basis:
            out.append(f"permit {p.id}: stage or legal basis missing")
    if len(ref.hanzi.members) != len(ref.hanzi.standard):
        out.append("hanzi: the standard table repeats characters")
    for table in (ref.hanzi.traditional, ref.hanzi.variant):
        for src, dst in table.items():
            if src in ref.hanzi.members or dst not in ref.hanzi.members:
                out.append(f"hanzi: mapping {src}->{dst} does not lead into the table")
    if set(ref.hanzi.readings) != ref.hanzi.members:
        out.append("hanzi: readings do not cover exactly the standard characters")
    return out
