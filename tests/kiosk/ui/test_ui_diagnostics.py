"""Technicians' mode in the real window: hidden gesture, PIN, lockout, overview, masked config."""

from __future__ import annotations

from typing import Any

from kiosk.flow.states import State
from tests.kiosk.flow import builders as b
from tests.kiosk.ui.conftest import TECH_PIN, Harness


def gesture(ui: Harness) -> None:
    from kivy.core.window import Window

    for _ in range(5):
        ui.tap_at(20, Window.height - 20)


def type_pin(ui: Harness, pin: str) -> None:
    for digit in pin:
        ui.tap("key", digit)
    ui.tap("pin")


def test_gesture_wipes_the_session_then_asks_for_the_pin(ui: Harness) -> None:
    ui.reset()
    ui.tap("start")
    ui.runner.flow.session.identity = b.identity()  # an applicant mid-way, with personal data
    gesture(ui)
    assert ui.runner.flow.state is State.DIAG_PIN
    assert not ui.runner.flow.session.holds_personal_data()
    assert "技术人员 PIN" in ui.texts()
    ui.screenshot("diag-pin")
    ui.tap("diag_exit")
    assert ui.runner.flow.state is State.ATTRACT


def test_four_taps_are_not_a_gesture(ui: Harness) -> None:
    from kivy.core.window import Window

    ui.reset()
    for _ in range(4):
        ui.tap_at(20, Window.height - 20)
    assert ui.runner.flow.state is State.ATTRACT


def test_five_wrong_pins_lock_even_the_right_one(ui: Harness) -> None:
    ui.reset()
    gesture(ui)
    for _ in range(4):
        type_pin(ui, "111111")
        ui.until(lambda: ui.runner.flow.view.error == "pin_wrong", what="wrong PIN")
        ui.runner.flow.view.error = ""
    type_pin(ui, "111111")
    ui.until(lambda: ui.runner.flow.view.error == "pin_locked", what="lockout")
    type_pin(ui, TECH_PIN)
    ui.until(lambda: ui.runner.flow.view.error == "pin_locked", what="still locked")
    assert ui.runner.flow.state is State.DIAG_PIN
    ui.screenshot("diag-locked")
    events = [a["event"] for a in ui.runner.audit.tail(20)]
    assert events.count("pin_failed") >= 4 and "pin_failed_locked" in events and "pin_refused_locked" in events
    (ui.runner.settings.var_dir / "diag-lockout.json").unlink()  # a technician's lockout ends


def drawn(group: Any) -> list:
    """Every instruction a canvas draws, inside its groups too (the groups themselves draw nothing)."""
    from kivy.graphics import InstructionGroup

    return [j for i in group.children for j in (drawn(i) if isinstance(i, InstructionGroup) else [i])]


