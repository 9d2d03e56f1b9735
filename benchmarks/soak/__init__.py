"""The soak harness: applicants, faults, the kiosk child, invariants (benchmarks/soak.py runs it)."""
