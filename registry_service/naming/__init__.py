"""Individual-business (个体工商户) name rules as pure functions: no FastAPI, no database.

    from registry_service.naming import NameParts, checker
    result = checker().check(NameParts("371002", "老王", "拉面", "馆", "H6291"))
    result.full_name, result.outcome, [(f.code, f.severity, f.zh) for f in result.findings]
"""

from registry_service.naming.engine import Finding, NameCheck, NameChecker, NameParts, checker
from registry_service.naming.reasons import REASONS, REJECT, REVIEW, WARN, Reason
from registry_service.naming.similarity import RegisteredNames

__all__ = [
    "REASONS", "REJECT", "REVIEW", "WARN", "Finding", "NameCheck", "NameChecker", "NameParts", "Reason",
    "RegisteredNames", "checker",
]
