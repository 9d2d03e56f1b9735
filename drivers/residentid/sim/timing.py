"""SAM processing-time profiles for the simulator and the benchmark.

No reader or SAM datasheet in the material searched for this project states per-command
processing times (vendor pages give protocol tables, not timings). ``ASSUMED`` is therefore an
assumption, not a measured or published figure: find and select each take one short RF
exchange; the read is dominated by the card-SAM mutual authentication and the encrypted
transfer of ~1.3 KB at the card's 106 kbit/s RF rate. Replace it with the datasheet figures of
the reader actually deployed (``SamTiming`` fields) and re-run benchmarks/bench_resident_id.py.
"""

from __future__ import annotations

from drivers.residentid.sim.virtual_sam import SamTiming

INSTANT = SamTiming()
ASSUMED = SamTiming(sam_s=0.01, find_s=0.03, select_s=0.03, read_s=0.5, read_fingerprint_s=0.6,
                    new_address_s=0.03)
