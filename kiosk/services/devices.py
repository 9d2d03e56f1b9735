"""Build the kiosk's devices from configuration: the only place a device kind is chosen."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drivers.camera.base import Camera
from drivers.idcard.base import IdReader
from drivers.printer.base import Printer
from drivers.registry.base import RegistrationClient
from kiosk import devices_catalog
from kiosk.services.photo_fallback import PhotoFallback, StaffCheck
from kiosk.services.readers import Member, ReaderGroup
from kiosk.settings import ConfigError, DeviceSection, Settings

log = logging.getLogger(__name__)


@dataclass
class Devices:
    reader: IdReader  # the ReaderGroup; the reader itself when only one is configured
    camera: Camera
    printer: Printer
    registry: RegistrationClient
    face: Any  # kiosk.face.verifier.FaceVerifier
    print_service: Any  # kiosk.printing.service.PrintService
    # where the face check's reference comes from when the document's own photo cannot be used
    photo_fallback: PhotoFallback = field(default_factory=StaffCheck)
    sheet_printer: Any = None  # drivers.sheetprinter SheetPrinter, when the licence goes on stock
    reader_group: ReaderGroup | None = None  # the readers with their kinds; default: ``reader`` alone

    def __post_init__(self) -> None:
        self._group = self.reader_group or ReaderGroup.of(self.reader)

    @property
    def readers(self) -> ReaderGroup:
        """The identity step's readers (a lone ``reader`` as a group of one)."""
        return self._group

    def close(self) -> None:
        for name in ("camera", "reader", "print_service", "printer", "sheet_printer", "registry"):
            device = getattr(self, name)
            if device is None:
                continue
            try:
                device.stop() if name == "camera" else device.close()
            except Exception:  # closing must never mask the reason we are closing
                log.exception("closing %s failed", name)


def make_reader(settings: Settings, var: Path, section: DeviceSection | None = None,
                portraits: dict[str, bytes] | None = None) -> IdReader:
    """One reader (``section``, default the first configured). A simulated document (the virtual
    chip, the simulated resident ID card) may carry the simulated applicant's face (portrait =
    "camera"), so that document and camera show the same person; handed over in memory, never
    written to disk (``portraits`` keeps it for the next reader: the clip is decoded once)."""
    section = section or settings.reader
    key = section.key or "reader"
    factory = devices_catalog.factory("reader", section.kind)
    if getattr(section.options, "portrait", "") != "camera":
        return factory(section.options, var)
    clip = getattr(settings.camera.options, "clip_path", None)
    if settings.camera.kind != "simulated" or not clip:
        raise ConfigError(settings.path, f"{key}.portrait", '"camera" needs a simulated camera with a clip_path')
    portraits = {} if portraits is None else portraits
    if clip not in portraits:
        from drivers.camera.factory import resolve_clip_path
        from drivers.camera.sim import demo_portrait

        portraits[clip] = demo_portrait(resolve_clip_path(clip))
    return factory(section.options, var, portrait_data=portraits[clip])


def make_readers(settings: Settings, var: Path) -> ReaderGroup:
    """Every configured reader, in config order; a reader built before one that fails is closed."""
    members: list[Member] = []
    portraits: dict[str, bytes] = {}
    try:
        for section in settings.readers:
            reader = make_reader(settings, var, section, portraits)
            members.append(Member(reader, section.kind, section.document))
    except BaseException:
        for m in members:
            m.reader.close()
        raise
    return ReaderGroup(members)


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
    group = make_readers(settings, var)
    reader = group if len(group.members) > 1 else group.members[0].reader
    face = FaceVerifier(settings.face)
    printing = settings.printing
    print_service = PrintService(printer, var / "journal.db", recovered_print=policy, sheet=sheet_printer,
                                 outputs=printing.outputs, layouts=settings.layouts, collect_at=printing.collect_at,
                                 enquiries=settings.registry.options.enquiries)
    return Devices(reader, camera, printer, registry, face, print_service, sheet_printer=sheet_printer,
                   reader_group=group)
