"""What the autopilot controls besides the screen: the simulated world and its screenshot folder.

No Kivy here, so it can be tested without a window.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from drivers.camera.sim.player import ScriptedCamera
from drivers.idcard.sim.virtual_reader import VirtualIdReader
from drivers.residentid.sim.simulated import SimulatedResidentIdReader

if TYPE_CHECKING:
    from kiosk.runner import Runner


class PausableClock:
    """The flow's clock, able to stand still; time spent paused never counts afterwards."""

    def __init__(self, base: Callable[[], float]) -> None:
        self._base = base
        self._lost = 0.0
        self._paused_at: float | None = None

    def __call__(self) -> float:
        now = self._base() if self._paused_at is None else self._paused_at
        return now - self._lost

    def pause(self, paused: bool, since: float | None = None) -> None:
        """Stand still (from ``since``, an earlier reading of this clock, if given) or go on."""
        if paused and self._paused_at is None:
            now = self._base()
            self._paused_at = now if since is None else min(now, since + self._lost)
        elif not paused and self._paused_at is not None:
            self._lost += self._base() - self._paused_at
            self._paused_at = None

    @property
    def paused(self) -> bool:
        return self._paused_at is not None


class SimulatedWorld:
    """The flow's clock, the simulated camera and the virtual ID card, as the autopilot drives
    them: it stops them while it photographs a screen, and the demo applicant places her card on
    the reader herself once she has read the card screen. Real devices are left alone."""

    def __init__(self, runner: Runner) -> None:
        self._runner = runner
        self.clock = PausableClock(runner.flow.clock)
        runner.flow.clock = self.clock
        self.held: list[VirtualIdReader | SimulatedResidentIdReader] = []  # readers whose card it places

    @property
    def holds_card(self) -> bool:
        return bool(self.held)

    def take_card(self) -> bool:
        """Once the devices are up: the simulated readers that would find the applicant's
        document by themselves (the virtual chip, the simulated resident ID card) stop doing so.
        False until then."""
        devices = self._runner.devices
        if devices is None:
            return False
        for member in devices.readers.members:
            reader = member.reader
            if isinstance(reader, VirtualIdReader) and reader.insert_after_s >= 0:
                reader.insert_after_s = -1
                self.held.append(reader)
            elif isinstance(reader, SimulatedResidentIdReader) and reader.hold_card():
                self.held.append(reader)
        return True

    def place_card(self) -> None:
        for reader in self.held:
            if isinstance(reader, VirtualIdReader):
                reader.insert_card()
            else:
                reader.place_card()

    def freeze(self, frozen: bool, since: float | None = None) -> None:
        """Stop (or restart) the flow's clock, from ``since`` on that clock if given, and the
        simulated camera."""
        self.clock.pause(frozen, since)
        devices = self._runner.devices
        if devices is not None and isinstance(devices.camera, ScriptedCamera):
            devices.camera.pause(frozen)


def private_folder(folder: Path) -> Path:
    """The screenshot folder, created or tightened to 0700. A folder that other users can open
    and that holds anything but screenshots (a home or /tmp given by mistake) is refused rather
    than changed."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if folder.stat().st_mode & 0o077:
        others = sorted(p.name for p in folder.iterdir() if p.suffix != ".png")
        if others:
            raise ValueError(f"screenshot folder {folder} is open to other users and holds other files "
                             f"({', '.join(others[:3])}); the screenshots show personal data: give a new folder")
        folder.chmod(0o700)
    return folder
