"""Cameras: a capture thread keeps only the latest frame."""
