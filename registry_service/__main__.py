"""python -m registry_service [--host H] [--port P] [--database URL]"""

import argparse
import sys

from registry_service.cli import add_arguments, run

parser = argparse.ArgumentParser(prog="python -m registry_service", description=__doc__)
add_arguments(parser)
sys.exit(run(parser.parse_args()))
