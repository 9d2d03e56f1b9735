"""Runs the flow: executes its commands on worker threads and feeds results back as events.

The flow itself is only touched from the thread that calls ``pump()`` (Kivy's clock in the app,
a plain loop headless), so it needs no locks: whatever a worker needs travels in its command.
Each operation carries a generation number, compared on the pump thread when its result comes
in: a result from an operation that was cancelled or superseded is dropped (a chip read's
identity wiped) instead of being taken for the current attempt's.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from drivers.errors import DeviceError
from drivers.registry.models import Rating
from kiosk import fonts, held_documents, recovery
from kiosk.diag import checks
from kiosk.diag.audit import AuditLog
from kiosk.diag.duties import TechnicianDuties
from kiosk.face.errors import ModelsUnavailable
from kiosk.face.reference_kind import kind_of
from kiosk.flow import commands as c
from kiosk.flow import events as e
from kiosk.flow import form as form_rules
from kiosk.flow.machine import Flow
from kiosk.journal import Journal
from kiosk.metrics import Metrics
from kiosk.printing.retention import PrintRetention
from kiosk.rating_outbox import OUTBOX_FILE, RatingOutbox
from kiosk.reference_cache import ReferenceCache
from kiosk.services import document_validity
from kiosk.services.devices import Devices
from kiosk.settings import PROJECT_ROOT, Settings, resolve_var_dir
from kiosk.voice import setup as voice_setup

log = logging.getLogger(__name__)
ALERTS_KEPT = 100
CARD_WATCH_S = 600  # how long a card left on its reader is watched for, at most


class StartupFailed(DeviceError):
    """Bringing the devices up raised something untyped (a driver bug, a missing library): the
    log has the traceback, the screen and the metrics this code."""

    code = "startup_failed"


@dataclass(frozen=True)
class _Result:
    """A worker's event, tagged with the generation of the operation that produced it."""

    step: str
    gen: int
    event: object | None  # None: the operation ended with nothing to report
    final: bool = True  # False: interim progress (face guidance) of a running operation


