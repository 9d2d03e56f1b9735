"""Full chip read through the real PC/SC stack: adaptive block size vs fixed 223-byte blocks.

EF.COM + DG1 + DG2 (~20 KB JPEG 2000) + DG11 + EF.SOD + Passive Authentication, read with
pyscard -> pcscd -> vpcd -> the virtual chip (in a separate process, so the CPU figures are
the kiosk side only). "adaptive" is the driver's default (extended length when reader and
chip allow it); "fixed-223" is JMRTD's default of 223-byte short READ BINARY blocks;
"untuned" repeats fixed-223 once with the card side's TCP_NODELAY/TCP_QUICKACK switched off.

    .venv/bin/python benchmarks/bench_card.py [--runs 7] [--reader "Virtual PCD 00 00"] [--variant plain_atr]

Needs pcscd with vsmartcard-vpcd; starts `pcscd --foreground` itself when run as root.

    .venv/bin/python benchmarks/bench_card.py --in-process [--runs 9]

reads, without pcscd, chips whose ATR does not announce extended length (a Type B ATR):
"atr-only" is the decision before EF.ATR/INFO and the probe existed (short 223-byte blocks),
"probe" the first read of such a chip, "remembered" the next read of the same card,
"ef-atr-info" a chip that announces it in EF.ATR/INFO, "ca" a Chip Authentication chip.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from drivers.idcard import passive_auth, pcsc_reader, session, sm
from drivers.idcard.base import AccessKey
from drivers.idcard.factory import PcscReaderOptions, create_pcsc

PORTS = {"Virtual PCD 00 00": 35963, "Virtual PCD 00 01": 35964}


class CpuMeter:
    """Accumulates process CPU spent inside selected functions (secure messaging, PA, PACE)."""

    def __init__(self) -> None:
        self.totals: dict[str, float] = {}

    def wrap(self, owner: object, name: str, label: str) -> None:
        original = getattr(owner, name)

        def timed(*args, **kwargs):
            t = time.process_time()
            try:
                return original(*args, **kwargs)
            finally:
                self.totals[label] = self.totals.get(label, 0.0) + time.process_time() - t

        setattr(owner, name, timed)

    def take(self) -> dict[str, float]:
        out, self.totals = self.totals, {}
        return out


def _readers() -> list[str]:
    try:
        return pcsc_reader.list_readers()
    except Exception:
        return []


def _start_card(args: argparse.Namespace, work: Path, tuned: bool) -> subprocess.Popen[str]:
    cmd = [sys.executable, "-m", "drivers.idcard.sim.vpcd_card", "--variant", args.variant,
           "--port", str(PORTS[args.reader]), "--pki", str(work / "test-pki")]
    if not tuned:
        cmd.append("--no-tcp-tuning")
    card = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert card.stdout is not None
    card.stdout.readline()  # "virtual chip ... inserted"
    return card


def in_process(runs: int) -> int:
    """Type B chips through the in-process virtual reader (the production read path)."""
    from drivers.idcard import trust_store
    from drivers.idcard.sim import chip_variants, test_pki
    from drivers.idcard.transport import InProcessTransport

    work = Path(tempfile.mkdtemp(prefix="bench-card-"))
    try:
        pki = test_pki.ensure(work / "test-pki")
        trust = trust_store.load_directory(pki.trust_dir)
        key = AccessKey(can="123456")
        print(f"in-process virtual reader, {runs} runs per mode; medians (wall and CPU per read); "
              "the machine is shared, so wall times are noisy")
        print(f"{'mode':<12}{'variant':<16}{'APDUs':>7}{'after AC':>9}{'bytes in':>10}{'wall ms':>9}"
              f"{'CPU ms':>8}  how decided")
        for mode, variant, kwargs, warm in (("atr-only", "plain_atr", {"use_extended": False}, False),
                                            ("probe", "plain_atr", {}, False),
                                            ("remembered", "plain_atr", {}, True),
                                            ("ef-atr-info", "atr_info", {}, False),
                                            ("refused", "plain_atr_short", {}, False),
                                            ("ca", "ca_only", {}, False)):
            rows, source = [], ""
            for _ in range(runs):
                transport = InProcessTransport(chip_variants.make_chip(variant, pki))
                if warm:  # the same card read once before
                    session.ChipSession(transport, trust, **kwargs).read(key).wipe()
                    transport.card.power_on()
                read = session.ChipSession(transport, trust, **kwargs)
                cpu = time.process_time()
                ident = read.read(key)
                cpu = time.process_time() - cpu
                if not ident.authenticity.verified:
                    print(f"{variant}: not verified: {ident.authenticity}", file=sys.stderr)
                    return 1
                rep = read.report
                rows.append((ident.stats.apdus, rep.read_apdus, ident.stats.bytes_in, ident.stats.seconds * 1000,
                             cpu * 1000))
                source = "ATR only" if kwargs else rep.extended_source
                source += ", extended" if rep.extended_length else ", short"
                ident.wipe()
            med = [statistics.median(col) for col in zip(*rows, strict=True)]
            print(f"{mode:<12}{variant:<16}{med[0]:>7.0f}{med[1]:>9.0f}{med[2]:>10.0f}{med[3]:>9.1f}{med[4]:>8.1f}"
                  f"  {source}")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--reader", default="Virtual PCD 00 00", choices=sorted(PORTS))
    parser.add_argument("--variant", default="pace")
    parser.add_argument("--in-process", action="store_true", help="Type B chips without pcscd (see above)")
    args = parser.parse_args()
    if args.in_process:
        return in_process(args.runs)

    pcscd = None
    if args.reader not in _readers():
        exe = shutil.which("pcscd") or "/usr/sbin/pcscd"
        pcscd = subprocess.Popen([exe, "--foreground"], stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
        for _ in range(80):
            if args.reader in _readers():
                break
            time.sleep(0.1)
        else:
            print("pcscd with vpcd readers not reachable", file=sys.stderr)
            return 2
    work = Path(tempfile.mkdtemp(prefix="bench-card-"))
    card = _start_card(args, work, tuned=True)
    try:
        meter = CpuMeter()
        meter.wrap(sm.SecureMessaging, "protect", "sm")
        meter.wrap(sm.SecureMessaging, "unprotect", "sm")
        meter.wrap(passive_auth, "verify", "pa")
        meter.wrap(session.pace, "authenticate", "pace")
        key = AccessKey(can="123456")
        print(f"chip variant {args.variant!r} via {args.reader}; {args.runs} runs per mode; "
              "figures are medians")
        header = (f"{'mode':<10}{'APDUs':>7}{'after AC':>9}{'bytes in':>10}{'bytes out':>10}"
                  f"{'wall ms':>9}{'CPU ms':>8}{'SM+PA ms':>9}{'PACE ms':>9}")
        print(header)
        for mode, extended, runs in (("adaptive", True, args.runs),
                                     ("fixed-223", False, args.runs),
                                     ("untuned", False, 1)):
            if mode == "untuned":  # same card without TCP_NODELAY / TCP_QUICKACK
                card.terminate()
                card.wait(5)
                time.sleep(1.0)
                card = _start_card(args, work, tuned=False)
            reader = create_pcsc(PcscReaderOptions(
                reader=args.reader, trust_store=str(work / "test-pki" / "trust"),
                extended_length=extended), work)
            if reader.wait_for_card(10) is None:
                print("no card on the reader", file=sys.stderr)
                return 2
            rows = []
            for _ in range(runs):
                meter.take()
                cpu = time.process_time()
                ident = reader.read(key)
                cpu = time.process_time() - cpu
                parts = meter.take()
                rep = reader.last_report  # type: ignore[attr-defined]
                if not ident.authenticity.verified:
                    print(f"read not verified: {ident.authenticity}", file=sys.stderr)
                    return 1
                rows.append((ident.stats.apdus, rep.read_apdus, ident.stats.bytes_in,
                             ident.stats.bytes_out, ident.stats.seconds * 1000, cpu * 1000,
                             (parts.get("sm", 0) + parts.get("pa", 0)) * 1000,
                             parts.get("pace", 0) * 1000))
                ident.wipe()
            reader.close()
            med = [statistics.median(col) for col in zip(*rows, strict=True)]
            print(f"{mode:<10}{med[0]:>7.0f}{med[1]:>9.0f}{med[2]:>10.0f}{med[3]:>10.0f}"
                  f"{med[4]:>9.1f}{med[5]:>8.1f}{med[6]:>9.1f}{med[7]:>9.1f}")
        return 0
    finally:
        card.terminate()
        card.wait(5)
        if pcscd is not None:
            pcscd.terminate()
            pcscd.wait(5)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
