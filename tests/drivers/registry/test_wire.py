"""Whatever JSON arrives, the parsers raise ServiceProtocolError or return a verified record."""

from __future__ import annotations

import contextlib
import copy
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.errors import ServiceProtocolError
from drivers.registry.wire import parse_decision, parse_reference_data
from licence_wire import codec
from registry_service.reference import catalogue

KEY = Ed25519PrivateKey.generate()
PUB = KEY.public_key()
FIELDS = {
    "uscc": "92440305MADGFK2473",
    "name": "深圳市南山区福兴餐饮店",
    "entity_type": "个体工商户",
    "operator": "张伟",
    "composition": "个人经营",
    "premises": "深圳市南山区南山街道南山大道1001号",
    "scope": "一般项目：日用百货销售。",
    "registration_date": "2026-06-01",
    "authority": "深圳市南山区市场监督管理局",
}


def signed(doc: dict[str, Any]) -> dict[str, Any]:
    doc = {**doc, "key_id": codec.key_id(PUB).hex()}
    return {**doc, "signature": codec.sign_document(doc, KEY)}


def approval(**fields: str) -> dict[str, Any]:
    f = {**FIELDS, **fields}
    return signed(
        {
            "application_id": "a1",
            "outcome": "approved",
            "reasons": [],
            "tracking_number": "",
            "licence": {**f, "qr_payload": codec.encode_licence(f, KEY)},
            "decided_at": "x",
        }
    )


def test_valid_approval() -> None:
    d = parse_decision(approval(), PUB)
    assert d.licence is not None and d.licence.uscc == FIELDS["uscc"]


@pytest.mark.parametrize(
    "doc",
    [
        approval(uscc="92440305MADGFK2474"),  # wrong GB 32100 check character, validly signed
        approval(uscc="91440300708461136T"),  # valid code but an enterprise (category 1)
        signed(
            {
                "application_id": "a1",
                "outcome": "approved",
                "reasons": [],
                "tracking_number": "",
                "licence": None,
                "decided_at": "x",
            }
        ),
        signed(
            {
                "application_id": "a1",
                "outcome": "manual_review",
                "reasons": [],
                "tracking_number": "",
                "licence": None,
                "decided_at": "x",
            }
        ),
        signed(
            {
                "application_id": "a1",
                "outcome": "granted",
                "reasons": [],
                "tracking_number": "",
                "licence": None,
                "decided_at": "x",
            }
        ),
        signed(
            {
                "application_id": "a1",
                "outcome": "rejected",
                "reasons": ["Name Taken!"],
                "tracking_number": "",
                "licence": None,
                "decided_at": "x",
            }
        ),
        signed(
            {
                "application_id": "a1",
                "outcome": "rejected",
                "reasons": ["name_taken\n"],  # a $-anchored pattern would let the newline pass
                "tracking_number": "",
                "licence": None,
                "decided_at": "x",
            }
        ),
        signed(
            {
                "application_id": "a1",
                "outcome": "rejected",
                "reasons": ["name_taken٣"],
                "tracking_number": "",
                "licence": None,
                "decided_at": "x",
            }
        ),
        signed(
            {
                "application_id": "",
                "outcome": "rejected",
                "reasons": [],
                "tracking_number": "",
                "licence": None,
                "decided_at": "x",
            }
        ),
    ],
)
def test_signed_but_inconsistent_decisions_refused(doc: dict[str, Any]) -> None:
    with pytest.raises(ServiceProtocolError):
        parse_decision(doc, PUB)


def test_licence_fields_must_match_signed_qr() -> None:
    doc = approval()
    inner = copy.deepcopy(doc)
    inner["licence"]["premises"] = "别处"
    del inner["signature"], inner["key_id"]
    with pytest.raises(ServiceProtocolError, match="differ"):
        parse_decision(signed(inner), PUB)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=12), c, max_size=6),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_any_json_is_refused_cleanly(value: Any) -> None:
    with pytest.raises(ServiceProtocolError):
        parse_decision(value, PUB)
    with contextlib.suppress(ServiceProtocolError):
        parse_reference_data(value)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(catalogue().as_json())), json_values)
def test_reference_data_mutations(key: str, value: Any) -> None:
    doc = catalogue().as_json()
    doc[key] = value
    try:
        rd = parse_reference_data(doc)
    except ServiceProtocolError:
        return
    assert isinstance(rd.version, str)
