"""`main.py diag storage`: journal size, unfinished transactions, print jobs, free disk."""

from __future__ import annotations

import argparse
import sys

from kiosk.diag import checks
from kiosk.diag.summary import emit


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def run(args: argparse.Namespace) -> int:
    from kiosk.launch import open_journal

    try:
        journal = open_journal(args.settings)
    except Exception as exc:
        print(f"storage check could not run: {exc}", file=sys.stderr)
        return 2
    try:
        return emit([checks.check_storage(journal, args.settings.var_dir)], args.json)
    finally:
        journal.close()
