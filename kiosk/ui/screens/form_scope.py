"""The form's business scope: a summary on the form, and a page of its own to find items, by
keyword or pinyin initials ("cy" finds 餐饮服务) on a letter keyboard, or by browsing the
GB/T 4754 tree (门类, 大类, 中类, 小类, then the class's items).

The page, its letters and its browse position are UI-only state (``ctx.scratch``); only the chosen
item codes go into the form. An item that needs a permit says so, with the permit's name, on its
button, before it is chosen. English screens show each item's English name where the catalogue
has one, its pinyin otherwise, under the Chinese wording the licence prints.
"""

from __future__ import annotations

from typing import Any

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.i18n import N_
from kiosk.ui import theme
from kiosk.ui.screens import Ctx
from kiosk.ui.screens.common import page
from kiosk.ui.theme import font_px, px
from kiosk.ui.widgets import Card, KioskButton, Text, grid
from refdata.model import CLASS, GENERAL, PRIOR, ScopeItem

PICKER = "picker"  # scratch key: which page of the form is open ("scope", "premises")
QUERY, BROWSE, MODE = "scope_query", "scope_browse", "scope_mode"
RESULTS = 8
MAX_QUERY = 16
ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
PERMIT_MARK = {
    "post": N_("Needs a permit after the licence: {permit}"),
    "prior": N_("Needs a permit before the licence (checked by staff): {permit}"),
}


def english(ctx: Ctx) -> bool:
    return not ctx.tr.language.startswith("zh")


def label(ctx: Ctx, national: Any, item: ScopeItem) -> str:
    """The printed wording, its English name or pinyin in English mode, and the permit mark."""
    text = item.name_zh
    if english(ctx):
        text += f"\n{item.name_en or item.pinyin}"
    kind = item.kind(national.ref.permits)
    if kind != GENERAL:
        permit = national.ref.permits[item.permit]
        name = permit.name_en if english(ctx) and permit.name_en else permit.name_zh
        text += "\n" + ("⚠ " if kind == PRIOR else "") + ctx.tr(PERMIT_MARK[kind], permit=name)
    return text


def _chosen(ctx: Ctx, national: Any) -> list[ScopeItem]:
    return [national.ref.scope[c] for c in ctx.session.form.get("scope_codes") or [] if c in national.ref.scope]


def open_page(ctx: Ctx, name: str) -> None:
    ctx.scratch[PICKER] = name
    ctx.rerender()


def summary(ctx: Ctx, body: BoxLayout, national: Any) -> None:
    """On the form: what is chosen, and the button to the page."""
    tr = ctx.tr
    body.add_widget(Text(tr("Business scope"), font=44, bold=True))
    items = _chosen(ctx, national)
    if items:
        card = Card(size_hint_y=None)
        card.bind(minimum_height=card.setter("height"))
        for item in items:
            card.add_widget(Text(label(ctx, national, item), font=38))
        body.add_widget(card)
    body.add_widget(KioskButton(tr("Change the business scope") if items else tr("Find the business scope"),
                                "open_picker", "scope", lambda _a, v: open_page(ctx, v), font=40, height=130))


def build_page(ctx: Ctx, national: Any) -> Widget:
    tr = ctx.tr
    chosen = [i.code for i in _chosen(ctx, national)]

    def toggle(_: str, code: str) -> None:
        codes = [c for c in chosen if c != code] if code in chosen else [*chosen, code]
        ctx.touch("form_set", ("scope_codes", codes))

    def item_button(item: ScopeItem) -> Widget:
        lines = label(ctx, national, item).count("\n") + 1
        return KioskButton(label(ctx, national, item), "scope_toggle", item.code, toggle,
                           selected=item.code in chosen, font=36, height=60 + 62 * lines)

    def set_mode(_: str, mode: str) -> None:
        ctx.scratch[MODE] = mode
        ctx.rerender()

    browsing = ctx.scratch.get(MODE) == "browse"
    tabs = grid(2, [
        KioskButton(tr("Search"), "scope_mode", "search", set_mode, selected=not browsing, font=40, height=120),
        KioskButton(tr("Browse by trade"), "scope_mode", "browse", set_mode, selected=browsing, font=40,
                    height=120),
    ])
    parts: list[Widget] = [tabs]
    parts += _browse(ctx, national, item_button) if browsing else _search(ctx, national, item_button)
    if chosen:
        parts.append(Text(tr("Chosen (tap to remove):"), font=36, color=theme.MUTED))
        parts.append(grid(1, [item_button(national.ref.scope[c]) for c in chosen]))
    parts.append(KioskButton(tr("Done"), "picker_done", None, lambda *_: _close(ctx), color=theme.OK,
                             font=48, height=150))
    return page(tr("Business scope"), *parts)


