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
    },
    "camera": {
        "simulated": (
            "drivers.camera.factory:SimulatedCameraOptions",
            "drivers.camera.factory:create_simulated",
        ),
        "opencv": ("drivers.camera.factory:OpenCvCameraOptions", "drivers.camera.factory:create_opencv"),
    },
    "printer": {
        "virtual": (
            "drivers.printer.factory:VirtualPrinterOptions",
            "drivers.printer.factory:create_virtual",
        ),
        "escpos": ("drivers.printer.factory:EscposPrinterOptions", "drivers.printer.factory:create_escpos"),
    },
    "registry": {
        "embedded": (
            "drivers.registry.factory:EmbeddedServiceOptions",
            "drivers.registry.factory:create_embedded",
        ),
        "http": ("drivers.registry.factory:HttpClientOptions", "drivers.registry.factory:create_http"),
    },
}
FACE_OPTIONS = "kiosk.face.options:FaceOptions"


def resolve(ref: str) -> Any:
    module, _, name = ref.partition(":")
    return getattr(importlib.import_module(module), name)


def options_class(table: str, kind: str) -> Any:
    return resolve(KINDS[table][kind][0])


def factory(table: str, kind: str) -> Any:
    return resolve(KINDS[table][kind][1])


def face_options_class() -> Any:
    return resolve(FACE_OPTIONS)
