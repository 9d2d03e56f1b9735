"""The ``[voice]`` section: when the kiosk speaks, with what, and how loud."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field
from pydantic.dataclasses import dataclass

from drivers.option_fields import STRICT


@dataclass(frozen=True, config=STRICT)
class VoiceSection:
    """Spoken prompts for each step (docs/voice.md); a kiosk without a sound device stays silent."""

    # "elderly": only while the applicant has chosen the elderly mode; "always"; "off"
    mode: Literal["off", "elderly", "always"] = "elderly"
    # speech synthesis for prompts without a recorded file; "none": recorded files only
    tts: Literal["espeak-ng", "none"] = "espeak-ng"
    # recorded prompts (<prompt>.<language>.wav, docs/voice.md) that replace the synthesiser where
    # a file exists; "" = none; relative paths are relative to the project root
    prompts_dir: Annotated[str, Field(max_length=1000)] = ""
    # "auto": aplay when it is installed and /dev/snd exists, else silent; "simulated": played
    # into memory (tests, demos without a sound device)
    player: Literal["auto", "aplay", "simulated", "silent"] = "auto"
    rate: Annotated[int, Field(ge=80, le=300)] = 140  # synthesised speech, words per minute
    volume: Annotated[int, Field(ge=10, le=100)] = 100  # percent of full scale, applied to every prompt
