"""The public verification page a licence's QR code on the kiosk's screen opens: GET /verify/{uscc}.

It shows what the national enterprise credit information system shows of an individual business
to anyone: name, credit code, type, operator (经营者, the counterpart of a company's legal
representative), registration date, registration authority and status. Never the operator's ID
number, premises or phone: the page is public and needs no login. Every value is HTML-escaped, the
code in the path included, since a licence name is the applicant's own writing.
"""

from __future__ import annotations

from html import escape
from typing import Any

STATUS = {"active": ("存续", "Active"), "revoked": ("已吊销", "Revoked")}
# (field, Chinese label, English label), in the order the public credit system lists them
ROWS = (
    ("uscc", "统一社会信用代码", "Unified Social Credit Code"),
    ("name", "名称", "Name"),
    ("entity_type", "类型", "Type"),
    ("operator", "经营者", "Operator"),
    ("registration_date", "注册日期", "Registered on"),
    ("authority", "登记机关", "Registration authority"),
)
PUBLIC_FIELDS = frozenset(field for field, _zh, _en in ROWS) | {"status"}
# no script, no inline style beyond one sheet, no frames, no referrer: a page anyone may open
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}
_STYLE = ("body{font-family:'Noto Sans CJK SC','Noto Sans SC',sans-serif;margin:0 auto;max-width:40em;"
          "padding:1em;font-size:1.25em;line-height:1.5;color:#1a1a1f}h1{font-size:1.6em}"
          "dt{color:#555;margin-top:.8em}dd{margin:0;font-weight:bold;word-break:break-all}"
          ".en{color:#555;font-weight:normal;font-size:.85em}.bad{color:#b00}")


def _page(title_zh: str, title_en: str, body: str) -> str:
    return ('<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{title_zh} {title_en}</title><style>{_STYLE}</style></head><body>"
            f'<h1>{title_zh}<br><span class="en" lang="en">{title_en}</span></h1>{body}</body></html>\n')


def licence_page(doc: dict[str, Any]) -> str:
    """The public record of one licence; ``doc`` may hold more, only PUBLIC_FIELDS are shown."""
    rows = "".join(f'<dt>{zh} <span class="en" lang="en">{en}</span></dt><dd>{escape(str(doc.get(field) or "—"))}</dd>'
                   for field, zh, en in ROWS)
    zh, en = STATUS.get(doc.get("status", ""), ("未知", "Unknown"))
    mark = "" if doc.get("status") == "active" else ' class="bad"'
    rows += f'<dt>登记状态 <span class="en" lang="en">Status</span></dt><dd{mark}>{zh} <span lang="en">{en}</span></dd>'
    return _page("营业执照信息", "Business licence record", f"<dl>{rows}</dl>")


def not_found_page(uscc: str) -> str:
    """No licence under this code (or no well-formed code at all): say so, and echo it escaped."""
    shown = escape(uscc[:64])
    body = (f"<p>未找到统一社会信用代码为 <b>{shown}</b> 的营业执照。</p>"
            f'<p lang="en">No business licence with the Unified Social Credit Code <b>{shown}</b> '
            "was found.</p>")
    return _page("未找到执照", "Licence not found", body)
