"""The applicant's journey as a pure state machine: no Kivy, no threads, no devices.

Events come in (touches, device results, clock ticks); commands go out (read the card, submit,
print, journal this step); the runner executes the commands and feeds their results back.
"""
