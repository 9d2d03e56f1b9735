"""Printer options (validated by kiosk.settings) and the factories that build printers.

``create_virtual`` starts the virtual printer in-process and returns the same EscposPrinter a real
network printer would get, talking to it through python-escpos's Network backend: the simulated
configuration runs the production code path.
"""

from __future__ import annotations

from pathlib import Path

from drivers.printer.backends import link_class
from drivers.printer.base import Printer
from drivers.printer.escpos_import import load_escpos
from drivers.printer.escpos_printer import EscposPrinter
from drivers.printer.link import Link
from drivers.printer.options import EscposPrinterOptions, VirtualPrinterOptions
from drivers.printer.profiles import get_profile
from drivers.printer.virtual_printer import VirtualPrinter


def _link(opts: EscposPrinterOptions, var_dir: Path) -> Link:
    """The backend's Link class, chosen by the config's name, around its python-escpos object."""
    return link_class(opts.backend).from_options(opts, load_escpos(var_dir / "cache" / "escpos"))


def create_escpos(options: EscposPrinterOptions, var_dir: Path) -> EscposPrinter:
    """A real printer. Nothing is opened here: the first status() or send() connects, so the
    kiosk can start (and show "out of service") with the printer unplugged."""
    profile = get_profile(options.profile, options.width_dots or None, options.presenter_hex)
    return EscposPrinter(_link(options, var_dir), profile, options.confirm_wait_s, options.confirm_by_process_id)


def create_virtual(options: VirtualPrinterOptions, var_dir: Path) -> EscposPrinter:
    """Start the virtual network printer on loopback; ``close()`` on the result stops it.
    The simulator is reachable as ``printer.virtual`` for fault injection."""
    out = Path(options.out_dir)
    if not out.is_absolute():
        out = var_dir / out
    vp = VirtualPrinter(
        out,
        width_dots=options.width_dots,
        port=options.port,
        font_path=options.font_path or None,
        keep_files=options.keep_files,
    )
    vp.cover_open = options.cover_open
    vp.near_end = options.near_end
    vp.cutter_error = options.cutter_error
    vp.stop_reading = options.stop_reading
    vp._sync_halt()
    if options.paper_rows > 0:
        vp.set_paper(options.paper_rows)
    if options.drop_after_bytes > 0:
        vp.drop_connection_after(options.drop_after_bytes)
    vp.start()
    net = EscposPrinterOptions(
        backend="network",
        profile=options.profile,
        width_dots=options.width_dots,
        host=vp.host,
        port=vp.port,
        connect_timeout_s=2.0,
        write_timeout_s=options.write_timeout_s,
        status_timeout_s=options.status_timeout_s,
        confirm_wait_s=options.confirm_wait_s,
        confirm_by_process_id=options.confirm_by_process_id,
    )
    printer = create_escpos(net, var_dir)
    printer.virtual = vp
    printer.add_close_hook(vp.stop)
    return printer


def create(options: EscposPrinterOptions | VirtualPrinterOptions, var_dir: Path) -> Printer:
    """The brief's generic entry point: dispatch on the options type."""
    if isinstance(options, VirtualPrinterOptions):
        return create_virtual(options, var_dir)
    return create_escpos(options, var_dir)
