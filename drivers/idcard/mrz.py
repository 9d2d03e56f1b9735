"""Machine Readable Zone of TD1 / TD2 / TD3 documents (ICAO 9303-3/4/5/6), check digits verified.

Hand-written: the `mrz` package on PyPI is unmaintained since 2020 and the rules fit in a page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from drivers.errors import CardReadError

_WEIGHTS = (7, 3, 1)


def _value(ch: str) -> int:
    if ch == "<":
        return 0
    if "0" <= ch <= "9":
        return ord(ch) - 48
    if "A" <= ch <= "Z":
        return ord(ch) - 55
    raise ValueError(f"character {ch!r} not allowed in an MRZ")


def check_digit(field: str) -> str:
    return str(sum(_value(c) * _WEIGHTS[i % 3] for i, c in enumerate(field)) % 10)


def mrz_information(document_number: str, birth_date: str, expiry_date: str) -> bytes:
    """Key seed input of BAC / PACE(MRZ): each field followed by its check digit (9303-11 9.7.2)."""
    doc = document_number.upper().replace(" ", "")
    if len(doc) < 9:
        doc = doc.ljust(9, "<")
    for name, d in (("birth", birth_date), ("expiry", expiry_date)):
        if len(d) != 6 or not (d.isascii() and d.isdigit()):
            raise ValueError(f"{name} date must be YYMMDD")
    return "".join(f + check_digit(f) for f in (doc, birth_date, expiry_date)).encode("ascii")


@dataclass(frozen=True)
class Mrz:
    format: str  # "TD1" | "TD2" | "TD3"
    document_code: str
    issuing_state: str
    document_number: str
    birth_date: str  # YYMMDD
    sex: str  # "M" | "F" | "X"
    expiry_date: str  # YYMMDD
    nationality: str
    surname: str
    given_names: str
    optional_data: str

    def __repr__(self) -> str:
        return f"Mrz(format={self.format}, <redacted>)"

    def birth(self, today: dt.date | None = None) -> dt.date:
        return yymmdd_to_date(self.birth_date, past=True, today=today)

    def expiry(self) -> dt.date:
        return yymmdd_to_date(self.expiry_date, past=False)


def yymmdd_to_date(value: str, *, past: bool, today: dt.date | None = None) -> dt.date:
    """Birth dates lie in the past (pivot on today's year); expiry dates are 20YY."""
    today = today or dt.date.today()
    yy, mm, dd = int(value[:2]), int(value[2:4]), int(value[4:6])
    century = (1900 if yy > today.year % 100 else 2000) if past else 2000 if yy < 70 else 1900
    return dt.date(century + yy, mm, dd)


def _names(field: str) -> tuple[str, str]:
    field = field.rstrip("<")
    primary, _, secondary = field.partition("<<")
    return primary.replace("<", " ").strip(), secondary.replace("<", " ").strip()


def _check(field: str, digit: str, what: str, *, allow_empty: bool = False) -> None:
    if allow_empty and set(field) <= {"<"} and digit in "<0":
        return
    if check_digit(field) != digit:
        raise CardReadError(f"MRZ check digit mismatch: {what}")


def _sex(ch: str) -> str:
    if ch not in "MFX<":
        raise CardReadError("MRZ sex field invalid")
    return "X" if ch == "<" else ch


def parse(text: str) -> Mrz:
    """Parse an MRZ given as concatenated lines (as DG1 stores it) or newline-separated."""
    try:
        return _parse(text)
    except ValueError as exc:
        raise CardReadError(f"MRZ malformed: {exc}") from exc


def _parse(text: str) -> Mrz:
    mrz = "".join(text.split())
    for ch in mrz:
        _value(ch)
    if len(mrz) == 90:
        return _parse_td1(mrz)
    if len(mrz) == 72:
        return _parse_td2_td3(mrz, 36, "TD2")
    if len(mrz) == 88:
        return _parse_td2_td3(mrz, 44, "TD3")
    raise CardReadError(f"MRZ of {len(mrz)} characters is neither TD1, TD2 nor TD3")


def _parse_td1(m: str) -> Mrz:
    l1, l2, l3 = m[:30], m[30:60], m[60:90]
    doc, doc_cd, opt1 = l1[5:14], l1[14], l1[15:30]
    if doc_cd == "<":  # document number longer than 9: continues in the optional data
        rest, _, _ = opt1.partition("<")
        if len(rest) < 2:
            raise CardReadError("MRZ long document number truncated")
        doc, doc_cd = doc + rest[:-1], rest[-1]
        opt1 = ""
    _check(doc, doc_cd, "document number")
    _check(l2[0:6], l2[6], "birth date")
    _check(l2[8:14], l2[14], "expiry date")
    _check(l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29], l2[29], "composite")
    surname, given = _names(l3)
    return Mrz("TD1", l1[0:2].rstrip("<"), l1[2:5], doc.rstrip("<"), l2[0:6], _sex(l2[7]),
               l2[8:14], l2[15:18], surname, given, (opt1 + l2[18:29]).strip("<"))


