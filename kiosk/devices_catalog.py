"""Which device kinds a config may name, and where their options and factories live.

Strings, imported lazily: a kiosk with a real printer never imports the virtual chip, and the
registry service's dependencies load only when the embedded kind is chosen.
"""

from __future__ import annotations

import importlib
from typing import Any

# table -> kind -> ("module:OptionsClass", "module:factory")
KINDS: dict[str, dict[str, tuple[str, str]]] = {
    "reader": {
        "virtual": ("drivers.idcard.factory:VirtualReaderOptions", "drivers.idcard.factory:create_virtual"),
        "pcsc": ("drivers.idcard.factory:PcscReaderOptions", "drivers.idcard.factory:create_pcsc"),
        "resident_id": ("drivers.residentid.factory:ResidentReaderOptions", "drivers.residentid.factory:create"),
        "virtual_resident_id": (
            "drivers.residentid.factory:SimulatedResidentReaderOptions",
            "drivers.residentid.factory:create_simulated",
        ),
    },
    "camera": {
        "simulated": (
            "drivers.camera.options:SimulatedCameraOptions",
            "drivers.camera.factory:create_simulated",
        ),
        "opencv": ("drivers.camera.options:OpenCvCameraOptions", "drivers.camera.factory:create_opencv"),
    },
    "printer": {
        "virtual": (
            "drivers.printer.options:VirtualPrinterOptions",
            "drivers.printer.factory:create_virtual",
        ),
        "escpos": ("drivers.printer.options:EscposPrinterOptions", "drivers.printer.factory:create_escpos"),
    },
    "sheet_printer": {
        "none": ("drivers.sheetprinter.options:NoSheetPrinterOptions", "drivers.sheetprinter.factory:create_none"),
        "cups": ("drivers.sheetprinter.options:CupsSheetPrinterOptions", "drivers.sheetprinter.factory:create_cups"),
        "virtual": (
            "drivers.sheetprinter.options:VirtualSheetPrinterOptions",
            "drivers.sheetprinter.factory:create_virtual",
        ),
    },
    "registry": {
        "embedded": (
            "drivers.registry.options:EmbeddedServiceOptions",
            "drivers.registry.factory:create_embedded",
        ),
        "http": ("drivers.registry.options:HttpClientOptions", "drivers.registry.factory:create_http"),
    },
}
FACE_OPTIONS = "kiosk.face.options:FaceOptions"
# The document family each reader kind reads: an ICAO chip (passport, or an ID card that follows
# ICAO 9303) over PC/SC, or a Chinese resident ID card (and the cards read like it) through a SAM.
PASSPORT, RESIDENT_CARD = "passport", "resident_card"
READER_DOCUMENT = {"virtual": PASSPORT, "pcsc": PASSPORT, "resident_id": RESIDENT_CARD,
                   "virtual_resident_id": RESIDENT_CARD}


def resolve(ref: str) -> Any:
    module, _, name = ref.partition(":")
    return getattr(importlib.import_module(module), name)


def options_class(table: str, kind: str) -> Any:
    return resolve(KINDS[table][kind][0])


def factory(table: str, kind: str) -> Any:
    return resolve(KINDS[table][kind][1])


def face_options_class() -> Any:
    return resolve(FACE_OPTIONS)
