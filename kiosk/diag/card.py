"""`python main.py diag card`: read an ID document and say whether it is genuine.

Two kinds of reader (``--kind``): ``chip``, an ICAO chip (passport, eID) over PC/SC, and
``resident-id``, a resident ID card (or a card read like it) through a GA/T 467 reader
(kiosk/diag/resident_card.py). Without ``--kind``: ``resident-id`` with ``--port``, ``chip`` with
``--reader``, ``--can``, ``--mrz`` or ``--trust-store``, else the kind of the config's first reader.

For a chip it prints the access protocol, APDU and byte counts, timing, the Passive
Authentication result and the identity fields - masked unless --show-personal-data. Exit 0 only
when the chip was read and verified; 1 when reading or verification failed; 2 when the check
could not run (bad arguments, no PC/SC service).

The chip reader is the kiosk config's first chip reader (``main.py --config X diag card``,
default config/default.toml) unless ``--reader NAME`` (a PC/SC reader) or ``--simulate VARIANT``
(the in-process virtual chip) names another; the CAN defaults to the config's ``test_card_can``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

from drivers.errors import DeviceError, ReaderUnavailable
from drivers.idcard.base import AccessKey, ChipIdentity, IdReader
from kiosk.diag.arguments import existing_dir, seconds, var_directory
from kiosk.settings import PROJECT_ROOT, ConfigError

KINDS = ("chip", "resident-id")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--kind", choices=KINDS, default=None,
                        help="chip (passport, eID over PC/SC) or resident-id (居民身份证 reader); "
                             "default: the config's first reader")
    parser.add_argument("--port", default=None, metavar="DEV", type=_device_path,
                        help="resident-id: a reader on this serial port instead of the configured one")
    parser.add_argument("--reader", default=None, metavar="NAME",
                        help="a PC/SC reader (substring of its name) instead of the configured one")
    key = parser.add_mutually_exclusive_group()
    key.add_argument("--can", help="6-digit card access number (default: the config's test_card_can)")
    key.add_argument("--mrz", metavar="DOCNO,BIRTH,EXPIRY",
                     help="document number and dates as YYMMDD, comma-separated")
    parser.add_argument("--trust-store", type=existing_dir, default=None,
                        help="CSCA directory (PEM/DER certificates, CRLs, master lists); "
                             "default: the configured reader's")
    parser.add_argument("--timeout", type=seconds(600), default=15.0, help="seconds to wait for a card")
    parser.add_argument("--simulate", metavar="VARIANT",
                        help="self-test: the in-process virtual chip with this variant, or with --kind "
                             "resident-id the simulated reader with this card (e.g. resident, expired)")
    parser.add_argument("--var-dir", type=var_directory, default=None,
                        help="where --simulate keeps its test PKI (default: the config's var dir)")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--show-personal-data", action="store_true",
                        help="print names and numbers unmasked (technician's own card only)")


def _device_path(text: str) -> str:
    if not text.startswith("/") or "\0" in text:
        raise argparse.ArgumentTypeError(f"{text!r}: expected an absolute device path such as /dev/ttyUSB0")
    return text


def kind_of(args: argparse.Namespace) -> str:
    """Which reader the command tests (``--kind``, or what the other options and the config say).
    ValueError for options that belong to the other kind."""
    chip_only = [f"--{n.replace('_', '-')}" for n in ("reader", "can", "mrz", "trust_store")
                 if getattr(args, n, None) is not None]
    kind = args.kind
    if kind is None:
        settings = getattr(args, "settings", None)
        first = settings.reader.document if settings is not None else "passport"
        kind = ("resident-id" if args.port is not None else "chip" if chip_only or args.simulate
                else "resident-id" if first == "resident_card" else "chip")
    if kind == "resident-id" and chip_only:
        raise ValueError(f"{', '.join(chip_only)}: only for --kind chip (a resident ID card needs no key)")
    if kind == "chip" and args.port is not None:
        raise ValueError("--port: only for --kind resident-id")
    if kind == "resident-id" and args.simulate:
        from drivers.residentid.factory import SIM_CARDS

        if args.simulate not in SIM_CARDS:
            raise ValueError(f"--simulate: a resident-id card is one of {', '.join(SIM_CARDS)}")
    return kind


def _ascii_digits(text: str, count: int) -> bool:
    return text.isascii() and text.isdigit() and len(text) == count


def _key(args: argparse.Namespace) -> AccessKey:
    can = args.can
    if can is None and not args.mrz and args.simulate is None and args.reader is None:
        settings = getattr(args, "settings", None)
        can = settings.diagnostics.test_card_can if settings is not None else None
    if can:
        if not _ascii_digits(can, 6):
            raise ValueError("--can must be 6 digits 0-9")
        return AccessKey(can=can)
    if args.mrz:
        parts = [p.strip() for p in args.mrz.split(",")]
        if (len(parts) != 3 or not (parts[0].isascii() and parts[0].isalnum())
                or not all(_ascii_digits(d, 6) for d in parts[1:])):
            raise ValueError("--mrz needs DOCNO,YYMMDD,YYMMDD (letters and digits 0-9)")
        return AccessKey(document_number=parts[0].upper(), birth_date=parts[1],
                         expiry_date=parts[2])
    raise ValueError("give --can or --mrz (or set [diagnostics] test_card_can in the config)")


def _mask(value: str | None, keep: int = 1) -> str | None:
    if value is None:
        return None
    if len(value) <= 2 * keep:
        return "*" * len(value)
    return value[:keep] + "*" * (len(value) - 2 * keep) + value[-keep:]


def _identity(ident: ChipIdentity, show: bool) -> dict[str, Any]:
    def m(value: str | None, keep: int = 1) -> str | None:
        return value if show else _mask(value, keep)

    portrait: dict[str, Any] = {"format": ident.portrait_format, "bytes": len(ident.portrait)}
    try:
        from drivers.idcard.dg2 import decode_image

        height, width = decode_image(ident.portrait).shape[:2]
        portrait.update(width=width, height=height, decodes=True)
    except DeviceError:
        portrait["decodes"] = False
    return {
        "document_type": ident.document_type, "issuing_state": ident.issuing_state,
        "document_number": m(ident.document_number), "surname": m(ident.surname),
        "given_names": m(ident.given_names), "name_national": m(ident.name_national),
        "personal_number": m(ident.personal_number), "nationality": ident.nationality,
        "sex": ident.sex if show else "*",
        "birth_date": ident.birth_date.isoformat() if show else "****-**-**",
        "expiry_date": ident.expiry_date.isoformat(),
        "address": ident.address if show else (_mask(ident.address) if ident.address else None),
        "portrait": portrait,
    }


def _reader(args: argparse.Namespace) -> tuple[IdReader, str]:
    """The reader to test and where it came from: --simulate, --reader, else the config's."""
    from drivers.idcard import factory

    settings = getattr(args, "settings", None)
    var_dir = Path(args.var_dir) if args.var_dir is not None else PROJECT_ROOT / "var"
    trust = str(args.trust_store) if args.trust_store is not None else None
    if args.simulate:
        opts = factory.VirtualReaderOptions(variant=args.simulate, insert_after_s=0.0, trust_store="")
        return factory.create_virtual(opts, var_dir), "--simulate"
    chip = settings.reader_for("passport") if settings is not None else None
    if args.reader is not None or chip is None:
        configured = chip.options if chip is not None else None
        base = configured if isinstance(configured, factory.PcscReaderOptions) else factory.PcscReaderOptions()
        opts = dataclasses.replace(base, reader=args.reader or base.reader,
                                   trust_store=trust if trust is not None else base.trust_store)
        return factory.create_pcsc(opts, var_dir), "--reader" if args.reader is not None else "defaults"
    if trust is not None:
        chip = dataclasses.replace(chip, options=dataclasses.replace(chip.options, trust_store=trust))
    from kiosk.services.devices import make_reader

    return make_reader(settings, var_dir, chip), "config"


