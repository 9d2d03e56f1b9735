"""`main.py diag set-pin --config FILE`: store a new technicians' PIN as an Argon2id hash.

The PIN is read from the terminal without echo (or from stdin with --stdin, for provisioning
scripts) and only its hash is written into the config file's [diagnostics] table. The file is
edited as TOML (comments and layout kept), checked with the kiosk's own loader, and replaced
atomically with its mode and owner kept: a config the kiosk cannot start on is never written.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import os
import sys
import tempfile
from pathlib import Path

import tomlkit
from tomlkit.exceptions import TOMLKitError

from kiosk import settings as settings_mod
from kiosk.diag.pin import MIN_PIN_DIGITS, hash_pin

# the diagnostics screen's keypad types ASCII 0-9 only and takes at most 12 of them
# (kiosk/ui/screens/diag_pin.py): a longer PIN could be set but never entered
MAX_PIN_DIGITS = 12
MAX_CONFIG_BYTES = 1024 * 1024


class PinNotSet(Exception):
    """Why the PIN was not changed; the config file is as it was."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--stdin", action="store_true", help="read the PIN from standard input")


def check_pin(pin: str) -> None:
    if not (pin.isascii() and pin.isdigit()):
        raise PinNotSet("a PIN is digits 0-9 only (the keypad has no others)")
    if not MIN_PIN_DIGITS <= len(pin) <= MAX_PIN_DIGITS:
        raise PinNotSet(f"a PIN has {MIN_PIN_DIGITS} to {MAX_PIN_DIGITS} digits")


def with_pin_hash(text: str, pin_hash: str) -> str:
    """``text`` with [diagnostics] pin_hash set, everything else as it was."""
    try:
        doc = tomlkit.parse(text)
    except TOMLKitError as exc:
        raise PinNotSet(f"the file is not valid TOML ({exc})") from None
    table = doc.get("diagnostics")
    if table is None:
        doc["diagnostics"] = tomlkit.table()
        table = doc["diagnostics"]
    table["pin_hash"] = pin_hash
    return tomlkit.dumps(doc)


def write_hash(path: Path, pin_hash: str) -> None:
    """Set the hash in the config at ``path`` (a symlink's target is edited, the link kept)."""
    path = path.resolve()
    try:
        st = path.stat()
        if st.st_size > MAX_CONFIG_BYTES:
            raise PinNotSet(f"{path} is larger than a config ({st.st_size} bytes)")
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PinNotSet(f"cannot read {path}: {exc}") from None
    new_text = with_pin_hash(text, pin_hash)
    try:
        fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise PinNotSet(f"cannot write next to {path}: {exc}") from None
    tmp = Path(tmp_name)
    try:
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                os.fchmod(handle.fileno(), st.st_mode & 0o7777)
                if (st.st_uid, st.st_gid) != (os.geteuid(), os.getegid()):
                    os.fchown(handle.fileno(), st.st_uid, st.st_gid)
                handle.write(new_text)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:
            raise PinNotSet(f"cannot write next to {path}: {exc}") from None
        try:
            written = settings_mod.load(tmp)
        except settings_mod.ConfigError as exc:
            raise PinNotSet(f"the edited config would not load: {exc.key}: {exc.problem}") from None
        if written.diagnostics.pin_hash != pin_hash:
            raise PinNotSet("the edited config does not carry the new hash")
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    dir_fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(dir_fd)  # the rename itself survives a power cut
    finally:
        os.close(dir_fd)


def _read_pin(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline(256).strip()
    if not sys.stdin.isatty():
        raise PinNotSet("no terminal to ask for the PIN on; use --stdin to read it from standard input")
    pin, confirm = getpass.getpass("New PIN: "), getpass.getpass("Again: ")
    if pin != confirm:
        raise PinNotSet("the two PINs differ")
    return pin


def run(args: argparse.Namespace) -> int:
    if args.config is None:
        print("set-pin needs --config FILE: the kiosk's own config (the shipped "
              f"{settings_mod.DEFAULT_CONFIG.name} is not edited)", file=sys.stderr)
        return 2
    path: Path = args.settings.path
    try:
        pin = _read_pin(args.stdin)
        check_pin(pin)
        write_hash(path, hash_pin(pin))
    except (PinNotSet, ValueError) as exc:
        print(f"PIN not set, {path} unchanged: {exc}", file=sys.stderr)
        return 2
    except EOFError:
        print(f"PIN not set, {path} unchanged: no PIN was entered", file=sys.stderr)
        return 2
    print(f"PIN hash written to {path}")
    from kiosk.diag import live

    kiosk = live.running_kiosk(args.settings.var_dir)
    if kiosk is not None:  # the kiosk read its PIN hash when it started
        print(f"the running kiosk (pid {kiosk.get('pid', '?')}) still takes the previous PIN "
              "until it is restarted")
    return 0
