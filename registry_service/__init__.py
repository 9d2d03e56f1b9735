"""Reference registration authority: the other side of the kiosk's wire.

Importable without Kivy or any device library; the web app lives in ``registry_service.app``
so that pure helpers (check digits, licence codec) can be imported without FastAPI.
"""
