"""National reference data (divisions, GB/T 4754 industries, business scope, standard characters).

Importable without FastAPI: the kiosk loads its downloaded copy with ``load(path)`` and searches
it with ``search``; the service uses ``packaged()``.
"""

from refdata.loader import ReferenceDataError, content_version, files, load, manifest, packaged
from refdata.model import (
    GENERAL,
    POST,
    PRIOR,
    Division,
    Hanzi,
    Industry,
    Permit,
    ReferenceData,
    ScopeItem,
)

__all__ = [
    "GENERAL", "POST", "PRIOR", "Division", "Hanzi", "Industry", "Permit", "ReferenceData",
    "ReferenceDataError", "ScopeItem", "content_version", "files", "load", "manifest", "packaged",
]
