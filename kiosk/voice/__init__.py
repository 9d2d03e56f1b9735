"""Spoken prompts (语音播报): each applicant step's instruction read out in Mandarin or English.

Prompts are fixed texts per step, never personal data. A recorded WAV file replaces the speech
synthesiser where one exists; playback runs on a worker thread and degrades to silence where the
kiosk has no sound device (docs/voice.md).
"""
