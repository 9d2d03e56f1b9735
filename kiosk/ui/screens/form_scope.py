"""The form's business scope: search by keyword or pinyin initials, or browse the GB/T 4754 tree.

Search letters and the browse position are UI-only state (``ctx.scratch``); only the chosen item
codes go into the form. An item that needs a permit says so, with the permit's name, on the
button itself, before it is chosen. English screens show each item's English name where the
catalogue has one and its pinyin otherwise, under the Chinese wording the licence prints.
"""

from __future__ import annotations

from typing import Any

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.i18n import N_
from kiosk.ui import theme
from kiosk.ui.screens import Ctx
from kiosk.ui.widgets import KioskButton, Text, grid, keypad
from refdata.model import CLASS, GENERAL, PRIOR, ScopeItem

RESULTS = 8
LETTERS = "qwertyuiopasdfghjklzxcvbnm<C"
QUERY, BROWSE = "scope_query", "scope_browse"
PERMIT_MARK = {
    "post": N_("Needs a permit after the licence: {permit}"),
    "prior": N_("Needs a permit before the licence (checked by staff): {permit}"),
}


def _english(ctx: Ctx) -> bool:
    return not ctx.tr.language.startswith("zh")


def label(ctx: Ctx, national: Any, item: ScopeItem) -> str:
    """The printed wording, its English name or pinyin in English mode, and the permit mark."""
    text = item.name_zh
    if _english(ctx):
        text += f"\n{item.name_en or item.pinyin}"
    kind = item.kind(national.ref.permits)
    if kind != GENERAL:
        permit = national.ref.permits[item.permit]
        name = permit.name_en if _english(ctx) and permit.name_en else permit.name_zh
        text += "\n" + ("⚠ " if kind == PRIOR else "") + ctx.tr(PERMIT_MARK[kind], permit=name)
    return text


def section(ctx: Ctx, body: BoxLayout, national: Any) -> None:
    tr, form = ctx.tr, ctx.session.form
    chosen: list[str] = list(form.get("scope_codes") or [])
    body.add_widget(Text(tr("Business scope"), font=44, bold=True))

    def toggle(_: str, code: str) -> None:
        codes = [c for c in chosen if c != code] if code in chosen else [*chosen, code]
        ctx.touch("form_set", ("scope_codes", codes))

    def item_button(item: ScopeItem, selected: bool) -> Widget:
        kind = item.kind(national.ref.permits)
        return KioskButton(label(ctx, national, item), "scope_toggle", item.code, toggle, selected=selected,
                           font=34, height=200 if (kind != GENERAL or _english(ctx)) else 120,
                           color=theme.SELECTED if selected else theme.UNSELECTED)

    known = [national.ref.scope[c] for c in chosen if c in national.ref.scope]
    if known:
        body.add_widget(Text(tr("Chosen (tap to remove):"), font=36, color=theme.MUTED))
        body.add_widget(grid(1, [item_button(i, True) for i in known]))

    query = str(ctx.scratch.get(QUERY, ""))
    body.add_widget(Text(tr("Search: type a word or the first letters of the pinyin (cy = 餐饮)"), font=36))
    body.add_widget(Text(query or tr("(nothing typed yet)"), font=52, bold=True, color=theme.PRIMARY_DARK))

    def on_letter(_: str, key: str) -> None:
        ctx.scratch[QUERY] = "" if key == "C" else query[:-1] if key == "<" else (query + key)[:16]
        ctx.scratch.pop(BROWSE, None)
        ctx.rerender()

    body.add_widget(keypad(on_letter, keys=LETTERS, action="scope_letter", height=110))
    if query:
        hits = national.scope.search(query, limit=RESULTS)
        if not hits:
            body.add_widget(Text(tr("Nothing found. Try fewer letters, or browse below."), font=36,
                                 color=theme.ACCENT))
        body.add_widget(grid(1, [item_button(national.ref.scope[h.code], h.code in chosen) for h in hits]))
    _browse(ctx, body, national, chosen, item_button)


def _browse(ctx: Ctx, body: BoxLayout, national: Any, chosen: list[str], item_button: Any) -> None:
    """The industry tree, one level at a time: 门类, 大类, 中类, 小类, then the class's items."""
    tr, ref = ctx.tr, national.ref
    at = str(ctx.scratch.get(BROWSE, ""))

    def open_node(_: str, code: str) -> None:
        ctx.scratch[BROWSE] = code
        ctx.rerender()

    body.add_widget(Text(tr("Or browse by trade:"), font=36, color=theme.MUTED))
    path = []
    node = ref.industries.get(at)
    while node is not None:
        path.append(node)
        node = ref.industries.get(node.parent) if node.parent else None
    crumbs = [KioskButton(tr("All trades"), "scope_browse", "", open_node, color=theme.UNSELECTED,
                          text_color=theme.TEXT, font=32, height=100)]
    crumbs += [KioskButton(n.name, "scope_browse", n.code, open_node, color=theme.UNSELECTED, text_color=theme.TEXT,
                           font=32, height=100) for n in reversed(path)]
    body.add_widget(grid(3, crumbs))
    current = ref.industries.get(at)
    if current is not None and current.level == CLASS:
        body.add_widget(grid(1, [item_button(i, i.code in chosen) for i in ref.items_of_class(at)]))
        return
    kids = sorted((i for i in ref.industries.values() if i.parent == at), key=lambda i: i.code)
    body.add_widget(grid(2, [
        KioskButton(i.name + (f"\n{i.name_en or i.pinyin}" if _english(ctx) else ""), "scope_browse", i.code,
                    open_node, color=theme.UNSELECTED, text_color=theme.TEXT, font=32,
                    height=150 if _english(ctx) else 110)
        for i in kids
    ]))
