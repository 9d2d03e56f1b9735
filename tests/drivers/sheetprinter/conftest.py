import sys
from pathlib import Path

# --import-mode=importlib does not put test dirs on sys.path; the shared helpers live here
sys.path.insert(0, str(Path(__file__).resolve().parent))

from cups_testutil import cups, cups_available

__all__ = ["cups", "cups_available"]
