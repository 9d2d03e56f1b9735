"""The licence codec under its service-side name, for the tools that import it from here
(``verify_cli``). The implementation is ``licence_wire.codec``, shared with the kiosk."""

from licence_wire.codec import (
    LICENCE_FIELDS,
    QR_PREFIX,
    SignatureInvalid,
    decode_licence,
    encode_licence,
    key_id,
    load_public_key,
    sign_document,
    verify_document,
)

__all__ = [
    "LICENCE_FIELDS",
    "QR_PREFIX",
    "SignatureInvalid",
    "decode_licence",
    "encode_licence",
    "key_id",
    "load_public_key",
    "sign_document",
    "verify_document",
]