def _close(ctx: Ctx) -> None:
    for key in (PICKER, QUERY, BROWSE, MODE):
        ctx.scratch.pop(key, None)
    ctx.rerender()


def _search(ctx: Ctx, national: Any, item_button: Any) -> list[Widget]:
    """The letters typed, the keyboard and the results. A key redraws only the letters and the
    results (a few widgets), not the whole screen: rebuilding the page took about 120 ms a key on
    the kiosk's software renderer, the search itself a few milliseconds."""
    tr = ctx.tr
    display = Card(size_hint_y=None, height=px(150))
    shown = Text("", font=56)
    display.add_widget(shown)
    results = BoxLayout(orientation="vertical", size_hint_y=None)
    results.bind(minimum_height=results.setter("height"))

    def show() -> None:
        query = str(ctx.scratch.get(QUERY, ""))
        shown.text = query or tr("Type the first letters of the pinyin, e.g. cy for 餐饮")
        shown.font_size, shown.bold = font_px(56 if query else 36), bool(query)
        shown.color = theme.shade(theme.PRIMARY_DARK if query else theme.MUTED)
        results.clear_widgets()
        if not query:
            return
        hits = national.scope.search(query, limit=RESULTS)
        if hits:
            results.add_widget(grid(1, [item_button(national.ref.scope[h.code]) for h in hits]))
        else:
            results.add_widget(Text(tr("Nothing found. Try fewer letters, or browse by trade."), font=38,
                                    color=theme.ACCENT))

    def on_key(_: str, key: str) -> None:
        query = str(ctx.scratch.get(QUERY, ""))
        ctx.scratch[QUERY] = "" if key == "clear" else query[:-1] if key == "delete" else (query + key)[:MAX_QUERY]
        show()

    show()
    return [display, _letters(ctx, on_key), results]


def _letters(ctx: Ctx, on_key: Any) -> BoxLayout:
    """A QWERTY keyboard in three rows, then Delete and Clear all: keys 92 px wide, 110 high."""
    box = BoxLayout(orientation="vertical", spacing=px(12), size_hint_y=None)
    rows = [[(ch, ch) for ch in row] for row in ROWS]
    rows.append([("delete", ctx.tr("Delete")), ("clear", ctx.tr("Clear all"))])
    for row in rows:
        line = BoxLayout(spacing=px(10), size_hint_y=None, height=px(110))
        for key, text in row:
            line.add_widget(KioskButton(text, "scope_letter", key, on_key, color=theme.UNSELECTED,
                                        text_color=theme.TEXT, font=44, height=110))
        box.add_widget(line)
    box.height = px(len(rows) * 110 + (len(rows) - 1) * 12)
    return box


def _browse(ctx: Ctx, national: Any, item_button: Any) -> list[Widget]:
    tr, ref = ctx.tr, national.ref
    at = str(ctx.scratch.get(BROWSE, ""))

    def open_node(_: str, code: str) -> None:
        # a group with a single class of the same name (H621 > H6210 正餐服务) is one step, not two
        kids = national.industry_children(code)
        while len(kids) == 1 and kids[0].name == ref.industries[code].name:
            code = kids[0].code
            kids = national.industry_children(code)
        ctx.scratch[BROWSE] = code
        ctx.rerender()

    def node_text(node: Any) -> str:
        return node.name + (f"\n{node.name_en or node.pinyin}" if english(ctx) else "")

    def button(code: str, text: str, back: bool = False) -> KioskButton:
        lines = text.count("\n") + 1
        return KioskButton(("‹ " if back else "") + text, "scope_browse", code, open_node,
                           color=theme.SURFACE if back else theme.UNSELECTED, text_color=theme.TEXT,
                           font=34, height=50 + 50 * lines)

    path = []
    node = ref.industries.get(at)
    while node is not None:
        if not path or path[-1].name != node.name:
            path.append(node)
        node = ref.industries.get(node.parent) if node.parent else None
    parts: list[Widget] = [grid(1, [button("", tr("All trades"), back=True),
                                    *(button(n.code, node_text(n), back=True) for n in reversed(path))])]
    current = ref.industries.get(at)
    if current is not None and current.level == CLASS:
        parts.append(Text(tr("Tap an item to choose it:"), font=36, color=theme.MUTED))
        parts.append(grid(1, [item_button(i) for i in ref.items_of_class(at)]))
        return parts
    parts.append(Text(tr("Tap a trade to see what it includes:"), font=36, color=theme.MUTED))
    parts.append(grid(2, [button(i.code, node_text(i)) for i in national.industry_children(at)]))
    return parts