def test_overview_config_and_log_pages(ui: Harness) -> None:
    ui.reset()
    gesture(ui)
    type_pin(ui, TECH_PIN)
    ui.until(lambda: ui.runner.flow.state is State.DIAG and len(ui.runner.flow.view.checks) >= 5, what="checks")
    statuses = {r.device: r.status for r in ui.runner.flow.view.checks}
    assert statuses["printer"] == "ok" and statuses["api"] == "ok", statuses
    assert "打印机" in " ".join(ui.texts())
    ui.screenshot("diag-overview")
    ui.tap("diag_page", "config")
    text = "\n".join(ui.texts())
    assert "diagnostics.pin_hash = ••• (set)" in text and "$argon2id$" not in text
    assert "张伟" not in text and "readers[1].name_national = ••• (set)" in text
    ui.screenshot("diag-config")
    ui.tap("diag_page", "overview")
    ui.tap("diag_page", "device:printer")
    ui.until(lambda: any(t.startswith("有纸：是") for t in ui.texts()), what="printer page")
    assert not any(t.startswith(("paper_", "held_", "unfinished_")) or t.endswith(("True", "False"))
                   for t in ui.texts()), "detail keys and values in words"
    assert any(t.startswith("正常") for t in ui.texts()), "the status in words beside its light"
    assert any("test" in t.lower() or "测试" in t for t in ui.texts())
    ui.tap("diag_test_page")
    ui.until(lambda: any(" test confirmed" in t for t in ui.texts()), what="the test page in the printer's job list")
    assert list((ui.runner.settings.var_dir / "prints").glob("*.png")), "the virtual printer rendered it"
    ui.screenshot("diag-printer")
    ui.tap("diag_page", "overview")
    ui.tap("diag_page", "device:camera")
    before = ui.app.preview.frames_shown
    ui.until(lambda: ui.app.preview.frames_shown > before + 5, what="live preview on the camera page")
    ui.until(lambda: any(t.startswith("帧率（帧/秒）：") for t in ui.texts()), what="measured frame rate")
    texts = ui.texts()
    fps = float(next(t for t in texts if t.startswith("帧率（帧/秒）：")).split("：")[1])
    assert 0 < fps <= 35, fps  # the clip plays at 29.97 fps; a busy machine drops frames, never adds them
    assert "检测到的人脸数：1" in texts and any(t.startswith("清晰度：") for t in texts)
    boxes = ui.app.preview.face_boxes
    assert boxes is not None, "the camera page outlines faces"
    ui.until(lambda: boxes.frames_checked >= 3 and len(boxes.boxes) == 1, timeout=30,
             what="one face box on the live preview")
    x0, y0, x1, y1 = boxes.boxes[0]
    assert 0 <= x0 < x1 <= 1 and 0 <= y0 < y1 <= 1 and (x1 - x0) > 0.1  # a face, not a speck
    from kivy.graphics import Line

    assert any(isinstance(i, Line) for i in drawn(ui.app.preview.canvas.after))
    assert ui.app.preview.oval_shape is None, "the face check's guide is not the technician's"
    ui.screenshot("diag-camera")
    ui.tap("diag_page", "overview")
    assert ui.app.preview.face_boxes is None and not drawn(ui.app.preview.canvas.after)
    ui.tap("diag_page", "device:reader")
    texts = ui.texts()
    # one card per reader; the resident ID card reader's SAM number first on its card
    assert "安全模块（SAM）编号: 05.01-20231018-0047112233-3502761984  (安全模块状态: ok)" in texts, texts
    assert any(t.startswith("Virtual resident ID reader") for t in texts)
    assert any(t.startswith("Virtual eMRTD reader") for t in texts)
    assert "照片解码器：not-wlt-test-codec" in texts
    ui.screenshot("diag-sam")
    ui.reader("passport").insert_card()  # the technicians' test card: the virtual chip
    ui.tap("diag_test_read")
    ui.until(lambda: any("测试读卡：PACE" in t for t in ui.texts()), timeout=30, what="test read")
    assert any("verified" in t and "NOT" not in t for t in ui.texts() if t.startswith("测试读卡："))
    assert not any("张伟" in t or "110105" in t for t in ui.texts()), "a test read shows no personal data"
    ui.screenshot("diag-reader")
    ui.tap("diag_page", "log")
    assert "audit diagnostics_entered" in "\n".join(ui.texts())
    ui.tap("diag_page", "overview")
    ui.tap("diag_out_of_service")
    ui.tap("diag_exit")
    assert ui.runner.flow.state is State.OUT_OF_SERVICE and ui.runner.flow.view.fault == "manual"
    gesture(ui)
    type_pin(ui, TECH_PIN)
    ui.until(lambda: ui.runner.flow.state is State.DIAG, what="diagnostics again")
    ui.tap("diag_in_service")
    ui.tap("diag_exit")
    assert ui.runner.flow.state is State.ATTRACT


def test_printer_page_settles_a_held_licence(ui: Harness) -> None:
    """A licence whose print failed is held: the printer page says why and offers print, 'it came
    out' and void; the overview shows the printer's fault without taking the kiosk out of service."""
    import pytest

    from drivers.errors import PrinterCoverOpen
    from tests.kiosk.printing.printing_testutil import make_licence

    svc, vp = ui.runner.devices.print_service, ui.runner.devices.printer.virtual
    vp.open_cover()
    with pytest.raises(PrinterCoverOpen):
        svc.print_licence("T-held", make_licence())
    vp.open_cover(False)
    (job,) = svc.held_jobs()
    ui.reset()
    gesture(ui)
    type_pin(ui, TECH_PIN)
    ui.until(lambda: ui.runner.flow.state is State.DIAG and len(ui.runner.flow.view.checks) >= 5, what="checks")
    printer = next(r for r in ui.runner.flow.view.checks if r.device == "printer")
    assert (printer.status, printer.reason) == ("fault", "printer_jobs_held")
    assert any("有打印件等待工作人员处理" in t for t in ui.texts())
    ui.tap("diag_page", "device:printer")
    ui.until(lambda: any(job.job_id[:8] in t and "未打印" in t for t in ui.texts()), what="the held licence")
    assert any("核对其证件上的姓名" in t for t in ui.texts()), "staff are told to check the ID document"
    ui.screenshot("diag-printer-held")
    printed = len(vp.printouts)
    ui.tap("diag_void", job.job_id)
    ui.until(lambda: svc.journal.get(job.job_id).state == "voided", what="voided")
    ui.until(lambda: not any(job.job_id[:8] in t and "未打印" in t for t in ui.texts()), what="the card gone")
    assert len(vp.printouts) == printed, "voided, not printed"
    assert ("void", job.job_id) in [(a["event"], a.get("detail")) for a in ui.runner.audit.tail(5)]
    ui.tap("diag_exit")
    assert ui.runner.flow.state is State.ATTRACT
