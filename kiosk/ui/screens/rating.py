"""The service rating (好差评): five big worded levels, the reasons of a bad one, thanks.

Shown after the applicant's personal data was wiped, and built from the view's rating fields
alone, so it cannot show any. Each level is a full-width button whose words say it; the stars and
the colour only repeat it. Skipping is always one tap away.
"""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.ui import theme
from kiosk.ui.messages import RATING_INDICATORS, RATING_LEVELS, RATING_REASONS
from kiosk.ui.screens import Ctx
from kiosk.ui.screens.common import button, page
from kiosk.ui.theme import px
from kiosk.ui.widgets import KioskButton, Text, grid, scroller
from licence_wire import rating as wire

STARS = {level: "★" * (5 - i) + "☆" * i for i, level in enumerate(wire.LEVELS)}
# a second cue beside the words and stars: green for good, grey-blue for the middle, red for bad
COLOUR = {
    "very_satisfied": (0.06, 0.42, 0.20, 1),
    "satisfied": theme.OK,
    "basically_satisfied": (0.30, 0.36, 0.46, 1),
    "dissatisfied": (0.70, 0.30, 0.05, 1),
    "very_dissatisfied": theme.ACCENT,
}


def level_label(ctx: Ctx, level: str) -> str:
    return f"{STARS[level]}   {ctx.tr(RATING_LEVELS[level])}"


def _skip(ctx: Ctx, height: float = 130, font: float = 42) -> KioskButton:
    return button(ctx, ctx.tr("Skip, no rating"), "skip", color=theme.UNSELECTED, text_color=theme.TEXT,
                  height=height, font=font)


def _levels(ctx: Ctx) -> Widget:
    tr = ctx.tr
    parts: list[Widget] = [Text(tr("How satisfied are you with this service? Tap one answer."), font=46)]
    # 150 high: finger-sized, and the whole page fits above the staff bar in both languages
    parts += [button(ctx, level_label(ctx, level), "rate", level, color=COLOUR[level], height=150, font=54)
              for level in wire.LEVELS]
    parts.append(Text(tr("Your rating contains no personal data. It helps us improve the service."), font=40,
                      color=theme.MUTED))
    return page(tr("Please rate our service"), *parts, actions=(_skip(ctx),))


def _reasons(ctx: Ctx) -> Widget:
    """The reasons scroll between a fixed top (what was chosen) and fixed actions, so that
    sending, changing the level and skipping are always in view, however long the list."""
    tr, v = ctx.tr, ctx.view
    column = BoxLayout(orientation="vertical", padding=(px(48), px(28), px(48), px(20)), spacing=px(14))
    top = BoxLayout(orientation="vertical", size_hint_y=None, spacing=px(12))
    top.bind(minimum_height=top.setter("height"))
    top.add_widget(Text(tr("Please tell us why"), font=60, bold=True, color=theme.PRIMARY_DARK))
    top.add_widget(Text(tr("Your rating: {rating}", rating=level_label(ctx, v.rating_level)), font=44, bold=True,
                        color=COLOUR[v.rating_level]))
    top.add_widget(Text(tr("What was not good? Choose one or more."), font=40))
    column.add_widget(top)
    listing = BoxLayout(orientation="vertical", size_hint_y=None, spacing=px(8), padding=(0, 0, px(20), 0))
    listing.bind(minimum_height=listing.setter("height"))
    for indicator in dict.fromkeys(wire.REASONS.values()):  # the pick list's order, "other" last
        listing.add_widget(Text(tr(RATING_INDICATORS[indicator]), font=40, bold=True, color=theme.PRIMARY_DARK))
        for reason, of in wire.REASONS.items():
            if of == indicator:
                picked = reason in v.rating_reasons
                choice = button(ctx, ("✓  " if picked else "□  ") + tr(RATING_REASONS[reason]),
                                "rate_reason", reason, selected=picked, height=96, font=40)
                # a pick list reads down one edge: the boxes line up at the left, not centred
                # wherever each reason's length puts them
                choice.halign, choice.padding = "left", (px(24), 0)
                listing.add_widget(choice)
    scroll = scroller()
    scroll.add_widget(listing)
    column.add_widget(scroll)
    if v.rating_reasons:
        column.add_widget(button(ctx, tr("Send my rating"), "rate_send", color=theme.OK, height=140, font=48))
    else:
        column.add_widget(Text(tr("Please choose at least one reason, or skip."), font=40, color=theme.MUTED))
    column.add_widget(grid(2, [button(ctx, tr("Choose another rating"), "rate_change", color=theme.UNSELECTED,
                                      text_color=theme.TEXT, height=120, font=40), _skip(ctx, height=120, font=40)]))
    return column


def _thanks(ctx: Ctx) -> Widget:
    tr = ctx.tr
    parts: list[Widget] = [Text(tr("Your rating has been recorded."), font=52, color=theme.OK)]
    if ctx.view.rating_level in wire.BAD_LEVELS:
        parts.append(Text(tr("The registration authority will look into it within {days} working days.",
                             days=wire.FOLLOW_UP_WORKING_DAYS), font=44))
    parts.append(button(ctx, tr("Finish"), "finish", color=theme.OK))
    return page(tr("Thank you for your rating"), *parts)


def build(ctx: Ctx) -> Widget:
    if ctx.view.rating_thanks:
        return _thanks(ctx)
    return _reasons(ctx) if ctx.view.rating_level else _levels(ctx)
