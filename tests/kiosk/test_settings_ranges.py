"""Every value has a sensible range: each kind of out-of-range value found by trying to break a kiosk
stops the load with the file, the key and the expectation, and every declared field has bounds."""

from __future__ import annotations

import dataclasses
import re
import typing
from pathlib import Path

import pytest
from annotated_types import Ge, Gt, Le, Lt

from drivers.option_fields import STRICT
from kiosk import devices_catalog, settings
from kiosk.settings import ConfigError

ROOT = Path(__file__).resolve().parents[2]
BASE = (ROOT / "config" / "default.toml").read_text(encoding="utf-8")


def load_with(tmp_path: Path, table: str, lines: str) -> settings.Settings:
    """The default config with ``lines`` in ``table`` (created if the default has none), in place of
    the default's own lines for those keys."""
    text = BASE
    for line in lines.splitlines():
        text = re.sub(rf"^{line.split('=')[0].strip()} = .*\n", "", text, flags=re.M)
    header = f"[{table}]\n"
    text = text.replace(header, header + lines + "\n", 1) if header in text else f"{text}\n{header}{lines}\n"
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return settings.load(path)


def refused(tmp_path: Path, table: str, lines: str) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        load_with(tmp_path, table, lines)
    err = info.value
    assert str(tmp_path / "kiosk.toml") in str(err) and err.key in str(err) and "\n" not in str(err)
    return err


@pytest.mark.parametrize("value", ["-5", "0", "nan", "inf", "-inf", "1e9"])
def test_timeouts_must_be_positive_finite_and_at_most_a_day(tmp_path: Path, value: str) -> None:
    err = refused(tmp_path, "timeouts", f"card_wait = {value}")
    assert err.key == "timeouts.card_wait"
    assert err.problem.startswith("expected a number greater than 0 and at most 86400")


@pytest.mark.parametrize(
    ("table", "line", "key", "expected"),
    [
        ("policy", "max_attempts = 0", "policy.max_attempts", "an integer from 1 to 10"),
        ("policy", "max_attempts = -3", "policy.max_attempts", "an integer from 1 to 10"),
        ("diagnostics", "max_failures = 0", "diagnostics.max_failures", "an integer from 1 to 20"),
        ("diagnostics", "lockout_s = -1", "diagnostics.lockout_s", "a number from 60 to 86400"),
        ("diagnostics", "gesture_taps = 0", "diagnostics.gesture_taps", "an integer from 3 to 20"),
        ("diagnostics", "metrics_port = 70000", "diagnostics.metrics_port", "an integer from 0 to 65535"),
        ("display", "height = 0", "display.height", "an integer from 240 to 8192"),
        ("display", "maxfps = 0", "display.maxfps", "an integer from 1 to 240"),
        ("face", "threshold = -1", "face.threshold", "a number greater than 0 and at most 0.6"),
        ("timeouts", "attract_probe = 0.01", "timeouts.attract_probe", "0 (off) or at least 1 second"),
        ("timeouts", "elderly_factor = 0.5", "timeouts.elderly_factor", "a number from 1 to 5"),
        ("timeouts", "elderly_factor = 6", "timeouts.elderly_factor", "a number from 1 to 5"),
        ("kiosk", "log_max_bytes = 10", "kiosk.log_max_bytes", "an integer from 65536"),
    ],
)
def test_counts_ports_sizes_and_thresholds_have_ranges(tmp_path: Path, table: str, line: str, key: str,
                                                       expected: str) -> None:
    err = refused(tmp_path, table, line)
    assert err.key == key and err.problem.startswith(f"expected {expected}"), str(err)


def test_an_integer_setting_refuses_a_fraction_and_a_boolean(tmp_path: Path) -> None:
    assert "got 3.0" in refused(tmp_path, "diagnostics", "max_failures = 3.0").problem
    assert "got True" in refused(tmp_path, "diagnostics", "max_failures = true").problem


