"""Licence and receipt printing: layout, ESC/POS encoding, print journal and service."""
