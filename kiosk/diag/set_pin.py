"""`main.py diag set-pin --config FILE`: store a new technicians' PIN as an Argon2id hash.

The PIN is read from the terminal without echo (or from stdin with --stdin, for provisioning
scripts) and only its hash is written into the config file's [diagnostics] table.
"""

from __future__ import annotations

import argparse
import getpass
import re
import sys
from pathlib import Path

from kiosk.diag.pin import hash_pin


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--stdin", action="store_true", help="read the PIN from standard input")


def write_hash(path: Path, pin_hash: str) -> None:
    text = path.read_text(encoding="utf-8")
    line = f'pin_hash = "{pin_hash}"'
    if re.search(r"^pin_hash\s*=.*$", text, flags=re.M):
        text = re.sub(r"^pin_hash\s*=.*$", lambda _: line, text, count=1, flags=re.M)
    elif re.search(r"^\[diagnostics\]\s*$", text, flags=re.M):
        text = re.sub(r"^\[diagnostics\]\s*$", lambda m: f"{m.group(0)}\n{line}", text, count=1, flags=re.M)
    else:
        text = text.rstrip("\n") + f"\n\n[diagnostics]\n{line}\n"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def run(args: argparse.Namespace) -> int:
    path: Path = args.settings.path
    if args.stdin:
        pin = confirm = sys.stdin.readline().strip()
    else:
        pin, confirm = getpass.getpass("New PIN: "), getpass.getpass("Again: ")
    if pin != confirm:
        print("the two PINs differ; nothing was changed", file=sys.stderr)
        return 2
    try:
        write_hash(path, hash_pin(pin))
    except (ValueError, OSError) as exc:
        print(f"PIN not set: {exc}", file=sys.stderr)
        return 2
    print(f"PIN hash written to {path}")
    return 0
