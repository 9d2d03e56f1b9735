"""Simulator of a resident ID reader (SAM, cards, faults) on a pseudo-terminal, and its NOT-WLT
photo codec. Test and demo tools: nothing here reads a real card."""
