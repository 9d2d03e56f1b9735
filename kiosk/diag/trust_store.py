"""`python main.py diag trust-store`: what the CSCA trust store holds, and importing into it.

Lists the usable CSCA keys per country (count, validity, key type, self-signed or link), the
CRLs with their next update, the master lists with their signature, and every entry that
cannot be used with the reason. ``--import FILE`` adds a master list (its signature must verify
under a master-list signer trust anchor, or ``--allow-unverified``), a CSCA or link
certificate, or a CRL, after verifying it. Expired CSCAs are listed as expired; they do not
count as unusable (a link certificate may still need their key).

Exit 0 when every entry is usable, 1 when some are not (or an import was refused), 2 when
the check could not run (no such directory or file, a file that is no trust material).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from drivers.errors import DeviceError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--trust-store", type=Path, default=None,
                        help="CSCA directory (default: the configured reader's trust store)")
    parser.add_argument("--import", dest="import_file", type=Path, default=None, metavar="FILE",
                        help="add a master list, CSCA / link certificate or CRL after verifying it")
    parser.add_argument("--ml-signers", type=Path, default=None, metavar="PATH",
                        help="master-list signer trust anchors, file or directory "
                             "(default: the configured reader's master_list_signers)")
    parser.add_argument("--allow-unverified", action="store_true",
                        help="import a master list whose signature does not verify (technician's decision)")
    parser.add_argument("--var-dir", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def _options(args: argparse.Namespace) -> Any:
    return getattr(args, "reader_options", None)


def _var_dir(args: argparse.Namespace) -> Path:
    return Path(args.var_dir) if getattr(args, "var_dir", None) is not None else Path("var")


def _trust_dir(args: argparse.Namespace) -> Path:
    if args.trust_store is not None:
        return args.trust_store
    options = _options(args)
    if options is not None and getattr(options, "trust_store", ""):
        return Path(options.trust_store)
    if options is not None and hasattr(options, "variant"):  # the simulated reader's test PKI
        return _var_dir(args) / "test-pki" / "trust"
    return _var_dir(args) / "trust"


def _ml_signers_path(args: argparse.Namespace) -> Path | None:
    if args.ml_signers is not None:
        return args.ml_signers
    options = _options(args)
    configured = getattr(options, "master_list_signers", "") if options is not None else ""
    if configured:
        return Path(configured)
    if options is not None and hasattr(options, "variant"):
        candidate = _var_dir(args) / "test-pki" / "ml-signers"
        return candidate if candidate.exists() else None
    return None


def run(args: argparse.Namespace) -> int:
    from drivers.idcard import trust_import, trust_store

    now = dt.datetime.now(dt.UTC)
    options = _options(args)
    stale_crl = getattr(options, "stale_crl", "warn") if options is not None else "warn"
    directory = _trust_dir(args)
    try:
        signers_path = _ml_signers_path(args)
        signers = trust_store.load_certificates(signers_path) if signers_path is not None else []
    except OSError as exc:
        return _fail(args, 2, "cannot_run", f"master-list signer anchors: {exc}")
    imported: dict[str, Any] | None = None
    if args.import_file is not None:
        try:
            raw = args.import_file.read_bytes()
        except OSError as exc:
            return _fail(args, 2, "cannot_run", f"{args.import_file}: {exc.strerror or exc}")
        try:
            result = trust_import.import_file(raw, args.import_file.name, directory, signers,
                                              args.allow_unverified, stale_crl, now)
        except trust_import.TrustImportUnreadable as exc:
            return _fail(args, 2, exc.code, exc.detail)
        except (DeviceError, ValueError) as exc:
            code = getattr(exc, "code", "cannot_run")
            return _fail(args, 1, code, getattr(exc, "detail", str(exc)))
        except OSError as exc:
            return _fail(args, 2, "cannot_run", f"{directory}: {exc.strerror or exc}")
        store = result.store
        imported = {
            "file": str(args.import_file), "kind": result.kind, "entries": result.entries,
            "added": len(result.added), "already_present": result.already_present,
            "rejected": [_problem(p) for p in result.rejected],
            "signature": _signature(result.signature) if result.signature is not None else None,
        }
    else:
        if not directory.is_dir():
            return _fail(args, 2, "cannot_run", f"trust store {directory} does not exist")
        try:
            store = trust_store.load_directory(directory, stale_crl, signers, now)
        except ValueError as exc:
            return _fail(args, 2, "cannot_run", str(exc))
    assert store is not None
    report = _report(store, now, stale_crl)
    report["import"] = imported
    code = 0 if report["ok"] else 1
    if imported is not None and imported["rejected"] and args.import_file is not None:
        code = 1
    return _emit(args, code, report)


def _fail(args: argparse.Namespace, code: int, error: str, detail: str) -> int:
    if args.json:
        print(json.dumps({"ok": False, "error": error, "detail": detail}, ensure_ascii=False))
    else:
        print(f"trust store: {error}: {detail}", file=sys.stderr)
    return code


def _problem(p: Any) -> dict[str, str]:
    return {"source": p.source, "reason": p.reason, "subject": p.subject, "country": p.country}


def _signature(s: Any) -> dict[str, Any]:
    return {"verified": s.verified, "code": s.code, "detail": s.detail, "signer": s.signer,
            "signer_not_after": s.signer_not_after.date().isoformat() if s.signer_not_after else None}


def _day(value: dt.datetime | None) -> str | None:
    return value.date().isoformat() if value is not None else None


def _report(store: Any, now: dt.datetime, stale_crl: str) -> dict[str, Any]:
    countries: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"usable": 0, "expired": 0, "not_yet_valid": 0, "cscas": []})
    for anchor in sorted(store.anchors, key=lambda a: (a.cert.country, a.cert.not_after)):
        status = anchor.cert.validity_status(now)
        entry = countries[anchor.cert.country]
        entry["usable" if status == "valid" else status] += 1
        entry["cscas"].append({
            "subject": anchor.cert.short_subject, "serial": str(anchor.cert.serial),
            "key": anchor.key.description, "kind": anchor.kind, "status": status,
            "not_before": _day(anchor.cert.not_before), "not_after": _day(anchor.cert.not_after),
            "source": anchor.source, "fingerprint": anchor.cert.fingerprint[:16],
        })
    crls = []
    crl_faults = 0
    for crl in store.crls:
        if crl.signature_ok is None:
            status = "no_csca"
        elif not crl.signature_ok:
            status = "signature_invalid"
        else:
            status = "stale" if crl.stale(now) else "current"
        if status in ("no_csca", "signature_invalid") or (status == "stale" and stale_crl == "refuse"):
            crl_faults += 1
        crls.append({"issuer": crl.issuer_name, "this_update": _day(crl.this_update),
                     "next_update": _day(crl.next_update), "revoked": len(crl.revoked), "status": status,
                     "source": crl.source})
    unusable = [_problem(p) for p in store.problems]
    return {
        "ok": not unusable and not crl_faults,
        "trust_store": store.source, "stale_crl_policy": stale_crl,
        "csca_keys": len(store.anchors), "countries": dict(sorted(countries.items())),
        "crls": crls, "unusable": unusable,
        "master_lists": [{"source": m.source, "entries": m.entries, "signature": _signature(m.signature)}
                         for m in store.master_lists],
    }


def _emit(args: argparse.Namespace, code: int, report: dict[str, Any]) -> int:
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return code
    countries = report["countries"]
    print(f"trust store   {report['trust_store']}: {report['csca_keys']} CSCA keys from {len(countries)} "
          f"countries, {len(report['crls'])} CRLs, {len(report['unusable'])} unusable entries")
    imported = report.get("import")
    if imported is not None:
        signature = imported["signature"]
        how = ""
        if signature is not None:
            how = "; signature " + ("verified" if signature["verified"] else f"NOT verified ({signature['detail']})")
            how += f" by {signature['signer']}" if signature["signer"] else ""
        print(f"imported      {imported['file']} ({imported['kind']}, {imported['entries']} entries): "
              f"{imported['added']} added, {imported['already_present']} already present, "
              f"{len(imported['rejected'])} rejected{how}; a running kiosk uses them after a restart")
    for ml in report["master_lists"]:
        s = ml["signature"]
        state = "verified" if s["verified"] else f"NOT verified: {s['detail']}"
        print(f"master list   {ml['source']}: {ml['entries']} entries, signature {state}"
              + (f" (signer {s['signer']})" if s["signer"] else ""))
    for country, entry in countries.items():
        extra = "".join(f", {entry[k]} {k.replace('_', ' ')}" for k in ("expired", "not_yet_valid") if entry[k])
        print(f"{country:<4}{entry['usable']} usable{extra}")
        for c in entry["cscas"]:
            flag = "" if c["status"] == "valid" else f"  {c['status'].upper().replace('_', ' ')}"
            kind = "" if c["kind"] == "self-signed" else " [link]"
            print(f"    {c['subject'][:44]:<44} {c['key']:<42} {c['not_before']} .. {c['not_after']}"
                  f"{kind}{flag}")
    for crl in report["crls"]:
        print(f"CRL           {crl['issuer']}: next update {crl['next_update'] or '-'}, {crl['revoked']} revoked, "
              f"{crl['status'].replace('_', ' ')}  ({crl['source']})")
    for p in report["unusable"]:
        who = f" [{p['subject']}]" if p["subject"] else ""
        print(f"UNUSABLE      {p['source']}{who}: {p['reason']}")
    if imported is not None:
        for p in imported["rejected"]:
            who = f" [{p['subject']}]" if p["subject"] else ""
            print(f"NOT IMPORTED  {p['source']}{who}: {p['reason']}")
    return code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="diag trust-store", description=__doc__.splitlines()[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
