"""Technicians' diagnostics: one traffic light per device, actions, masked config, redacted logs."""

from __future__ import annotations

import time
from typing import Any

from kivy.graphics import Color, Ellipse
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.i18n import N_
from kiosk.ui import preview, theme
from kiosk.ui.diag_words import STATUS, detail_line, reason_words
from kiosk.ui.messages import RATING_LEVELS, RATING_NOT_GIVEN, error_text
from kiosk.ui.screens import Ctx
from kiosk.ui.screens.common import button, page
from kiosk.ui.theme import px
from kiosk.ui.widgets import Card, Text, grid
from licence_wire.rating import LEVELS

DEVICE_NAMES = {"reader": N_("Card reader"), "camera": N_("Camera"), "printer": N_("Printer"),
                "sheet_printer": N_("Sheet printer"), "api": N_("Registration service"), "storage": N_("Storage"),
                "voice": N_("Voice prompts")}
LIGHT = {"ok": theme.OK, "warn": (0.90, 0.60, 0.05, 1), "fault": theme.ACCENT}
HELD_KIND = {"licence": N_("Licence"), "referral": N_("Referral receipt"), "receipt": N_("Receipt"),
             "licence_fuben": N_("Licence (副本)"), "licence_zhengben": N_("Licence (正本)")}
HELD_REASON = {  # kiosk.printing.service: why a document is held, i.e. what staff should do first
    "not_printed": N_("not printed"),
    "print_failed": N_("printing failed part-way; a torn piece may be in the tray"),
    "outcome_unknown": N_("it may have printed: look in the tray before printing it again"),
}


class Light(Widget):
    def __init__(self, rgba: tuple, **kw: Any) -> None:
        super().__init__(size_hint=(None, None), size=(px(56), px(56)), **kw)
        with self.canvas:
            Color(*rgba)
            self._dot = Ellipse(pos=self.pos, size=self.size)
        self.bind(pos=lambda *_: setattr(self._dot, "pos", self.pos))


def _overview(ctx: Ctx) -> list[Widget]:
    tr = ctx.tr
    parts: list[Widget] = []
    if not ctx.view.checks:
        parts.append(Text(tr("Running checks..."), font=40, color=theme.MUTED))
    for r in ctx.view.checks:
        row = BoxLayout(size_hint_y=None, height=px(120), spacing=px(24))
        row.add_widget(Light(LIGHT.get(r.status, theme.MUTED), pos_hint={"center_y": 0.5}))
        # the light's colour in words too: a status is never told by colour alone
        label = f"{tr(STATUS.get(r.status, r.status))} · {tr(DEVICE_NAMES.get(r.device, r.device))}"
        if r.reason:
            label += "  —  " + reason_words(tr, r.status, r.reason)
        row.add_widget(button(ctx, label, "diag_page", f"device:{r.device}", color=theme.UNSELECTED,
                              text_color=theme.TEXT, font=34, height=110))
        parts.append(row)
    parts += _ratings(ctx)
    actions = [button(ctx, tr("Run checks again"), "diag_refresh", font=36, height=120),
               button(ctx, tr("Print a test page"), "diag_test_page", font=36, height=120)]
    if ctx.scratch.get("manual_oos"):
        actions.append(button(ctx, tr("Put back in service"), "diag_in_service", color=theme.OK, font=36, height=120))
    else:
        actions.append(button(ctx, tr("Take out of service"), "diag_out_of_service", color=theme.ACCENT, font=36,
                              height=120))
    return [*parts, grid(2, actions)]


