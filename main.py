"""Entry point: `python main.py` starts the kiosk on config/default.toml; see `--help`."""

import sys

from kiosk.cli import main

if __name__ == "__main__":
    sys.exit(main())
