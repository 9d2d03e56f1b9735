"""The name check the kiosk calls while the applicant writes (GET /v1/names/check).

The rules are registry_service.naming's, the same ones the submission applies
(registry_service.rules.check_name); this module only adds what needs the database: the 字号
already registered in the same industry at the same registration authority, for the taken,
homophone and one-character-apart findings.
"""

from __future__ import annotations

from sqlalchemy import Engine, select

from registry_service.naming import NameCheck, NameParts, checker
from registry_service.orm import LicenceRow

# Registered 字号 compared per check. One industry at one county authority holds a few hundred
# at most; the bound keeps a pathological table from turning a keystroke into a scan.
REGISTERED_MAX = 20_000

_L = LicenceRow.__table__


def registered_trade_names(engine: Engine, division_code: str, industry_code: str) -> list[str]:
    """The 字号 (compared form) of every licence of the industry at the division's authority."""
    query = (select(_L.c.trade_name_key)
             .where(_L.c.division_code == division_code, _L.c.industry_code == industry_code,
                    _L.c.trade_name_key.is_not(None))
             .limit(REGISTERED_MAX))
    with engine.connect() as c:
        return [row[0] for row in c.execute(query)]


def check_name(engine: Engine, *, division_code: str, trade_name: str, industry_term: str,
               organisation_form: str, industry_code: str = "") -> NameCheck:
    names = checker()
    registered = None
    if industry_code:
        unit = names.ref.county_of(division_code)
        # licences are filed under the division code the application gave, a county code
        registered = names.registered(registered_trade_names(
            engine, unit.code if unit is not None else division_code, industry_code))
    return names.check(NameParts(division_code, trade_name, industry_term, organisation_form, industry_code),
                       registered)