def run(args: argparse.Namespace) -> int:
    try:
        kind = kind_of(args)
    except ValueError as exc:
        return _emit(args, 2, {"ok": False, "error": "cannot_run", "detail": str(exc)})
    if kind == "resident-id":
        from kiosk.diag import resident_card

        code, payload = resident_card.run(args)
        return _emit(args, code, payload)
    try:
        key = _key(args)
        reader, source = _reader(args)
    except (ValueError, OSError, ConfigError) as exc:
        return _emit(args, 2, {"ok": False, "error": "cannot_run", "detail": str(exc)})
    except ReaderUnavailable as exc:
        return _emit(args, 2, {"ok": False, "error": exc.code, "detail": exc.detail})
    try:
        info = reader.wait_for_card(args.timeout)
        if info is None:
            return _emit(args, 1, {"ok": False, "error": "no_card",
                                   "detail": f"no card within {args.timeout:g} s"})
        ident = reader.read(key)
    except ReaderUnavailable as exc:
        return _emit(args, 2, {"ok": False, "error": exc.code, "detail": exc.detail})
    except DeviceError as exc:
        return _emit(args, 1, {"ok": False, "error": exc.code, "detail": exc.detail})
    finally:
        reader.close()
    report = getattr(reader, "last_report", None)
    pa = ident.authenticity
    out: dict[str, Any] = {
        "ok": pa.verified, "source": source,
        "reader": info.reader, "atr": info.atr.hex().upper(), "protocols": list(info.protocols),
        "access_protocol": ident.access_protocol,
        "apdus": ident.stats.apdus, "bytes_in": ident.stats.bytes_in,
        "bytes_out": ident.stats.bytes_out, "seconds": round(ident.stats.seconds, 4),
        "passive_authentication": {"verified": pa.verified, "failure": pa.failure,
                                   "detail": pa.detail},
        "identity": _identity(ident, args.show_personal_data),
    }
    if report is not None:
        out.update(apdus_after_access=report.read_apdus, extended_length=report.extended_length,
                   block=report.block, active_authentication=report.active_auth,
                   chip_authentication=report.chip_auth, files=report.files)
    ident.wipe()
    return _emit(args, 0 if pa.verified else 1, out)


def _emit(args: argparse.Namespace, code: int, payload: dict[str, Any]) -> int:
    if args.json:
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return code
    if not payload.get("reader"):
        print(f"card: {payload.get('error')}: {payload.get('detail')}", file=sys.stderr)
        return code
    if "sam_id" in payload:
        from kiosk.diag.resident_card import print_text

        print_text(payload)
        return code
    pa = payload["passive_authentication"]
    print(f"reader        {payload['reader']}  (ATR {payload['atr']}; from {payload['source']})")
    print(f"protocols     {', '.join(payload['protocols'])}; used {payload['access_protocol']}")
    print(f"traffic       {payload['apdus']} APDUs ({payload.get('apdus_after_access', '?')} "
          f"after access control), {payload['bytes_in']} B in / {payload['bytes_out']} B out, "
          f"{payload['seconds'] * 1000:.0f} ms")
    status = "VERIFIED" if pa["verified"] else f"FAILED ({pa['failure']})"
    print(f"authenticity  {status}: {pa['detail']}")
    if "chip_authentication" in payload:
        print(f"original chip Chip Authentication {payload['chip_authentication']}, "
              f"Active Authentication {payload['active_authentication']}")
    for name, value in payload["identity"].items():
        print(f"  {name:<16}{value}")
    return code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="diag card", description=__doc__.splitlines()[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
