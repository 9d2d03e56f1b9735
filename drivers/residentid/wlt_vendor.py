"""The production photo decoder: the reader vendor's licensed WLT library, loaded through ctypes.

No vendor binary ships with the kiosk; the technician installs the library that came with the
reader and names it in the configuration (path and function). Signatures vendors ship:

* Linux ``libwlt2bmp.so`` (several vendors' Android/Linux SDKs): ``int unpack(char *wlt,
  char *out, int arg)``; 1 means success; ``out`` receives 102 x 126 x 3 pixel bytes (BGR in
  most SDKs, RGB in some) or, in some builds, a whole BMP. ``arg`` is vendor-specific (one
  public sample passes 708, another 752): take it from the vendor's sample code. Some builds
  export the function C++-mangled: ``_Z6unpackPcS_i``.
* CVR SDK (Linux): ``Unpack``, reported to need the vendor's ``base.dat`` and ``license.lic``
  where the vendor says; its exact signature was not found in public material.
* Windows ``WltRS.dll``: ``int __stdcall GetBmp(char *wlt_file, int intf)`` reads a ``.wlt`` FILE
  and writes a ``.bmp`` FILE beside it. This file-based ABI would put the holder's face on disk
  unencrypted, so it is NOT supported here.

So the supported call is ``int fn(const char *in, char *out, int arg)`` with ``arg``,
the success value and the output layout (``bmp``, ``bgr`` or ``rgb``) configurable. The
library is loaded when the decoder is built: configured but missing fails then, with
``ResidentDecoderMissing``, not at the first applicant's photo. Calls are serialised (vendor
libraries are not documented as thread-safe).
"""

from __future__ import annotations

import ctypes
import os
import threading

from drivers.residentid.errors import ResidentDecoderMissing
from drivers.residentid.photo import HEIGHT, WIDTH, PhotoDecodeError, bmp_from_pixels

OUTPUTS = ("bmp", "bgr", "rgb")
_OUT_SIZE = 54 + ((WIDTH * 3 + 3) // 4 * 4) * HEIGHT  # a whole BMP is the larger of the two: 38 862


class VendorWltDecoder:
    def __init__(self, library: str, function: str = "unpack", *, arg: int = 1, success: int = 1,
                 output: str = "bgr") -> None:
        if output not in OUTPUTS:
            raise ValueError(f"output must be one of {OUTPUTS}")
        if not library:
            raise ResidentDecoderMissing("photo decoder library path is empty")
        if not os.path.isfile(library):
            raise ResidentDecoderMissing(f"photo decoder library {library} not found")
        try:
            lib = ctypes.CDLL(library)
        except OSError as exc:
            raise ResidentDecoderMissing(f"photo decoder library {library} cannot be loaded: {exc}") from None
        try:
            fn = getattr(lib, function)
        except AttributeError:
            raise ResidentDecoderMissing(f"photo decoder library {library} has no function {function!r}") from None
        fn.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int]
        fn.restype = ctypes.c_int
        self._lib = lib
        self._fn = fn
        self.arg = arg
        self.success = success
        self.output = output
        self.name = f"{os.path.basename(library)}:{function}"
        self._lock = threading.Lock()

    def decode(self, wlt: bytes) -> bytes:
        src = ctypes.create_string_buffer(bytes(wlt), len(wlt))
        out = ctypes.create_string_buffer(_OUT_SIZE)
        try:
            with self._lock:
                ret = self._fn(src, out, self.arg)
            if ret != self.success:
                raise PhotoDecodeError(f"{self.name} returned {ret}")
            if self.output == "bmp":
                data = out.raw
                if data[:2] != b"BM":
                    raise PhotoDecodeError(f"{self.name} output is not a BMP")
                size = int.from_bytes(data[2:6], "little")
                if not 54 < size <= len(data):
                    raise PhotoDecodeError(f"{self.name} BMP size {size} out of range")
                return data[:size]
            return bmp_from_pixels(out.raw[:WIDTH * HEIGHT * 3], order=self.output)
        finally:
            ctypes.memset(src, 0, len(wlt))
            ctypes.memset(out, 0, _OUT_SIZE)
