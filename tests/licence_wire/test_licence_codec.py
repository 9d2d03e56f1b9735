from __future__ import annotations

import zlib

import base45
import cbor2
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from licence_wire import codec

FIELDS = {
    "uscc": "92440305MADGFK2473",
    "name": "深圳市南山区福兴餐饮店",
    "entity_type": "个体工商户",
    "operator": "张伟",
    "composition": "个人经营",
    "premises": "深圳市南山区南山街道南山大道1001号",
    "scope": "一般项目：日用百货销售。许可项目：餐饮服务（依法须经批准的项目）。",
    "registration_date": "2026-06-01",
    "authority": "深圳市南山区市场监督管理局",
}
KEY = Ed25519PrivateKey.generate()
PUB = KEY.public_key()
ALNUM = set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")


def test_round_trip_and_alphanumeric_qr_mode() -> None:
    text = codec.encode_licence(FIELDS, KEY)
    assert set(text) <= ALNUM  # fits the QR alphanumeric mode
    assert codec.decode_licence(text, PUB) == FIELDS
    assert len(text) < 700  # compact: fits a version-15 QR at level M


def _repack(text: str, mutate) -> str:  # type: ignore[no-untyped-def]
    env = cbor2.loads(zlib.decompress(base45.b45decode(text[4:])))
    env = mutate(env)
    return "LK1:" + base45.b45encode(zlib.compress(cbor2.dumps(env))).decode()


def test_changed_field_detected() -> None:
    text = codec.encode_licence(FIELDS, KEY)

    def swap_name(env):  # type: ignore[no-untyped-def]
        body = cbor2.loads(env[2])
        body[2] = "深圳市南山区别人餐饮店"
        env[2] = cbor2.dumps(body, canonical=True)
        return env

    with pytest.raises(codec.SignatureInvalid) as exc:
        codec.decode_licence(_repack(text, swap_name), PUB)
    assert exc.value.reason == "bad_signature"


def test_flipped_signature_bit_detected() -> None:
    text = codec.encode_licence(FIELDS, KEY)

    def flip(env):  # type: ignore[no-untyped-def]
        env[3] = bytes([env[3][0] ^ 1]) + env[3][1:]
        return env

    with pytest.raises(codec.SignatureInvalid) as exc:
        codec.decode_licence(_repack(text, flip), PUB)
    assert exc.value.reason == "bad_signature"


def test_other_authority_key_refused() -> None:
    other = Ed25519PrivateKey.generate()
    with pytest.raises(codec.SignatureInvalid) as exc:
        codec.decode_licence(codec.encode_licence(FIELDS, other), PUB)
    assert exc.value.reason == "unknown_key"

    def claim_our_key(env):  # type: ignore[no-untyped-def]
        env[1] = codec.key_id(PUB)
        return env

    forged = _repack(codec.encode_licence(FIELDS, other), claim_our_key)
    with pytest.raises(codec.SignatureInvalid) as exc:
        codec.decode_licence(forged, PUB)
    assert exc.value.reason == "bad_signature"


def test_zip_bomb_refused() -> None:
    bomb = "LK1:" + base45.b45encode(zlib.compress(b"\x00" * 1_000_000)).decode()
    with pytest.raises(codec.SignatureInvalid) as exc:
        codec.decode_licence(bomb, PUB)
    assert exc.value.reason == "format"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_garbage_is_a_typed_error(text: str) -> None:
    with pytest.raises(codec.SignatureInvalid):
        codec.decode_licence("LK1:" + text, PUB)


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=4, max_value=600), st.sampled_from("0A:Z %"))
def test_any_single_character_change_is_detected(pos: int, ch: str) -> None:
    text = codec.encode_licence(FIELDS, KEY)
    pos = min(pos, len(text) - 1)
    if text[pos] == ch:
        return
    with pytest.raises(codec.SignatureInvalid):
        codec.decode_licence(text[:pos] + ch + text[pos + 1 :], PUB)


def test_document_signature() -> None:
    doc = {"a": 1, "b": ["x", None], "c": {"d": "中文"}}
    sig = codec.sign_document(doc, KEY)
    codec.verify_document({"c": {"d": "中文"}, "b": ["x", None], "a": 1}, sig, PUB)
    with pytest.raises(codec.SignatureInvalid):
        codec.verify_document({**doc, "a": 2}, sig, PUB)
    with pytest.raises(codec.SignatureInvalid):
        codec.verify_document(doc, "zz", PUB)


@given(st.binary(max_size=1200))
def test_table_base45_encoder_matches_the_base45_package(data: bytes) -> None:
    assert codec.b45encode(data) == base45.b45encode(data).decode("ascii")
    assert base45.b45decode(codec.b45encode(data)) == data


def test_encode_with_a_precomputed_key_id_is_the_same_payload() -> None:
    kid = codec.key_id(PUB)
    assert codec.encode_licence(FIELDS, KEY, kid) == codec.encode_licence(FIELDS, KEY)


def test_long_licence_round_trips_with_the_small_window() -> None:
    """A licence near the QR code's capacity still inflates to the signed fields."""
    fields = {**FIELDS, "scope": "一般项目：" + "；".join(f"项目{i}日用百货销售" for i in range(120))}
    text = codec.encode_licence(fields, KEY)
    assert len(text) < 4296
    assert codec.decode_licence(text, PUB) == fields