def _ratings(ctx: Ctx) -> list[Widget]:
    """The service rating counts and the ratings not yet sent (codes and numbers only)."""
    tr, found = ctx.tr, ctx.scratch.get("ratings")
    if not found or "levels" not in found:
        return []
    card = Card(size_hint_y=None)
    card.bind(minimum_height=card.setter("height"))
    card.add_widget(Text(tr("Service ratings, last {days} days", days=found["days"]), font=36, bold=True))
    card.add_widget(Text("   ".join(f"{tr(RATING_LEVELS[level])} {found['levels'].get(level, 0)}"
                                    for level in LEVELS), font=30))
    unrated = "   ".join(f"{tr(RATING_NOT_GIVEN.get(why, why))} {n}" for why, n in found["no_rating"].items())
    card.add_widget(Text(tr("Not rated: {counts}", counts=unrated or "0"), font=30))
    waiting = tr("Waiting to be sent: {count}", count=found["queued"])
    if found["oldest_queued_s"] is not None:
        waiting += "  " + tr("(oldest {minutes} min)", minutes=found["oldest_queued_s"] // 60)
    card.add_widget(Text(waiting, font=30, color=theme.ACCENT if found["queued"] else theme.TEXT))
    if found["rejected"]:
        card.add_widget(Text(tr("Refused by the registration service: {count}", count=found["rejected"]),
                             font=30, color=theme.ACCENT))
    return [card]


def _device(ctx: Ctx, device: str) -> list[Widget]:
    """One device: its light, every measured detail, and what a technician can do about it."""
    tr = ctx.tr
    result = next((r for r in ctx.view.checks if r.device == device), None)
    parts: list[Widget] = [Text(tr(DEVICE_NAMES.get(device, device)), font=48, bold=True)]
    if result is None:
        return [*parts, Text(tr("Running checks..."), font=40, color=theme.MUTED)]
    words = tr(STATUS.get(result.status, result.status))
    if result.reason:
        words += "  —  " + reason_words(tr, result.status, result.reason)
    status = Text(words, font=40, bold=True, color=LIGHT.get(result.status, theme.MUTED))
    card = Card(size_hint_y=None)
    card.bind(minimum_height=card.setter("height"))
    for key, value in {**result.details, "check_s": result.seconds}.items():
        if key != "readers":
            card.add_widget(Text(detail_line(tr, key, value), font=32))
    readers = [_reader_card(ctx, row) for row in result.details.get("readers", [])]
    parts += [status, *(_held_jobs(ctx) if device in ("printer", "sheet_printer") else []), *readers, card]
    if device == "camera" and ctx.camera_widget is not None:
        if ctx.camera_widget.parent is not None:
            ctx.camera_widget.parent.remove_widget(ctx.camera_widget)
        ctx.camera_widget.height = px(preview.HEIGHT)  # the face check may have made it smaller
        parts.append(ctx.camera_widget)
    if device == "reader":
        parts.append(button(ctx, tr("Test read with the test card"), "diag_test_read", font=36, height=120))
    if device in ("printer", "sheet_printer"):
        for job in ctx.scratch.get("recent_jobs", []):
            parts.append(Text(job, font=28, color=theme.MUTED))
        # the sheet printer's page prints its own specimen (plain paper), not the receipt printer's
        which = "sheet" if device == "sheet_printer" else None
        parts.append(grid(2, [button(ctx, tr("Print a test page"), "diag_test_page", which, font=36, height=120)]))
    parts.append(grid(2, [button(ctx, tr("Run checks again"), "diag_refresh", font=36, height=120),
                          button(ctx, tr("Devices"), "diag_page", "overview", color=theme.UNSELECTED,
                                 text_color=theme.TEXT, font=36, height=120)]))
    return parts


def _reader_card(ctx: Ctx, row: dict[str, Any]) -> Card:
    """One ID reader: its light and name, then its SAM (a resident ID card reader's security
    module: its number is what the vendor and the public-security bureau ask for) and the rest."""
    tr = ctx.tr
    card = Card(size_hint_y=None)
    card.bind(minimum_height=card.setter("height"))
    head = BoxLayout(size_hint_y=None, height=px(72), spacing=px(20))
    head.add_widget(Light(LIGHT.get(row.get("status", ""), theme.MUTED), pos_hint={"center_y": 0.5}))
    head.add_widget(Text(f"{row.get('reader', '')}  ({row.get('kind', '')})", font=36, bold=True))
    card.add_widget(head)
    if row.get("status") == "fault":
        card.add_widget(Text(f"{row.get('reason', '')}: {error_text(tr, str(row.get('reason', '')))}", font=32,
                             color=theme.ACCENT))
    if "sam_id" in row:
        card.add_widget(Text(f"{tr('SAM ID')}: {row['sam_id']}  ({tr('SAM status')}: {row.get('sam', '')})",
                             font=34, bold=True))
    for key, value in row.items():
        if key not in ("reader", "kind", "status", "reason", "sam_id", "sam"):
            card.add_widget(Text(detail_line(tr, key, value), font=30))
    return card


def _held_jobs(ctx: Ctx) -> list[Widget]:
    """Documents held for staff: why, and the three decisions. Printing one puts it in the tray
    now, so it is for the applicant standing here, after checking their ID card."""
    tr = ctx.tr
    held = ctx.scratch.get("held_jobs", [])
    if not held:
        return []
    parts: list[Widget] = [Text(tr("Held for staff"), font=40, bold=True, color=theme.ACCENT),
                           Text(tr("Print a licence only for its applicant, standing here: check the name on "
                                   "their ID card against the printout before handing it over."), font=30)]
    now = time.time()
    for job in held:
        kind = tr(HELD_KIND.get(job["kind"], job["kind"]))
        why = tr(HELD_REASON.get(job["flag"], N_("not printed")))
        minutes = max(0, int((now - job["created"]) // 60))
        line = tr("{kind} {job}, {minutes} min ago: {why}", kind=kind, job=job["job_id"][:8], minutes=minutes, why=why)
        card = Card(size_hint_y=None)
        card.bind(minimum_height=card.setter("height"))
        card.add_widget(Text(line + (f"  ({job['error']})" if job["error"] else ""), font=32))
        card.add_widget(grid(3, [
            button(ctx, tr("Print it now"), "diag_reprint", job["job_id"], font=32, height=110),
            button(ctx, tr("It came out"), "diag_confirm_printed", job["job_id"], color=theme.OK, font=32,
                   height=110),
            button(ctx, tr("Void it"), "diag_void", job["job_id"], color=theme.UNSELECTED, text_color=theme.TEXT,
                   font=32, height=110)]))
        parts.append(card)
    return parts


def _lines(ctx: Ctx, key: str) -> list[Widget]:
    card = Card(size_hint_y=None)
    card.bind(minimum_height=card.setter("height"))
    for line in ctx.scratch.get(key, []):
        card.add_widget(Text(line, font=26))
    return [card]


def build(ctx: Ctx) -> Widget:
    tr = ctx.tr
    tabs = [button(ctx, tr(label), "diag_page", name, selected=ctx.view.key_mode == name, font=36, height=110)
            for name, label in (("overview", N_("Devices")), ("config", N_("Configuration")), ("log", N_("Log")))]
    mode = str(ctx.view.key_mode)
    if mode.startswith("device:"):
        body = _device(ctx, mode.partition(":")[2])
    else:
        body = {"config": lambda: _lines(ctx, "config_lines"), "log": lambda: _lines(ctx, "log_lines")}.get(
            mode, lambda: _overview(ctx))()
    leave = [button(ctx, tr("Leave diagnostics"), "diag_exit", color=theme.UNSELECTED, text_color=theme.TEXT,
                    font=36, height=120),
             button(ctx, tr("Quit the kiosk application"), "diag_quit", color=theme.PRIMARY_DARK, font=36,
                    height=120)]
    return page(tr("Diagnostics"), grid(3, tabs), *body, grid(2, leave))
