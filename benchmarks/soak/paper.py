"""What came out of the printer: the QR code of every complete printout in var/prints.

The virtual printer renders each cut job to a PNG; a job cut short by a fault is kept as
"-torn". Reading the licence QR codes back from the paper is the only way to see a licence
printed twice, or a job the journal calls confirmed that never reached the paper.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path


def qr_texts(path: Path) -> list[str]:
    from PIL import Image

    try:
        import zxingcpp
    except ImportError:  # the dev extra; OpenCV's detector reads these clean renders too
        zxingcpp = None
    with Image.open(path) as img:
        gray = img.convert("L")
    if zxingcpp is not None:
        return [b.text for b in zxingcpp.read_barcodes(gray, formats=zxingcpp.BarcodeFormat.QRCode)]
    import cv2
    import numpy as np

    ok, decoded, _pts, _ = cv2.QRCodeDetector().detectAndDecodeMulti(np.asarray(gray))
    return [t for t in decoded if t] if ok else []


class Tray:
    """Counts complete printouts per QR text, reading each new file once."""

    def __init__(self, prints_dir: Path) -> None:
        self.dir = prints_dir
        self.counts: Counter[str] = Counter()
        self.torn = 0
        self.without_qr = 0
        # (name, size, mtime): after a restart the simulator numbers its files from 1 again and
        # overwrites the earlier printouts, so a name alone does not identify a printout
        self._seen: set[tuple[str, int, int]] = set()

    def update(self) -> Counter[str]:
        if not self.dir.is_dir():
            return self.counts
        for path in sorted(self.dir.glob("print-*.png")):
            try:
                st = path.stat()
            except FileNotFoundError:
                continue
            key = (path.name, st.st_size, st.st_mtime_ns)
            if key in self._seen:
                continue
            if path.stem.endswith("-torn"):
                self._seen.add(key)
                self.torn += 1
                continue
            try:
                texts = qr_texts(path)
            except (OSError, ValueError):  # still being written: read it next time
                continue
            self._seen.add(key)
            if not texts:
                self.without_qr += 1  # referrals, test pages
            for text in texts:
                self.counts[text] += 1
        return self.counts
