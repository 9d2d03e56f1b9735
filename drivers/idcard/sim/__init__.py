"""The project's own ICAO 9303 chip and its test PKI: what stands in for a real document and
reader in the demo and the tests (in-process, or through the real pcscd via vpcd)."""
