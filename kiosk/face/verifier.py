"""The face check the flow calls: enrol the chip portrait, then verify the live applicant.

check() runs in the caller's worker thread: landmarks and liveness on every new frame (a few ms),
descriptors (~0.1-0.2 s each) in one background thread so the tracking never waits for them.
Frames, landmarks and descriptors are local to one call and dropped when it returns."""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from types import MappingProxyType

import cv2
import numpy as np

from drivers.camera.base import Camera, Frame, FrameStream
from kiosk.face import card_photo, liveness, quality
from kiosk.face.embedding import distance, embed, fuse
from kiosk.face.errors import ModelsUnavailable, NoFaceInPortrait, PortraitUnreadable
from kiosk.face.landmarks import FaceObservation, Landmarker
from kiosk.face.options import CHALLENGES, FaceOptions
from kiosk.face.reference_kind import ReferenceKind
from kiosk.face.tracking import FaceTracker

log = logging.getLogger(__name__)

REASONS = (
    "match", "mismatch", "liveness_failed", "no_face", "multiple_faces", "face_swapped",
    "timeout", "cancelled",
)  # fmt: skip
GuidanceCallback = Callable[[str, str | None], None]


@dataclass(frozen=True, eq=False)
class FaceReference:
    """The document photo's descriptor and the kind of photo it came from (which decides the
    threshold). Biometric data: never logged, never stored."""

    embedding: np.ndarray = field(repr=False)
    kind: ReferenceKind = ReferenceKind.ICAO_DG2

    def __repr__(self) -> str:
        return f"FaceReference(<redacted>, {self.kind.value})"


@dataclass(frozen=True)
class FaceDecision:
    passed: bool
    reason: str  # one of REASONS
    distance: float | None
    threshold: float  # the one used: it depends on the reference's kind
    timings: MappingProxyType[str, float]
    challenges: tuple[str, ...] = ()
    detail: str = ""  # technician-facing: which cue failed; never personal data


class _Abort(Exception):
    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


@dataclass
class _Job:
    kind: str  # "baseline" | "segment" | "challenge"
    future: Future


class FaceVerifier:
    def __init__(self, options: FaceOptions | None = None, rng: random.Random | None = None):
        self.options = options or FaceOptions()
        self._rng = rng or random.SystemRandom()
        self._enrol_lock = threading.Lock()

    def warm_up(self) -> None:
        """Load every model now (about 2 s) so the first applicant does not wait: call at start."""
        from kiosk.face.descriptor_worker import descriptor_worker
        from kiosk.face.models import dlib_models

        dlib_models()
        descriptor_worker().warm_up()
        Landmarker(static=True, max_faces=1).close()

    # --- enrolment --------------------------------------------------------------------------
    def enrol(self, portrait: bytes, kind: ReferenceKind = ReferenceKind.ICAO_DG2) -> FaceReference:
        """Describe the document photo (JPEG / JPEG 2000 / PNG / BMP bytes) of the given kind.
        Takes ~1 s: call it while the applicant is still on the card screen."""
        try:
            image = cv2.imdecode(np.frombuffer(portrait, np.uint8), cv2.IMREAD_COLOR)
        except cv2.error:
            image = None
        if image is None or image.size == 0:
            raise PortraitUnreadable(f"portrait of {len(portrait)} bytes does not decode")
        return self.enrol_image(image, kind)

    def enrol_image(self, image: np.ndarray, kind: ReferenceKind = ReferenceKind.ICAO_DG2) -> FaceReference:
        """Describe a decoded document photo (BGR); the calibration uses this same path."""
        if kind is ReferenceKind.RESIDENT_CARD:
            image = card_photo.prepare(image)
        with self._enrol_lock, Landmarker(static=True, max_faces=2) as landmarker:
            face, canvas = _find_portrait_face(landmarker, image)
        if face is None:
            raise NoFaceInPortrait("no face found in the chip portrait")
        vector = embed(canvas, face, jitters=self.options.enrol_jitters, flip=True)
        return FaceReference(vector, kind)

    def compare(self, a: FaceReference, b: FaceReference) -> tuple[float, bool]:
        """Distance between two enrolled images and whether they match at the threshold of
        ``a``'s kind, ``a`` being the document photo (technician CLI)."""
        dist = distance(a.embedding, b.embedding)
        return dist, dist <= self.options.threshold_for(a.kind)

    # --- live check -------------------------------------------------------------------------
    @property
    def challenge_count(self) -> int:
        """How many challenges each check asks for (the screen counts them for the applicant)."""
        return max(1, min(self.options.challenge_count, len(CHALLENGES)))

    def draw_challenges(self) -> tuple[str, ...]:
        """Random order and choice, but at least one head turn: the flat-print cue needs one.
        Never the same one twice."""
        while True:
            picked = tuple(self._rng.sample(CHALLENGES, self.challenge_count))
            if any(c.startswith("turn") for c in picked):
                return picked

    def check(
        self,
        camera: Camera,
        reference: FaceReference,
        on_guidance: GuidanceCallback,
        cancel: threading.Event,
    ) -> FaceDecision:
        challenges = self.draw_challenges()
        with camera.stream() as frames:
            run = _Check(self.options, camera, frames, reference, on_guidance, cancel, challenges)
            try:
                return run.execute()
            finally:
                camera.prompt(None)
                run.drop()


