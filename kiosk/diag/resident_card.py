"""`python main.py diag card --kind resident-id [--port DEV] [--simulate CARD] [--json]`: read a
resident ID card (or a card read like it) through a GA/T 467 reader and say what it is.

Prints the card type, the SAM's number, the read's frames, bytes and time, the photo's state
(decoded, or why not: no vendor decoder configured, or a photo it cannot decode), whether the
card has expired, name warnings, and the holder's fields masked unless --show-personal-data.
The card is read with the photo and expiry checks turned into findings rather than refusals, so
a technician sees everything. Exit 0 read, photo usable and not expired; 1 read failed, no
card, no usable photo (the kiosk would send every applicant to staff) or expired; 2 could not
run (arguments, the port or the SAM unavailable).

The reader is the kiosk config's first resident ID reader, or ``--port DEV`` (a real reader on
that port, with the config's decoder settings if it has such a reader), or ``--simulate CARD``
(the simulated reader with one of its scripted cards).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import time
from pathlib import Path
from typing import Any

from drivers.errors import DeviceError, ReaderUnavailable
from drivers.idcard.base import IdReader
from kiosk.settings import PROJECT_ROOT

# the kinds' own words on the technicians' screen (GB names, then English)
CARD_TYPES = {
    "resident": "居民身份证 (resident ID card)",
    "hmt_residence": "港澳台居民居住证 (residence permit for Hong Kong, Macao and Taiwan residents)",
    "foreign_permanent_2017": "外国人永久居留身份证 2017 (foreign permanent resident ID card)",
    "foreign_permanent_2023": "外国人永久居留身份证 2023 (foreign permanent resident ID card)",
}
# findings, not refusals: a technician sees the whole card
DIAG_POLICY = {"photo_required": False, "expired_policy": "accept"}


def reader_for(args: argparse.Namespace) -> tuple[IdReader, str]:
    """The reader to test and where it came from: --simulate, --port, the config, or defaults."""
    from drivers.residentid import factory

    settings = getattr(args, "settings", None)
    var_dir = Path(args.var_dir) if args.var_dir is not None else PROJECT_ROOT / "var"
    if args.simulate:
        opts = factory.SimulatedResidentReaderOptions(card=args.simulate, insert_after_s=0.0, **DIAG_POLICY)
        return factory.create_simulated(opts, var_dir), "--simulate"
    section = settings.reader_for("resident_card") if settings is not None else None
    if args.port is not None:
        base = section.options if section is not None and section.kind == "resident_id" else None
        opts = dataclasses.replace(base or factory.ResidentReaderOptions(), port=args.port, **DIAG_POLICY)
        return factory.create(opts, var_dir), "--port"
    if section is None:
        return factory.create(dataclasses.replace(factory.ResidentReaderOptions(), **DIAG_POLICY)), "defaults"
    from kiosk.services.devices import make_reader

    changes = dict(DIAG_POLICY, **({"insert_after_s": 0.0} if section.kind == "virtual_resident_id" else {}))
    section = dataclasses.replace(section, options=dataclasses.replace(section.options, **changes))
    return make_reader(settings, var_dir, section), "config"


def _mask(value: str | None) -> str | None:
    if not value:
        return value
    return value[0] + "*" * (len(value) - 2) + value[-1] if len(value) > 2 else "*" * len(value)


def _identity(ident: Any, show: bool) -> dict[str, Any]:
    def m(value: str | None) -> str | None:
        return value if show else _mask(value)

    nation = ident.nation
    return {
        "name": m(ident.name_national), "english_name": m(ident.english_name) or None,
        "number": m(ident.personal_number), "sex": ident.sex if show else "*",
        "birth_date": ident.birth_date.isoformat() if show else "****-**-**",
        "nation": nation.zh if nation is not None else None, "nationality": ident.nationality,
        "region": ident.region or None, "address": m(ident.address),
        "issuing_authority": ident.issuing_authority or None,
        "valid_from": ident.valid_from.isoformat(),
        "valid_to": ident.valid_to.isoformat() if ident.valid_to is not None else "长期",
        "pass_number": m(ident.pass_number) or None,
    }


def run(args: argparse.Namespace) -> tuple[int, dict[str, Any]]:
    """(exit status, payload)."""
    try:
        reader, source = reader_for(args)
    except (ValueError, OSError) as exc:
        return 2, {"ok": False, "error": "cannot_run", "detail": str(exc)}
    except ReaderUnavailable as exc:
        return 2, {"ok": False, "error": exc.code, "detail": exc.detail}
    try:
        sam = reader.check()  # type: ignore[attr-defined]
        info = reader.wait_for_card(args.timeout)
        if info is None:
            return 1, {"ok": False, "error": "no_card", "detail": f"no card within {args.timeout:g} s",
                       "sam_id": sam.sam_id}
        t0 = time.perf_counter()
        ident = reader.read(None)
        seconds = time.perf_counter() - t0
    except ReaderUnavailable as exc:
        return 2, {"ok": False, "error": exc.code, "detail": exc.detail}
    except DeviceError as exc:
        return 1, {"ok": False, "error": exc.code, "detail": exc.detail}
    finally:
        reader.close()
    try:
        expired = ident.valid_to is not None and ident.valid_to < dt.date.today()
        photo = ident.photo
        payload: dict[str, Any] = {
            "ok": photo.usable and not expired, "source": source, "reader": info.reader,
            "port": sam.port, "sam_id": sam.sam_id, "protocols": list(info.protocols),
            "card_type": ident.card_kind.value, "card_type_name": CARD_TYPES.get(ident.card_kind.value, ""),
            "seconds": round(seconds, 4), "frames": ident.stats.apdus,
            "bytes_in": ident.stats.bytes_in, "bytes_out": ident.stats.bytes_out,
            "photo": {"status": photo.status, "decoder": photo.decoder, "bytes": len(ident.portrait),
                      "detail": photo.detail},
            "expired": expired, "warnings": list(ident.warnings),
            "identity": _identity(ident, args.show_personal_data),
        }
    finally:
        ident.wipe()
    return (0 if payload["ok"] else 1), payload


def print_text(payload: dict[str, Any]) -> None:
    photo = payload["photo"]
    print(f"reader        {payload['reader']} on {payload['port']}  (from {payload['source']})")
    print(f"SAM           {payload['sam_id']}")
    print(f"card type     {payload['card_type_name'] or payload['card_type']}")
    print(f"traffic       {payload['frames']} frames, {payload['bytes_in']} B in / {payload['bytes_out']} B out, "
          f"{payload['seconds'] * 1000:.0f} ms")
    print(f"photo         {photo['status']} (decoder {photo['decoder'] or 'none'}"
          f"{'; ' + photo['detail'] if photo['detail'] else ''})")
    print(f"validity      {'EXPIRED' if payload['expired'] else 'valid'} (to {payload['identity']['valid_to']})")
    if payload["warnings"]:
        print(f"warnings      {', '.join(payload['warnings'])}")
    for name, value in payload["identity"].items():
        if value is not None:
            print(f"  {name:<18}{value}")
