"""Simulated playback for tests and kiosks without a sound device."""
