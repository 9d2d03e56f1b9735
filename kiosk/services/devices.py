"""Build the kiosk's devices from configuration: the only place a device kind is chosen."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from drivers.camera.base import Camera
from drivers.idcard.base import IdReader
from drivers.printer.base import Printer
from drivers.registry.base import RegistrationClient
from kiosk import devices_catalog
from kiosk.settings import ConfigError, Settings

log = logging.getLogger(__name__)


@dataclass
class Devices:
    reader: IdReader
    camera: Camera
    printer: Printer
    registry: RegistrationClient
    face: Any  # kiosk.face.verifier.FaceVerifier
    print_service: Any  # kiosk.printing.service.PrintService
    sheet_printer: Any = None  # drivers.sheetprinter SheetPrinter, when the licence goes on stock

    def close(self) -> None:
        for name in ("camera", "reader", "print_service", "printer", "sheet_printer", "registry"):
            device = getattr(self, name)
            if device is None:
                continue
            try:
                device.stop() if name == "camera" else device.close()
            except Exception:  # closing must never mask the reason we are closing
                log.exception("closing %s failed", name)


def make_reader(settings: Settings, var: Path) -> IdReader:
    """The demo's virtual chip may carry the simulated applicant's face (reader portrait = "camera"),
    so that chip and camera show the same person; handed over in memory, never written to disk."""
    section = settings.reader
    factory = devices_catalog.factory("reader", section.kind)
    if getattr(section.options, "portrait", "") != "camera":
        return factory(section.options, var)
    clip = getattr(settings.camera.options, "clip_path", None)
    if settings.camera.kind != "simulated" or not clip:
        raise ConfigError(settings.path, "reader.portrait", '"camera" needs a simulated camera with a clip_path')
    from drivers.camera.factory import resolve_clip_path
    from drivers.camera.sim import demo_portrait

    return factory(section.options, var, portrait_data=demo_portrait(resolve_clip_path(clip)))


def build(settings: Settings) -> Devices:
    var = settings.var_dir
    var.mkdir(parents=True, exist_ok=True)

    def make(table: str) -> Any:
        section = getattr(settings, table)
        return devices_catalog.factory(table, section.kind)(section.options, var)

    from kiosk.face.verifier import FaceVerifier
    from kiosk.printing.service import RECOVERED_PRINT, PrintService

    policy = settings.policy.recovered_print
    if policy not in RECOVERED_PRINT:  # before any device is opened
        raise ConfigError(settings.path, "policy.recovered_print",
                          f"expected one of {', '.join(RECOVERED_PRINT)}, got {policy!r}")
    registry = make("registry")
    printer = make("printer")
    sheet_printer = make("sheet_printer")
    camera = make("camera")
    reader = make_reader(settings, var)
    face = FaceVerifier(settings.face)
    printing = settings.printing
    print_service = PrintService(printer, var / "journal.db", recovered_print=policy, sheet=sheet_printer,
                                 outputs=printing.outputs, layouts=settings.layouts, collect_at=printing.collect_at)
    return Devices(reader, camera, printer, registry, face, print_service, sheet_printer)
