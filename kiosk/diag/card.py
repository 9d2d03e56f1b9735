"""`python main.py diag card`: read an ID chip and say whether it is genuine.

Prints the access protocol, APDU and byte counts, timing, the Passive Authentication result
and the identity fields - masked unless --show-personal-data. Exit 0 only when the chip was
read and verified; 1 when reading or verification failed; 2 when the check could not run
(bad arguments, no PC/SC service).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from drivers.errors import DeviceError, ReaderUnavailable
from drivers.idcard.base import AccessKey, ChipIdentity, IdReader


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--reader", default="", help="reader name (substring); default: first")
    key = parser.add_mutually_exclusive_group()
    key.add_argument("--can", help="6-digit card access number")
    key.add_argument("--mrz", metavar="DOCNO,BIRTH,EXPIRY",
                     help="document number and dates as YYMMDD, comma-separated")
    parser.add_argument("--trust-store", default="config/trust",
                        help="CSCA directory (PEM/DER certificates, CRLs, master lists)")
    parser.add_argument("--timeout", type=float, default=15.0, help="seconds to wait for a card")
    parser.add_argument("--simulate", metavar="VARIANT",
                        help="use the in-process virtual chip instead of PC/SC (self-test)")
    parser.add_argument("--var-dir", default="var", help="where --simulate keeps its test PKI")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--show-personal-data", action="store_true",
                        help="print names and numbers unmasked (technician's own card only)")


def _key(args: argparse.Namespace) -> AccessKey:
    if args.can:
        if not (args.can.isdigit() and len(args.can) == 6):
            raise ValueError("--can must be 6 digits")
        return AccessKey(can=args.can)
    if args.mrz:
        parts = [p.strip() for p in args.mrz.split(",")]
        if len(parts) != 3 or not all(len(d) == 6 and d.isdigit() for d in parts[1:]):
            raise ValueError("--mrz needs DOCNO,YYMMDD,YYMMDD")
        return AccessKey(document_number=parts[0].upper(), birth_date=parts[1],
                         expiry_date=parts[2])
    raise ValueError("give --can or --mrz")


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


def _reader(args: argparse.Namespace) -> IdReader:
    from drivers.idcard import factory

    if args.simulate:
        opts = factory.VirtualReaderOptions(variant=args.simulate, insert_after_s=0.0,
                                            trust_store="")
        return factory.create_virtual(opts, Path(args.var_dir))
    return factory.create_pcsc(factory.PcscReaderOptions(reader=args.reader,
                                                         trust_store=args.trust_store),
                               Path(args.var_dir))


def run(args: argparse.Namespace) -> int:
    try:
        key = _key(args)
        reader = _reader(args)
    except (ValueError, OSError) as exc:
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
        "ok": pa.verified,
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
    pa = payload["passive_authentication"]
    print(f"reader        {payload['reader']}  (ATR {payload['atr']})")
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
