import sys
from pathlib import Path

# --import-mode=importlib does not put test dirs on sys.path; the shared helpers live here
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "drivers" / "sheetprinter"))  # the CUPS fixtures

from cups_testutil import cups, cups_available
from printing_testutil import licence, vprint

__all__ = ["cups", "cups_available", "licence", "vprint"]