def _parse_td2_td3(m: str, width: int, fmt: str) -> Mrz:
    l1, l2 = m[:width], m[width:]
    doc, doc_cd = l2[0:9], l2[9]
    opt_end = width - 1
    optional = l2[28:opt_end]
    if fmt == "TD3":
        _check(l2[28:42], l2[42], "personal number", allow_empty=True)
        optional = l2[28:42]
    elif doc_cd == "<":
        rest, _, _ = optional.partition("<")
        if len(rest) < 2:
            raise CardReadError("MRZ long document number truncated")
        doc, doc_cd, optional = doc + rest[:-1], rest[-1], ""
    _check(doc, doc_cd, "document number")
    _check(l2[13:19], l2[19], "birth date")
    _check(l2[21:27], l2[27], "expiry date")
    _check(l2[0:10] + l2[13:20] + l2[21:opt_end], l2[opt_end], "composite")
    surname, given = _names(l1[5:])
    return Mrz(fmt, l1[0:2].rstrip("<"), l1[2:5], doc.rstrip("<"), l2[13:19], _sex(l2[20]),
               l2[21:27], l2[10:13], surname, given, optional.strip("<"))


def _field(value: str, width: int) -> str:
    value = value.upper().replace(" ", "<")
    if len(value) > width:
        raise ValueError("MRZ field too long")
    return value.ljust(width, "<")


def build_td1(*, document_code: str, issuing_state: str, document_number: str,
              birth_date: str, sex: str, expiry_date: str, nationality: str,
              surname: str, given_names: str, optional: str = "") -> str:
    """Card-side helper for the virtual chip (document numbers up to 9 characters)."""
    doc = _field(document_number, 9)
    l1 = _field(document_code, 2) + _field(issuing_state, 3) + doc + check_digit(doc)
    l1 += _field(optional, 15)
    l2 = birth_date + check_digit(birth_date) + (sex if sex in "MF" else "<")
    l2 += expiry_date + check_digit(expiry_date) + _field(nationality, 3) + "<" * 11
    l2 += check_digit(l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29])
    name = surname.upper().replace(" ", "<") + "<<"
    name += given_names.upper().replace(" ", "<")
    return l1 + l2 + _field(name, 30)


def build_td3(*, document_code: str, issuing_state: str, document_number: str,
              birth_date: str, sex: str, expiry_date: str, nationality: str,
              surname: str, given_names: str, personal_number: str = "") -> str:
    name = surname.upper().replace(" ", "<") + "<<" + given_names.upper().replace(" ", "<")
    l1 = _field(document_code, 2) + _field(issuing_state, 3) + _field(name, 39)
    doc = _field(document_number, 9)
    pn = _field(personal_number, 14)
    pn_cd = "<" if set(pn) == {"<"} else check_digit(pn)
    l2 = doc + check_digit(doc) + _field(nationality, 3) + birth_date + check_digit(birth_date)
    l2 += (sex if sex in "MF" else "<") + expiry_date + check_digit(expiry_date) + pn + pn_cd
    l2 += check_digit(l2[0:10] + l2[13:20] + l2[21:43])
    return l1 + l2
