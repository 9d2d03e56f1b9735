"""Is this chip the original or a copy of its data? Chip Authentication, Active
Authentication, and the verdict that joins them with Passive Authentication.

Passive Authentication proves the data was signed by a state; only a key the chip never
reveals tells the original chip from a copy. Chip Authentication (DG14) runs first, and only
with a DG14 that EF.SOD covers; Active Authentication (DG15) runs when Chip Authentication did
not prove the chip. A document that offers neither is a policy question (``unproven_chip``):
"refuse" (the default: such a chip gives the failure ``no_chip_proof``, and the kiosk sends
the applicant to staff) or "accept" (verified, with the note that a copy is not excluded).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from drivers.errors import CardReadError
from drivers.idcard import active_auth, chip_authentication, dg14
from drivers.idcard.base import PassiveAuthResult
from drivers.idcard.channel import ApduChannel
from drivers.idcard.passive_auth import SodCheck

log = logging.getLogger(__name__)

UNPROVEN_CHIP_POLICIES = ("refuse", "accept")


def check_policy(unproven_chip: str) -> str:
    if unproven_chip not in UNPROVEN_CHIP_POLICIES:
        raise ValueError(f"unproven_chip must be one of {', '.join(UNPROVEN_CHIP_POLICIES)}, "
                         f"not {unproven_chip!r}")
    return unproven_chip


@dataclass
class ChipAuthRun:
    """Chip Authentication of one read. ``state``: absent, unsupported, not_trusted (DG14 not
    covered by Passive Authentication), failed, unconfirmed (new keys not used yet), passed."""

    state: str = "absent"
    name: str = ""  # e.g. "CA-ECDH-AES-128"
    note: str = ""

    def confirm(self) -> None:
        """The first exchange under the new keys worked: the chip holds the DG14 key."""
        if self.state == "unconfirmed":
            self.state, self.note = "passed", f"Chip Authentication {self.name} ok"

    def fail(self, why: str) -> None:
        self.state, self.note = "failed", f"Chip Authentication {self.name} failed: {why}"


def run_chip_auth(channel: ApduChannel, dg14_raw: bytes | None, sod: SodCheck, run: ChipAuthRun) -> None:
    """Start Chip Authentication into ``run``; on success ``channel.sm`` holds the new keys,
    and ``run.state`` is "unconfirmed" until the next protected exchange."""
    if dg14_raw is None:
        return
    if not sod.covers(14, dg14_raw):
        run.state, run.note = "not_trusted", "DG14 not covered by a valid EF.SOD: its key is not used"
        return
    try:
        infos, pubkeys = dg14.parse(dg14_raw)
    except CardReadError as exc:
        run.state, run.note = "unsupported", f"DG14 unreadable: {exc.detail}"
        return
    chosen = dg14.choose(infos, pubkeys)
    if chosen is None:
        if infos or pubkeys:
            run.state, run.note = "unsupported", "DG14 offers no Chip Authentication this kiosk speaks"
        return
    run.name = chosen.info.name
    try:
        channel.sm = chip_authentication.authenticate(channel, chosen)
    except chip_authentication.CaUnsupported as exc:
        run.state, run.note = "unsupported", f"Chip Authentication {run.name} not possible: {exc}"
        return
    except chip_authentication.CaFailed as exc:  # refused under the old keys (or dropped them)
        run.fail(str(exc))
        return
    run.state = "unconfirmed"


def run_active_auth(channel: ApduChannel, dg15: bytes | None, dg14_raw: bytes | None,
                    ca: ChipAuthRun) -> tuple[str, str, str]:
    """(state, algorithm, note): state passed, failed, absent or skipped (CA proved the chip).

    A malformed DG15/DG14 or a wrong signature counts as a failed check (that is what a
    cloned chip looks like); a broken exchange (bad MAC, card gone) raises as usual.
    """
    if dg15 is None:
        return "absent", "", "no Active Authentication on this chip"
    if ca.state == "passed":
        return "skipped", "", "Active Authentication not needed"
    try:
        name = active_auth.authenticate(channel, dg15, dg14_raw)
    except active_auth.AaFailed as exc:
        return "failed", "", str(exc)
    return "passed", name, f"Active Authentication {name} ok"


def verdict(pa: PassiveAuthResult, aa_state: str, aa_note: str, ca: ChipAuthRun,
            unproven_chip: str) -> PassiveAuthResult:
    """Passive Authentication failures come first (the data itself is not trustworthy); on
    genuine data a failed Chip or Active Authentication means a copied chip."""
    states = {"active_auth": aa_state, "chip_auth": ca.state}
    if not pa.verified:
        return replace(pa, **states)
    notes = [n for n in (ca.note if ca.state != "absent" else "", aa_note if aa_state != "skipped" else "") if n]
    detail = "; ".join([pa.detail, *notes])
    if ca.state == "failed":
        return PassiveAuthResult(False, "chip_auth", detail, **states)
    if aa_state == "failed":
        return PassiveAuthResult(False, "active_auth", detail, **states)
    if ca.state == "passed" or aa_state == "passed":
        return PassiveAuthResult(True, None, detail, **states)
    detail += "; no Chip or Active Authentication: a copy of the chip is not excluded"
    if unproven_chip == "accept":
        return PassiveAuthResult(True, None, detail, **states)
    return PassiveAuthResult(False, "no_chip_proof", detail, **states)
