"""The kiosk's own Chinese input: a pinyin keyboard and a handwriting pad over kiosk.textentry."""

from kiosk.ui.textentry.panel import TextEntryPanel

__all__ = ["TextEntryPanel"]
