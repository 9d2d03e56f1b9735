"""Build sheet printers from their options. Nothing is opened here: the first status() connects,
so the kiosk starts (and shows "out of service") with CUPS or the printer down."""

from __future__ import annotations

from pathlib import Path

from drivers.sheetprinter.ipp_printer import IppSheetPrinter
from drivers.sheetprinter.options import CupsSheetPrinterOptions, NoSheetPrinterOptions, VirtualSheetPrinterOptions


class ConfiguredSheetPrinter(IppSheetPrinter):
    """An IppSheetPrinter that remembers its deadlines (the print service reads them)."""

    def __init__(self, server: str, path: str, *, job_timeout_s: float, poll_s: float, **kw: object) -> None:
        super().__init__(server, path, **kw)  # type: ignore[arg-type]
        self.job_timeout_s = job_timeout_s
        self.poll_s = poll_s
        self.virtual = None
        self._close_hooks: list[object] = []

    def close(self) -> None:
        for hook in self._close_hooks:
            hook()  # type: ignore[operator]
        self._close_hooks.clear()


def create_none(options: NoSheetPrinterOptions, var_dir: Path) -> None:
    return None


def create_cups(options: CupsSheetPrinterOptions, var_dir: Path) -> ConfiguredSheetPrinter:
    return ConfiguredSheetPrinter(options.server, f"/printers/{options.queue}", timeout_s=options.request_timeout_s,
                                  check_device=options.check_device, device_timeout_s=options.device_timeout_s,
                                  job_timeout_s=options.job_timeout_s, poll_s=options.poll_s)


def create_virtual(options: VirtualSheetPrinterOptions, var_dir: Path) -> ConfiguredSheetPrinter:
    """Start the simulated IPP printer on loopback and drive it directly (no CUPS in between);
    ``printer.virtual`` is the simulator, ``close()`` stops it."""
    from drivers.sheetprinter.sim.ipp_printer import SimIppPrinter

    out = Path(options.out_dir)
    sim = SimIppPrinter(out if out.is_absolute() else var_dir / out, port=options.port, page_s=options.page_s)
    for flag, reason in (("media_empty", "media-empty"), ("media_jam", "media-jam"), ("door_open", "door-open"),
                         ("toner_empty", "toner-empty")):
        if getattr(options, flag):
            sim.set_fault(reason)
    sim.start()
    printer = ConfiguredSheetPrinter(f"ipp://{sim.host}:{sim.port}", "/ipp/print",
                                     timeout_s=options.request_timeout_s, check_device=False,
                                     job_timeout_s=options.job_timeout_s, poll_s=options.poll_s)
    printer.virtual = sim  # type: ignore[assignment]
    printer._close_hooks.append(sim.stop)
    return printer