def _find_portrait_face(landmarker: Landmarker, image: np.ndarray) -> tuple[FaceObservation | None, np.ndarray]:
    """Chip portraits are tight crops; the short-range detector prefers some margin, so retry
    on a padded canvas before giving up."""
    faces = landmarker.detect(image)
    if faces:
        return faces[0], image
    pad = max(image.shape[:2]) // 3
    canvas = cv2.copyMakeBorder(image, pad, pad, pad, pad, cv2.BORDER_REPLICATE)
    faces = landmarker.detect(canvas)
    return (faces[0] if faces else None), canvas


class _Check:
    """One live check. Its time limits run on the camera's clock (frames.now(), frame timestamps):
    for a real camera that is the wall clock; a simulated one may advance it per frame delivered,
    so that a busy CPU cannot make a scripted person miss a limit."""

    WAIT_S = 0.05  # longest wait for a frame before cancel and the limits are looked at again
    RECENTRE_S = 2.0

    def __init__(
        self,
        options: FaceOptions,
        camera: Camera,
        frames: FrameStream,
        reference: FaceReference,
        on_guidance: GuidanceCallback,
        cancel: threading.Event,
        challenges: tuple[str, ...],
    ) -> None:
        self.o = options
        self.camera = camera
        self.stream = frames
        self.reference = reference
        self.on_guidance = on_guidance
        self.cancel = cancel
        self.challenges = challenges
        self.threshold = options.threshold_for(reference.kind)
        self.tracker = FaceTracker(options)
        self.jobs: list[_Job] = []
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="face-embed")
        self.last_guidance: tuple[str, str | None] | None = None
        self.segments_checked: set[int] = set()
        self.timings: dict[str, float] = {}
        self.frames = 0
        self.frame_cost = 0.0

    # --- plumbing ---------------------------------------------------------------------------
    def guide(self, code: str, challenge: str | None) -> None:
        if (code, challenge) != self.last_guidance:
            self.last_guidance = (code, challenge)
            self.on_guidance(code, challenge)

    def next_frame(self, deadline: float, on_timeout: str, detail: str = "") -> Frame:
        """The next frame captured by ``deadline`` (camera clock); a later one ends the phase."""
        while True:
            if self.cancel.is_set():
                raise _Abort("cancelled")
            self.check_identity_jobs()
            frame = self.stream.next(self.WAIT_S)  # CameraLost propagates to the flow
            if frame is not None and frame.timestamp <= deadline:
                return frame
            if frame is not None or self.stream.now() > deadline:
                raise _Abort(on_timeout, detail)

    def observe(self, frame: Frame, landmarker: Landmarker):
        t0 = time.perf_counter()
        faces = landmarker.detect(frame.image)
        update = self.tracker.update(faces)
        if update.multiple_faces:
            raise _Abort("multiple_faces", "a second face stayed in view")
        q = quality.assess(frame.image, update.face, self.o) if update.face else None
        self.frame_cost += time.perf_counter() - t0
        self.frames += 1
        return update, q

    def submit(self, kind: str, frame: Frame, face: FaceObservation) -> None:
        # Baseline frames feed the match: mirrored chip averaged in, as calibrated. Identity
        # checks of later segments only need "same person?", so one descriptor is enough.
        flip = kind == "baseline"
        self.jobs.append(_Job(kind, self.pool.submit(embed, frame.image, face, 0, flip)))

    @staticmethod
    def value(job: _Job, timeout: float | None = None) -> np.ndarray:
        try:
            return job.future.result(timeout=timeout)
        except Exception as exc:  # the descriptor child failed: the kiosk cannot verify
            raise ModelsUnavailable(f"face descriptor failed: {type(exc).__name__}") from exc

    def template(self) -> np.ndarray | None:
        done = [self.value(j) for j in self.jobs if j.kind == "baseline" and j.future.done()]
        return fuse(done) if done else None

    def check_identity_jobs(self) -> None:
        """Abort as soon as any described frame is someone other than the baseline person."""
        tpl = self.template()
        if tpl is None:
            return
        for job in self.jobs:
            if job.future.done() and distance(self.value(job), tpl) > self.o.continuity_threshold:
                raise _Abort("face_swapped", f"{job.kind} frame is another person")

    def describe_segment(self, update, q, frame: Frame, base: liveness.Baseline | None) -> None:
        """Every track segment gets one descriptor from a near-frontal frame of it."""
        if update.segment in self.segments_checked or q is None:
            return
        ref_yaw = base.yaw if base else 0.0
        if abs(q.yaw - ref_yaw) < 20 and q.ear >= self.o.min_ear:
            self.segments_checked.add(update.segment)
            self.submit("segment", frame, update.face)

    # --- phases -----------------------------------------------------------------------------
    def execute(self) -> FaceDecision:
        start = time.monotonic()
        try:
            with Landmarker(static=False, max_faces=2) as landmarker:
                base = self.acquire(landmarker)
                self.timings["acquire_s"] = time.monotonic() - start
                for index, challenge in enumerate(self.challenges):
                    if index:
                        self.recentre(landmarker, base)
                    self.run_challenge(landmarker, base, challenge)
                self.camera.prompt(None)
                self.guide(quality.HOLD_STILL, None)
                last_action = time.monotonic()
                self.timings["challenges_s"] = last_action - start - self.timings["acquire_s"]
                decision = self.decide()
                self.timings["decision_s"] = time.monotonic() - last_action
        except _Abort as abort:
            decision = self.result(False, abort.reason, None, abort.detail)
        self.timings["total_s"] = time.monotonic() - start
        if self.frames:
            self.timings["frame_ms"] = 1000 * self.frame_cost / self.frames
        self.timings["frames"] = float(self.frames)
        log.info("face check: %s (%s)", decision.reason, decision.detail or "-")
        return self.result(decision.passed, decision.reason, decision.distance, decision.detail)

    def result(self, passed: bool, reason: str, dist: float | None, detail: str) -> FaceDecision:
        return FaceDecision(
            passed, reason, dist, self.threshold, MappingProxyType(dict(self.timings)),
            self.challenges, detail,
        )  # fmt: skip

    def acquire(self, landmarker: Landmarker) -> liveness.Baseline:
        self.camera.prompt(None)
        deadline = self.stream.now() + self.o.acquire_timeout_s
        samples: list[liveness.Sample] = []
        segment = -1
        seen_face = False
        compliant = 0
        while True:
            timeout_reason = "timeout" if seen_face else "no_face"
            frame = self.next_frame(deadline, timeout_reason, "no usable frontal face in time")
            update, q = self.observe(frame, landmarker)
            if update.face is None or q is None:
                self.guide(quality.FACE_CAMERA, None)
                samples.clear()
                continue
            seen_face = True
            if q.guidance is not None or update.segment != segment:
                self.guide(q.guidance or quality.HOLD_STILL, None)
                samples.clear()
                segment = update.segment
                if q.guidance is not None:
                    continue
            self.guide(quality.HOLD_STILL, None)
            samples.append(liveness.Sample(frame.timestamp, q.yaw, q.pitch, q.ear, update.face.points))
            compliant += 1
            baseline_jobs = sum(j.kind == "baseline" for j in self.jobs)
            if baseline_jobs < self.o.embed_frames and (compliant - 1) % 3 == 0:
                self.submit("baseline", frame, update.face)
                self.segments_checked.add(update.segment)
            if len(samples) >= self.o.baseline_frames and baseline_jobs >= 1:
                return _baseline(samples)

    def recentre(self, landmarker: Landmarker, base: liveness.Baseline) -> None:
        """Between challenges: back to frontal so the next action starts from the baseline."""
        self.camera.prompt(None)
        deadline = self.stream.now() + self.RECENTRE_S
        steady = 0
        while steady < 3:
            try:
                frame = self.next_frame(deadline, "timeout")
            except _Abort as abort:
                if abort.reason == "timeout":
                    return  # the next challenge's own limit still applies
                raise
            update, q = self.observe(frame, landmarker)
            if q is None:
                steady = 0
                self.guide(quality.FACE_CAMERA, None)
                continue
            self.describe_segment(update, q, frame, base)
            centred = abs(q.yaw - base.yaw) < 8
            steady = steady + 1 if centred else 0
            self.guide(quality.FACE_CAMERA if not centred else quality.HOLD_STILL, None)

    def run_challenge(self, landmarker: Landmarker, base: liveness.Baseline, challenge: str) -> None:
        detector = liveness.detector_for(challenge, self.o, base)
        self.camera.prompt(challenge)
        self.guide(challenge, challenge)
        asked_at = self.stream.now()
        deadline = asked_at + self.o.challenge_time_s
        frontal: tuple[Frame, FaceObservation] | None = None
        while True:
            frame = self.next_frame(deadline, "liveness_failed", f"{challenge}: not done in time")
            update, q = self.observe(frame, landmarker)
            if update.face is None or q is None:
                self.guide(quality.FACE_CAMERA, challenge)
                continue
            self.guide(challenge, challenge)
            if update.new_segment:
                frontal = None
                detector.reset()
            self.describe_segment(update, q, frame, base)
            if abs(q.yaw - base.yaw) < 20 and q.ear >= self.o.min_ear:
                frontal = (frame, update.face)
            sample = liveness.Sample(frame.timestamp, q.yaw, q.pitch, q.ear, update.face.points, frame.image)
            state = detector.update(sample)
            if state == liveness.DONE and frame.timestamp - asked_at < self.o.min_reaction_s:
                raise _Abort("liveness_failed", f"{challenge}: done before it was asked")
            if state == liveness.DONE:
                # The face that acted is described too, so a swapped-in actor is caught.
                if frontal is not None:
                    self.submit("challenge", *frontal)
                return
            if state in (liveness.WRONG_DIRECTION, liveness.UNREQUESTED_TURN, liveness.FLAT):
                raise _Abort("liveness_failed", f"{challenge}: {state}")

    def decide(self) -> FaceDecision:
        for job in self.jobs:
            self.value(job, timeout=10.0)
        self.check_identity_jobs()
        vectors = [self.value(j) for j in self.jobs if j.kind == "baseline"]
        if not vectors:
            return self.result(False, "timeout", None, "no frame could be described")
        dist = distance(fuse(vectors), self.reference.embedding)
        if dist <= self.threshold:
            return self.result(True, "match", dist, "")
        return self.result(False, "mismatch", dist, "")

    def drop(self) -> None:
        """Privacy: no frame, landmark or descriptor outlives the decision."""
        for job in self.jobs:
            job.future.cancel()
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.jobs.clear()


def _baseline(samples: list[liveness.Sample]) -> liveness.Baseline:
    yaw = float(np.median([s.yaw for s in samples]))
    pitch = float(np.median([s.pitch for s in samples]))
    ear = float(np.median([s.ear for s in samples]))
    most_frontal = min(samples, key=lambda s: abs(s.yaw - yaw) + abs(s.pitch - pitch))
    return liveness.Baseline(yaw, pitch, ear, most_frontal.points)
