"""The national reference set moved to the shared package `refdata` (the kiosk loads it too and
must not import the service); this name keeps the service's existing imports working."""

from refdata import *  # noqa: F403
from refdata import __all__  # noqa: F401
