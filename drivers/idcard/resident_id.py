"""Chinese resident identity number (GB 11643-1999) for the card side (the simulated holder's
configuration, chip data checks). One implementation with the registration service's rule:
``licence_wire.resident_id``, which documents the canonical spelling (ASCII digits, upper-case
``X``) both sides accept."""

from licence_wire.resident_id import birth_date, check_char, is_male, is_valid, make, normalise

__all__ = ["birth_date", "check_char", "is_male", "is_valid", "make", "normalise"]
