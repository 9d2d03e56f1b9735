"""What the applicant takes home besides paper: the outcome's public facts and where they lead.

After printing, the session (and with it the decision) is wiped before the done screen shows, so
the flow hands that screen a Proof holding only what a public licence register shows anyway (the
credit code and the business name) or the case's tracking number. The links come from
the [registry] configuration: the electronic licence's verification page and where to ask.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from drivers.registry.models import Decision
from licence_wire import credit_code

PLACEHOLDER = "{uscc}"
EMBEDDED_VERIFY_PATH = "/verify/" + PLACEHOLDER  # registry_service's public page


@dataclass(frozen=True)
class Proof:
    """The done screen's facts: an issued licence's public record, or a referral's number."""

    outcome: str  # approved | manual_review
    uscc: str = ""
    name: str = ""
    tracking_number: str = ""

    @classmethod
    def of(cls, decision: Decision) -> Proof:
        lic = decision.licence
        if decision.outcome == "approved" and lic is not None:
            return cls("approved", uscc=lic.uscc, name=lic.name)
        return cls(decision.outcome, tracking_number=decision.tracking_number)


@dataclass(frozen=True)
class ProofLinks:
    e_licence_template: str = ""  # "" = no QR code on the screen
    enquiries: str = ""  # "" = the built-in wording only

    def e_licence_url(self, uscc: str) -> str:
        """The verification page of ``uscc``, or "" without a template or a well-formed code
        (a code outside GB 32100's alphabet never goes into an address)."""
        if not self.e_licence_template or not credit_code.is_valid(uscc):
            return ""
        return self.e_licence_template.replace(PLACEHOLDER, quote(uscc, safe=""))


def links_for(registry_section: Any, registry_client: Any) -> ProofLinks:
    """The configured links; the embedded demo service's own page when none is configured for it."""
    options = registry_section.options
    template = options.e_licence_url
    base = getattr(registry_client, "base_url", "")
    if not template and registry_section.kind == "embedded" and base:
        template = base.rstrip("/") + EMBEDDED_VERIFY_PATH
    return ProofLinks(template, options.enquiries)
