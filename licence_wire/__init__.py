"""The wire format shared by the kiosk's registration client and the registration service.

Signed licence QR payloads and signed JSON documents (``codec``), the check characters of the
identifiers both sides validate (``resident_id``, ``credit_code``) and the request headers and
limits of API v1 (``protocol``). Pure Python on cbor2, base45 and cryptography: no FastAPI, no
database, no Kivy, no device library, so that the kiosk can import it without the service and
the service without the kiosk.
"""
