"""Kivy must be configured before its window module is imported: do it here, once."""

from __future__ import annotations

import os
from pathlib import Path

from kiosk import owner_only
from kiosk.settings import Settings


def configure(settings: Settings, headless: bool) -> None:
    os.environ.setdefault("KIVY_NO_ARGS", "1")  # Kivy would otherwise parse our argv
    # Kivy's default log mode resets the root logger's level to NOTSET, adds its own console
    # handler and redirects sys.stderr into its logger; in PYTHON mode its records simply reach
    # the kiosk's handlers (kiosk.logs), which apply the configured levels.
    os.environ["KIVY_LOG_MODE"] = "PYTHON"
    # SIGTERM/SIGINT stop the kiosk through kiosk.launch's handlers: SDL must not turn them into
    # a window-close request, which lockdown ignores
    os.environ["SDL_NO_SIGNAL_HANDLERS"] = "1"
    os.environ.setdefault("KIVY_NO_FILELOG", "1")
    os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
    kivy_home = Path(os.environ.get("KIVY_HOME", settings.var_dir / "kivy"))
    kivy_home.mkdir(parents=True, exist_ok=True)
    os.environ["KIVY_HOME"] = str(kivy_home)
    if headless or not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ["SDL_VIDEODRIVER"] = "offscreen"
    from kivy.config import Config

    if settings.var_dir in (kivy_home, *kivy_home.parents):
        owner_only.tighten(kivy_home)  # Kivy copies its icons in with the package's own modes

    d = settings.display
    Config.set("graphics", "width", str(d.width))
    Config.set("graphics", "height", str(d.height))
    Config.set("graphics", "resizable", "0")
    Config.set("graphics", "maxfps", str(d.maxfps))
    Config.set("graphics", "show_cursor", "1" if d.show_cursor else "0")
    if d.fullscreen:
        Config.set("graphics", "fullscreen", "auto")
        Config.set("graphics", "borderless", "1")
    Config.set("kivy", "exit_on_escape", "0" if d.lockdown else "1")
    Config.set("kivy", "log_enable", "0")
    # exactly one input provider per device: mouse plus probed touch gives double taps
    Config.remove_section("input")
    Config.add_section("input")
    if not headless:
        Config.set("input", "mouse", "mouse,disable_multitouch")
    Config.set("kivy", "keyboard_mode", "system")