class Runner:
    def __init__(
        self,
        settings: Settings,
        devices: Devices | Callable[[], Devices],
        journal: Journal,
        clock: Callable[[], float] = time.monotonic,
        crash_after_step: str | None = None,
    ) -> None:
        self.settings, self.journal = settings, journal
        # a callable builds the devices on a worker thread, behind the attract screen
        self._build = devices if callable(devices) else None
        self.devices: Devices | None = None if callable(devices) else devices
        self.recovered: dict[str, str] = {}
        documents = tuple(dict.fromkeys(r.document for r in settings.readers if r.document))
        self.flow = Flow(settings.timeouts, settings.policy, settings.kiosk.language, clock,
                         tuple(settings.kiosk.languages), documents or ("passport",))
        self.events: queue.Queue[object] = queue.Queue()
        self.pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="kiosk-step")
        self._gen: dict[str, int] = {}  # step -> generation of its latest operation (pump thread only)
        self._bring_up_lock = threading.Lock()  # start-up and a probe's retry of it never overlap
        self._running: set[str] = set()  # single-flight steps with an operation in progress (pump thread only)
        self._card_cancel = threading.Event()
        self._watch_cancel = threading.Event()
        self._face_cancel = threading.Event()
        self.listeners: list[Callable[[Flow, list[object]], None]] = []
        # (kind, code) of the latest staff and technician alerts; bounded for months of running
        self.alerts: deque[tuple[str, str]] = deque(maxlen=ALERTS_KEPT)
        self.crash_after_step = crash_after_step
        self.reference_cache = ReferenceCache(resolve_var_dir(settings.kiosk.var_dir) / "reference")
        self.issued = 0
        self.quit_requested = False
        self.metrics = Metrics()
        self.ratings = RatingOutbox(settings.var_dir / OUTBOX_FILE)
        self.metrics.rating_outbox_depth.set(self.ratings.depth())  # what an earlier run left queued
        self.technician = TechnicianDuties(settings, journal, self.metrics, lambda: self.devices)
        self.print_retention = PrintRetention(settings.var_dir / "journal.db", settings.policy.print_retention_hours)
        self._up = False  # every device built and started, the face models loaded
        self.voice = voice_setup.announcer(settings.voice, PROJECT_ROOT)  # spoken prompts; None when off
        if self.voice is not None:
            self.listeners.append(self.voice.on_flow)
            self.technician.extra_checks.append(self.voice.check)

    @property
    def audit(self) -> AuditLog:
        return self.technician.audit

    # --- thread-safe input ----------------------------------------------------------------
    def post(self, event: object) -> None:
        self.events.put(event)

    def touch(self, action: str, value: Any = None) -> None:
        self.post(e.Touch(action, value))

    # --- the pump -------------------------------------------------------------------------
    def pump(self) -> bool:
        """Handle queued events and one clock tick. Returns True if anything changed."""
        changed = False
        pending: list[object] = []
        while True:
            try:
                pending.append(self.events.get_nowait())
            except queue.Empty:
                break
        for item in [*pending, e.Tick()]:
            event = self._current(item)
            if event is None:
                continue
            before = (self.flow.state, self.flow.view.countdown is None)
            cmds = self.flow.dispatch(event)
            for cmd in cmds:
                self._execute(cmd)
            if cmds or not isinstance(event, e.Tick) or before != (
                self.flow.state, self.flow.view.countdown is None
            ):
                changed = True
                for listener in self.listeners:
                    listener(self.flow, cmds)
        return changed

    def _current(self, item: object) -> object | None:
        """The event, or None for a result of an operation that was cancelled or superseded."""
        if not isinstance(item, _Result):
            return item
        if self._gen.get(item.step) == item.gen:
            if item.final:
                self._running.discard(item.step)
            return item.event
        if isinstance(item.event, e.CardRead):
            item.event.identity.wipe()
        log.debug("stale result dropped", extra={"step": item.step})
        return None

    def start(self) -> None:
        """Bring the devices up, resume or close what a crash left behind, then report ready.

        With a device builder this runs on a worker thread so the attract screen shows at once;
        a failure takes the kiosk out of service instead of stopping it."""
        if self._build is None:
            self._start_up()
        else:
            self.pool.submit(self._start_up)

    def _start_up(self) -> None:
        code = self._bring_up()
        self.post(e.StepFailed("startup", code, True) if code else e.DevicesReady())
        if not code:
            self.pool.submit(self._warm_up_reference)

    def _warm_up_reference(self) -> None:
        """Read the cached reference data (or download it) while the attract screen shows, so that
        the first applicant's form does not wait for it; the form asks again, and only a form
        with no copy at all takes the kiosk out of service."""
        assert self.devices is not None
        try:
            self.reference_cache.load(self.devices.registry)
        except DeviceError as exc:
            log.warning("reference data not loaded yet", extra={"code": exc.code, "detail": exc.detail})
        except Exception:  # the form will ask again and report what it gets
            log.exception("reference data not loaded yet")

    def _bring_up(self) -> str:
        """Everything the first applicant needs, or the code of what failed ('' when up).

        The face models load here (~2 s), before the kiosk reports ready: a kiosk that cannot
        verify a face must not let an applicant consent, place a card and type the CAN first.
        Safe to repeat after a failure: each part is idempotent and the out-of-service probe
        retries until everything is up."""
        with self._bring_up_lock:
            if not self._up:
                code = self._start_devices() or self._warm_up_face()
                self._up = not code
                self.metrics.out_of_service.set(1 if code else 0)
                return code
            return ""

    def _start_devices(self) -> str:
        try:
            if self.devices is None:
                assert self._build is not None
                self.devices = self._build()
            self.recovered = recovery.recover(self.journal, self.devices, self._alert_staff)
            self.print_retention.run_if_due()
            readers = self.devices.readers
            if self._on_readers not in readers.listeners:
                readers.listeners.append(self._on_readers)
            self.devices.camera.start()
        except DeviceError as exc:
            log.error("start-up failed", extra={"code": exc.code, "detail": exc.detail})
            return exc.code
        except Exception:  # a broken device must leave a kiosk that says so, not a crash
            log.exception("start-up failed")
            return StartupFailed.code
        return ""

    def _warm_up_face(self) -> str:
        assert self.devices is not None
        t0 = time.perf_counter()
        try:
            self.devices.face.warm_up()
        except Exception as exc:  # a model file that fails to load or a descriptor child that dies too
            error = exc if isinstance(exc, DeviceError) else ModelsUnavailable(type(exc).__name__)
            log.error("face models unavailable", extra={"code": error.code, "detail": error.detail})
            self.metrics.record_checks([checks.CheckResult("face", checks.FAULT, error.code,
                                                           {"detail": error.detail[:200]})])
            return error.code
        self.metrics.record_checks([checks.CheckResult("face", checks.OK, "",
                                                       {"warm_up_s": round(time.perf_counter() - t0, 2)})])
        return ""

    def _on_readers(self, documents: tuple[str, ...], fault: str) -> None:
        self.post(e.ReadersChanged(documents, fault))

    def shutdown(self) -> None:
        if self.voice is not None:
            self.voice.close()
        self.metrics.close()
        self.ratings.close()
        self._card_cancel.set()
        self._watch_cancel.set()
        self._face_cancel.set()
        self.pool.shutdown(wait=False, cancel_futures=True)
        if self.devices is not None:
            self.devices.close()
        self.journal.close()

    # --- commands -------------------------------------------------------------------------
    def _execute(self, cmd: object) -> None:
        match cmd:
            case c.Record():
                self.journal.record(cmd.txn_id, cmd.step, cmd.outcome)
                self.metrics.record_step(cmd.step, cmd.outcome)
                self._crash_point(cmd.step)
            case c.WaitForCard():
                self._watch_cancel.set()  # the readers look for a new card now
                self._card_cancel = threading.Event()
                self._spawn("card", self._wait_for_card, self._card_cancel)
            case c.CancelCardWait():
                self._card_cancel.set()
                self._supersede("card")
            case c.ReadCard():
                self._spawn("card", self._read_card, cmd.key)
            case c.WatchCardRemoval():
                self._watch_cancel = threading.Event()
                self._spawn("card_watch", self._watch_card, self._watch_cancel)
            case c.CancelCardWatch():
                self._watch_cancel.set()
                self._supersede("card_watch")
            case c.StartFaceCheck():
                self._face_cancel = threading.Event()
                self._spawn("face", self._face_check, cmd.reference, self._face_cancel, progress=True)
            case c.CancelFaceCheck():
                self._face_cancel.set()
                self._supersede("face")
            case c.LoadReferenceData():
                self._spawn("reference", self._load_reference)
            case c.CheckName():
                self._spawn("name", self._check_name, cmd)
            case c.Submit():
                holder = self.journal.holder_ref(*cmd.document) if cmd.document else None
                self.journal.store_submission(cmd.txn_id, cmd.idempotency_key, cmd.application, holder)
                self._spawn("submit", self._submit, cmd)
            case c.PrintLicence():
                self._spawn("print", self._print, cmd)
            case c.PrintReferral():
                self._spawn("print", self._print, cmd)
            case c.AlertStaff():
                self.alerts.append(("staff", cmd.reason))
                log.warning("staff called", extra={"reason": cmd.reason})
            case c.AlertTechnician():
                self.alerts.append(("technician", cmd.code))
                log.error("technician alerted", extra={"code": cmd.code})
            case c.ProbeDevices():
                # one at a time: a probe slower than the probe interval (a service that takes its
                # full timeout to answer) must neither pile up on the workers nor be superseded
                if "probe" not in self._running:
                    self._running.add("probe")
                    self._spawn("probe", self._probe, cmd.recover)
                self._send_ratings()  # the idle probe also sends what is queued
            case c.SendRating():
                self._queue_rating(cmd)
                self._send_ratings()  # after each applicant
            case c.RatingNotGiven():
                self.metrics.ratings_not_given.labels(cmd.why).inc()
                try:
                    self.ratings.count_unrated(cmd.why)
                except Exception:  # a disk that refuses a tally must not stop the kiosk
                    log.exception("rating tally not written")
                self._send_ratings()
            case c.SessionWiped():
                pass  # listeners clear their widgets from the same command list
            case c.VerifyPin() | c.RunChecks() | c.DiagAction() | c.Audit():
                job = self.technician.job(cmd)
                if job is not None:
                    self._spawn(*job)
            case c.QuitApp():
                self.quit_requested = True
            case _:
                raise TypeError(f"unknown command {cmd!r}")

    def _queue_rating(self, cmd: c.SendRating) -> None:
        """On disk before anything is sent (kiosk.rating_outbox); the time is the tap's, UTC."""
        rated_at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        try:
            self.ratings.add(Rating(cmd.case_kind, cmd.case_id, cmd.ending, cmd.level, cmd.reasons, rated_at))
        except Exception:  # a full or broken disk: the rating is lost, the kiosk goes on serving
            log.exception("rating not queued")
            return
        self.metrics.ratings.labels(cmd.level).inc()
        self.metrics.rating_outbox_depth.set(self.ratings.depth())

    def _send_ratings(self) -> None:
        """Send the queued ratings on a worker, never on the pump thread. The outbox lets one
        sender run at a time; its failures stay in the outbox and the log, never reach the flow."""
        if self._up and self.devices is not None:
            self.pool.submit(self._flush_ratings, self.devices.registry)

    def _flush_ratings(self, registry: Any) -> None:
        report = self.ratings.flush(registry)
        if not report.busy:
            summary = self.ratings.summary(days=1)
            self.metrics.rating_outbox_depth.set(summary["queued"])
            self.metrics.rating_outbox_rejected.set(summary["rejected"])

    def _alert_staff(self, code: str) -> None:
        """A staff alert from a worker (recovery), as the flow's AlertStaff would raise it."""
        self.alerts.append(("staff", code))
        log.warning("staff called", extra={"reason": code})

    def _crash_point(self, name: str) -> None:
        """Crash-recovery tests: a simulated power cut at a named point (journal steps, and
        'answered': the authority decided but the kiosk has not journaled it yet)."""
        if self.crash_after_step == name:
            os._exit(137)

    def _supersede(self, step: str) -> int:
        """A new generation for ``step``: results of its earlier operations will be dropped."""
        gen = self._gen[step] = self._gen.get(step, 0) + 1
        return gen

    def _spawn(self, step: str, fn: Callable[..., object], *args: Any, progress: bool = False) -> None:
        """Run ``fn(*args)`` on a worker; its event comes back tagged with this operation's
        generation. ``progress``: ``fn`` also gets a callable to post interim events with."""
        gen = self._supersede(step)

        def post(event: object) -> None:
            self.events.put(_Result(step, gen, event, final=False))

        def run() -> None:
            t0 = time.perf_counter()
            try:
                result = fn(*args, post) if progress else fn(*args)
            except DeviceError as exc:
                log.warning("step failed", extra={"step": step, "code": exc.code})
                result = e.StepFailed(step, exc.code, exc.fault)
            except Exception as exc:  # a bug in a driver must not freeze the kiosk
                log.exception("step crashed", extra={"step": step})
                result = e.StepFailed(step, f"internal_error:{type(exc).__name__}", True)
            self.metrics.step_seconds.labels(step).observe(time.perf_counter() - t0)
            if isinstance(result, e.StepFailed):
                self.metrics.failures.labels(step, result.code).inc()
            self.events.put(_Result(step, gen, result))

        self.pool.submit(run)

    def _wait_for_card(self, cancel: threading.Event) -> object:
        info = self.devices.readers.wait_first(cancel)
        return e.CardInserted(info) if info is not None else None

    def _read_card(self, key: Any) -> object:
        readers = self.devices.readers
        identity = readers.read(key)
        try:
            document_validity.check(identity, dt.date.today())
            held_documents.refuse_if_waiting(self.journal, self.devices.print_service, identity)
            check = form_rules.name_check(identity, fonts.covers)
            reference = None
            if check != "staff":  # else the flow sends the applicant to staff: nothing to compare
                portrait = bytes(identity.portrait)
                if not portrait:
                    # no photo of its own (a resident ID card without the vendor's decoder): an
                    # online check could supply one; the shipped fallback sends them to staff
                    portrait = self.devices.photo_fallback.reference_photo(identity)
                reference = self.devices.face.enrol(portrait, kind_of(identity))
        except BaseException:  # whatever went wrong, the chip data goes now, not at garbage collection
            identity.wipe()
            raise
        return e.CardRead(identity, reference, check, readers.tracks_removal)

    def _watch_card(self, cancel: threading.Event) -> object:
        """CardLifted once the card just read leaves its reader (None if cancelled or never)."""
        end = time.monotonic() + CARD_WATCH_S
        while not cancel.is_set() and time.monotonic() < end:
            if self.devices.readers.wait_for_removal(0.5):
                return e.CardLifted()
        return None

    def _face_check(self, reference: object, cancel: threading.Event, post: Callable[[object], None]) -> object:
        asked: list[str] = []  # the challenges in the order asked; a check never repeats one
        steps = self.devices.face.challenge_count

        def guidance(code: str, challenge: str | None) -> None:
            if challenge is not None and challenge not in asked:
                asked.append(challenge)
            step = asked.index(challenge) + 1 if challenge is not None else 0
            if not cancel.is_set():
                post(e.FaceGuidance(code, challenge, step, steps))

        decision = self.devices.face.check(self.devices.camera, reference, guidance, cancel)
        if cancel.is_set():
            return None
        return e.FaceChecked(decision.passed, decision.reason)

    def _load_reference(self) -> object:
        return e.ReferenceLoaded(self.reference_cache.load(self.devices.registry))

    def _check_name(self, cmd: c.CheckName) -> object:
        """Advice only: whatever goes wrong is NameCheckFailed, never a step failure (which
        would take the kiosk out of service); the submission decides."""
        try:
            return e.NameChecked(cmd.seq, self.devices.registry.check_name(cmd.query))
        except DeviceError as exc:
            log.info("name check failed", extra={"code": exc.code})
            return e.NameCheckFailed(cmd.seq, exc.code)
        except Exception:  # a bug in the client must not cost the applicant their form
            log.exception("name check crashed")
            return e.NameCheckFailed(cmd.seq, "internal_error")

    def _submit(self, cmd: c.Submit) -> object:
        decision = self.devices.registry.submit(cmd.application, cmd.idempotency_key)
        self._crash_point("answered")
        self.journal.store_application_id(cmd.txn_id, decision.application_id)
        return e.Decided(decision)

    def _print(self, cmd: c.PrintLicence | c.PrintReferral) -> object:
        svc = self.devices.print_service
        if isinstance(cmd, c.PrintLicence):
            job = svc.print_licence(cmd.txn_id, cmd.licence)
            self.issued += 1
        else:
            job = svc.print_referral(cmd.txn_id, cmd.decision)
        return e.Printed(str(job))

    def _probe(self, recover: bool = True) -> object:
        if not self._up:  # start-up failed: try it again, and stay out of service until it works
            code = self._bring_up()
            if code:
                return e.DevicesProbed(False, code)
        assert self.devices is not None
        results = recovery.probe_results(self.devices)
        self.metrics.record_checks(results)
        code = checks.first_fault(results)
        self.metrics.out_of_service.set(1 if code else 0)
        if not code and recover:
            recovery.recover(self.journal, self.devices, self._alert_staff)
        self.print_retention.run_if_due()  # probes run while nobody is at the kiosk
        return e.DevicesProbed(not code, code)
