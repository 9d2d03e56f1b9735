"""Build the kiosk's devices from configuration: the only place a device kind is chosen."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from drivers.camera.base import Camera
from drivers.idcard.base import IdReader
from drivers.printer.base import Printer
from drivers.registry.base import RegistrationClient
from kiosk import devices_catalog
from kiosk.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class Devices:
    reader: IdReader
    camera: Camera
    printer: Printer
    registry: RegistrationClient
    face: Any  # kiosk.face.verifier.FaceVerifier
    print_service: Any  # kiosk.printing.service.PrintService

    def close(self) -> None:
        for name in ("camera", "reader", "printer", "registry"):
            device = getattr(self, name)
            try:
                device.stop() if name == "camera" else device.close()
            except Exception:  # closing must never mask the reason we are closing
                log.exception("closing %s failed", name)


def build(settings: Settings) -> Devices:
    var = settings.var_dir
    var.mkdir(parents=True, exist_ok=True)

    def make(table: str) -> Any:
        section = getattr(settings, table)
        return devices_catalog.factory(table, section.kind)(section.options, var)

    from kiosk.face.verifier import FaceVerifier
    from kiosk.printing.service import PrintService

    registry = make("registry")
    printer = make("printer")
    camera = make("camera")
    reader = make("reader")
    face = FaceVerifier(settings.face)
    print_service = PrintService(printer, var / "journal.db")
    return Devices(reader, camera, printer, registry, face, print_service)
