"""ID-document chip access (ICAO 9303) over an APDU transport."""
