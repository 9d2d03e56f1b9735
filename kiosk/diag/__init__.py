"""Technician diagnostics: one module per device, wired into `main.py diag <device>`."""