@pytest.mark.parametrize("level", ['"LOUD"', '"info"', "10"])
def test_log_level_is_one_of_the_logging_levels(tmp_path: Path, level: str) -> None:
    # the kiosk section has no log_level line in the default config: add one to [kiosk]
    err = refused(tmp_path, "kiosk", f"log_level = {level}")
    assert err.key == "kiosk.log_level" and "'DEBUG', 'INFO', 'WARNING', 'ERROR' or 'CRITICAL'" in err.problem


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ('language = "zh_CN"', 'language = "fr"', "kiosk.language"),
        ('languages = ["zh_CN", "en"]', 'languages = ["zh_CN", "fr"]', "kiosk.languages[1]"),
    ],
)
def test_languages_need_a_catalogue(tmp_path: Path, old: str, new: str, key: str) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(BASE.replace(old, new), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        settings.load(path)
    assert info.value.key == key and "catalogue" in info.value.problem and "zh_CN" in info.value.problem


def test_languages_listed_twice_or_none(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    for languages, fragment in (('["zh_CN", "zh_CN"]', "twice"), ("[]", "at least 1")):
        path.write_text(BASE.replace('languages = ["zh_CN", "en"]', f"languages = {languages}"), encoding="utf-8")
        with pytest.raises(ConfigError, match=fragment) as info:
            settings.load(path)
        assert info.value.key == "kiosk.languages"


@pytest.mark.parametrize(
    ("var_dir", "fragment"),
    [("{file}", "is a file"), ("{file}/below", "is not a directory"), ("/proc/kiosk", "not under /proc"),
     ("/sys/kiosk", "not under /proc"), ("", "non-empty"), ("/", "top-level"), ("/tmp", "top-level"),
     ("{sticky}", "sticky")],
)
def test_var_dir_must_be_a_directory_on_disk(tmp_path: Path, var_dir: str, fragment: str) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    sticky = tmp_path / "shared"
    sticky.mkdir(mode=0o1777)
    sticky.chmod(0o1777)
    path = tmp_path / "kiosk.toml"
    path.write_text(BASE.replace('var_dir = "var"', f'var_dir = "{var_dir.format(file=a_file, sticky=sticky)}"'),
                    encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        settings.load(path)
    assert info.value.key == "kiosk.var_dir" and fragment in info.value.problem


@pytest.mark.parametrize(
    ("table", "lines", "key", "fragment"),
    [
        ("timeouts", "idle_warning = 30", "timeouts.idle_warning", "shorter than timeouts.diag_pin (30)"),
        ("face", "min_brightness = 220", "face.max_brightness", "above min_brightness"),
        ("face", "turn_deg = 40", "face.unrequested_turn_deg", "above turn_deg"),
        ("diagnostics", 'pin_hash = "1234"', "diagnostics.pin_hash", "Argon2id"),
        ("diagnostics", 'test_card_can = "12ab56"', "diagnostics.test_card_can", "6 digits"),
        ("diagnostics", 'metrics_host = "my host"', "diagnostics.metrics_host", "host name"),
        ("kiosk", 'id = "kiosk one"', "kiosk.id", "letters, digits"),
    ],
)
def test_rules_and_checks_across_keys_name_the_key(tmp_path: Path, table: str, lines: str, key: str,
                                                  fragment: str) -> None:
    err = refused(tmp_path, table, lines)
    assert err.key == key and fragment in err.problem, str(err)


@pytest.mark.parametrize(
    ("table", "kind", "lines", "key", "fragment"),
    [
        ("camera", "simulated", "fps = -1", "camera.fps", "a number from 0 to 240"),
        ("camera", "simulated", 'scenario = "images"', "camera.image_dir", "required"),
        ("camera", "opencv", "fps = 0", "camera.fps", "an integer from 1 to 240"),
        ("camera", "opencv", 'fourcc = "MJPEG"', "camera.fourcc", "4-character"),
        ("camera", "opencv", 'backend = "directshow"', "camera.backend", "one of"),
        ("printer", "escpos", "port = 0", "printer.port", "an integer from 1 to 65535"),
        ("printer", "escpos", "write_timeout_s = 0", "printer.write_timeout_s", "greater than 0"),
        ("printer", "escpos", 'backend = "usb"', "printer.usb_vendor_id", "lsusb"),
        ("printer", "escpos", 'presenter_hex = "zz"', "printer.presenter_hex", "hex bytes"),
        ("printer", "escpos", 'profile = "tm-x"', "printer.profile", "tm-t20"),
        ("printer", "escpos", "width_dots = 500", "printer.width_dots", "multiple of 8"),
        ("printer", "virtual", "keep_files = 0", "printer.keep_files", "an integer from 1"),
        ("registry", "http", 'base_url = "http://registry.example.cn"', "registry.base_url", "https://"),
        ("registry", "http", 'client_cert = "c.pem"', "registry.client_key", "both"),
        ("registry", "http", "max_attempts = 0", "registry.max_attempts", "an integer from 1 to 10"),
        ("registry", "embedded", "read_timeout = 0", "registry.read_timeout", "greater than 0"),
        ("reader", "virtual", 'can = "12"', "reader.can", "6 digits"),
        ("reader", "virtual", 'variant = "magic"', "reader.variant", "one of"),
        ("reader", "virtual", 'sex = "F"', "reader.sex", "does not match"),
        ("reader", "virtual", 'expiry_date = "991399"', "reader.expiry_date", "calendar date"),
        ("reader", "pcsc", "poll_interval_s = 0", "reader.poll_interval_s", "greater than 0"),
        ("reader", "resident_id", 'port = "ttyUSB0"', "reader.port", "absolute device path"),
        ("reader", "resident_id", "baudrate = 12345", "reader.baudrate", "one of"),
        ("reader", "resident_id", "read_timeout_s = 0", "reader.read_timeout_s", "greater than 0"),
        ("reader", "resident_id", "poll_interval_s = 11", "reader.poll_interval_s", "from 0.02 to 10"),
        ("reader", "resident_id", 'decoder_library = "libwlt.so"', "reader.decoder_library", "absolute path"),
        ("reader", "resident_id", "decoder_arg = 3000000000", "reader.decoder_arg", "an integer from"),
        ("reader", "resident_id", 'expired_policy = "warn"', "reader.expired_policy", "one of"),
        ("reader", "virtual_resident_id", 'card = "passport"', "reader.card", "one of"),
        ("reader", "virtual_resident_id", "sam_scale = -1", "reader.sam_scale", "a number from 0 to 100"),
        ("reader", "virtual_resident_id", "insert_after_s = 4000", "reader.insert_after_s", "from -1 to 3600"),
    ],
)
def test_device_options_are_checked_against_their_kind(tmp_path: Path, table: str, kind: str, lines: str,
                                                      key: str, fragment: str) -> None:
    keys = {line.split("=")[0].strip() for line in lines.splitlines()}
    needed = {"base_url": '"https://registry.example.cn"', "kiosk_id": '"k"', "authority_public_key": '"a.pem"'}
    if kind == "http":
        lines += "".join(f"\n{k} = {v}" for k, v in needed.items() if k not in keys)
    # the default's table for this device is swapped for one of the kind under test
    text = re.sub(rf"^\[{table}\]\n(?:(?!\[).*\n?)*", "", BASE, flags=re.M)
    if table == "reader":  # the default's [[readers]] tables; the older single [reader] replaces them
        text = re.sub(r"^\[\[readers\]\]\n(?:(?!\[).*\n?)*", "", text, flags=re.M)
    path = tmp_path / "kiosk.toml"
    path.write_text(f'{text}\n[{table}]\nkind = "{kind}"\n{lines}\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        settings.load(path)
    assert info.value.key == key and fragment in info.value.problem, str(info.value)


def test_secrets_and_personal_data_are_not_repeated_in_errors(tmp_path: Path) -> None:
    err = refused(tmp_path, "diagnostics", "test_card_can = 654321.5")
    assert "654321" not in str(err)
    err = refused(tmp_path, "diagnostics", "pin_hash = 98765")
    assert "98765" not in str(err)


# --- every field of every class -----------------------------------------------------------------
def all_classes() -> list[type]:
    kinds = [devices_catalog.options_class(t, k) for t, ks in devices_catalog.KINDS.items() for k in ks]
    return [*settings.SECTIONS.values(), *kinds, devices_catalog.face_options_class()]


@pytest.mark.parametrize("cls", all_classes(), ids=lambda c: c.__name__)
def test_every_class_is_strict_and_every_number_has_both_bounds(cls: type) -> None:
    assert getattr(cls, "__pydantic_config__", None) == STRICT, f"{cls.__name__} is not a strict options dataclass"
    hints = typing.get_type_hints(cls)
    for name, info in cls.__pydantic_fields__.items():  # type: ignore[attr-defined]
        if hints[name] in (int, float):
            bounds = {type(m) for m in info.metadata}
            assert bounds & {Ge, Gt} and bounds & {Le, Lt}, f"{cls.__name__}.{name} has no lower or upper bound"


@pytest.mark.parametrize("cls", all_classes(), ids=lambda c: c.__name__)
def test_defaults_pass_their_own_checks(cls: type) -> None:
    required = {f.name for f in dataclasses.fields(cls)
                if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING}
    if required:  # HttpClientOptions: the hardware example supplies them
        assert settings.load(ROOT / "config" / "hardware-example.toml").registry.options
        return
    instance = cls()
    assert dataclasses.replace(instance) == instance


def test_literal_lists_follow_the_drivers() -> None:
    from drivers.camera import opencv_camera
    from drivers.camera.options import OpenCvCameraOptions
    from drivers.idcard.factory import Variant
    from drivers.idcard.sim.chip_variants import VARIANTS

    assert set(typing.get_args(Variant)) == set(VARIANTS)
    backend = typing.get_type_hints(OpenCvCameraOptions)["backend"]
    assert set(typing.get_args(backend)) == set(opencv_camera._BACKENDS)


def _readers_config(tmp_path: Path, readers: str) -> Path:
    text = re.sub(r"^\[\[readers\]\]\n(?:(?!\[).*\n?)*", "", BASE, flags=re.M)
    path = tmp_path / "kiosk.toml"
    top = "".join(line + "\n" for line in readers.splitlines() if line.startswith("readers ="))
    tables = "".join(line + "\n" for line in readers.splitlines() if not line.startswith("readers ="))
    path.write_text(top + text + tables, encoding="utf-8")  # a top-level key before the first table
    return path


@pytest.mark.parametrize(("readers", "key", "fragment"), [
    ('\n[reader]\nkind = "virtual"\n[[readers]]\nkind = "pcsc"\n', "readers", "not both"),
    ("", "readers", "at least one"),
    ('\nreaders = []\n', "readers", "1 to 4"),
    ("".join(f'\n[[readers]]\nkind = "pcsc"\nreader = "R{i}"\n' for i in range(5)), "readers", "1 to 4"),
    ('\n[[readers]]\nkind = "virtual"\n[[readers]]\nkind = "resident_id"\nbaudrate = 1\n', "readers[1].baudrate",
     "one of"),
    ('\n[[readers]]\nkind = "resident_id"\n[[readers]]\nkind = "resident_id"\n', "readers[1].port",
     "same reader as readers[0]"),
    ('\n[[readers]]\nkind = "pcsc"\n[[readers]]\nkind = "pcsc"\n', "readers[1].reader", "same reader"),
    ('\n[[readers]]\nkind = "telepathy"\n', "readers[0].kind", "expected one of"),
    ('\nreaders = [1]\n', "readers[0]", "expected a table"),
])
def test_the_reader_list_is_checked(tmp_path: Path, readers: str, key: str, fragment: str) -> None:
    with pytest.raises(ConfigError) as info:
        settings.load(_readers_config(tmp_path, readers))
    assert info.value.key == key and fragment in info.value.problem, str(info.value)


def test_an_older_config_with_one_reader_table_still_loads(tmp_path: Path) -> None:
    cfg = settings.load(_readers_config(tmp_path, '\n[reader]\nkind = "virtual"\nportrait = "camera"\n'))
    assert [(r.kind, r.key, r.document) for r in cfg.readers] == [("virtual", "reader", "passport")]
    assert cfg.reader is cfg.readers[0] and cfg.reader_for("resident_card") is None


def test_the_default_config_has_both_readers_with_the_resident_card_first() -> None:
    cfg = settings.load()
    assert [r.document for r in cfg.readers] == ["resident_card", "passport"]
