from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from drivers.printer.virtual_printer import VirtualPrinter


def random_image(width: int, height: int, seed: int = 0, density: float = 0.5) -> Image.Image:
    rng = np.random.default_rng(seed)
    white = rng.random((height, width)) >= density
    return Image.fromarray(white).convert("1")


@pytest.fixture
def vprinter(tmp_path: Path) -> Iterator[VirtualPrinter]:
    vp = VirtualPrinter(tmp_path / "prints", width_dots=576).start()
    yield vp
    vp.stop()
