"""Simulated sheet printer: an IPP printer on loopback whose faults tests and demos inject."""
