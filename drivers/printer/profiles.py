"""Printer model profiles: the physical facts layout and timing estimates depend on.

python-escpos's ``default`` profile has no paper width, so the kiosk keeps its own small table.
Presenter bytes are sent after the cut on models with a paper presenter (the printout is held in a
slot until taken); they are model-specific, hence per profile and set in config
(``presenter_hex``) from the model's manual: no presenter sequence is guessed here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PrinterProfile:
    name: str
    width_dots: int
    dpi: int
    head_speed_mm_s: float
    feed_before_cut_dots: int
    presenter: bytes = b""

    @property
    def dots_per_mm(self) -> float:
        return self.dpi / 25.4


PROFILES: dict[str, PrinterProfile] = {
    # 80 mm paper, 72 mm printable at 203 dpi (TM-T20 / TM-T82 class)
    "tm-t20": PrinterProfile("tm-t20", 576, 203, 200.0, 120),
    # 80 mm paper, 72 mm printable at 180 dpi (TM-T88 class)
    "tm-t88": PrinterProfile("tm-t88", 512, 180, 300.0, 110),
}


def get_profile(name: str, width_dots: int | None = None, presenter_hex: str = "") -> PrinterProfile:
    """The named profile, optionally with a configured width and presenter sequence."""
    try:
        base = PROFILES[name]
    except KeyError:
        raise ValueError(f"unknown printer profile {name!r}; known: {sorted(PROFILES)}") from None
    width = width_dots or base.width_dots
    if width % 8 or not 64 <= width <= 832:
        raise ValueError(f"width_dots must be a multiple of 8 in 64..832, not {width}")
    presenter = bytes.fromhex(presenter_hex) if presenter_hex else base.presenter
    return PrinterProfile(base.name, width, base.dpi, base.head_speed_mm_s, base.feed_before_cut_dots, presenter)
