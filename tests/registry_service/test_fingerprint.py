"""The request fingerprint's canonical form must never change: a stored key is compared
against it, and a kiosk replaying after an upgrade must still get its answer (not a 422)."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from registry_service import samples
from registry_service.schemas import _BAD_CATEGORIES, ApplicationIn, canonical_json

TEXT = st.text(alphabet=st.characters(exclude_categories=tuple(_BAD_CATEGORIES)), max_size=18)


@settings(max_examples=300, deadline=None)
@given(TEXT, TEXT, TEXT, TEXT, st.lists(st.sampled_from(["G0101", "P0102", "R0101"]), max_size=3))
def test_serialiser_is_the_compact_json_of_the_fields(name: str, trade: str, form: str,
                                                     premises: str, scope: list[str]) -> None:
    app = ApplicationIn.model_validate(samples.application(
        operator_name=name or "x", trade_name=trade, organisation_form=form[:8],
        premises=premises or "y", scope_codes=scope))
    fields = {k: v for k, v in app.model_dump(mode="json").items() if k not in ("operator_id_type", "industry_term")}
    canonical = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    assert canonical_json(app) == canonical


def test_a_known_fingerprint_input() -> None:
    """Pinned bytes: a change here changes every stored fingerprint."""
    app = ApplicationIn.model_validate(samples.application())
    assert canonical_json(app) == (
        '{"operator_name":"张伟","operator_id_number":"440305198503141232",'
        '"operator_birth_date":"1985-03-14","composition":"individual","trade_name":"福兴",'
        '"industry_code":"H6210","organisation_form":"店","division_code":"440305",'
        '"premises":"南山街道南山大道1001号","scope_codes":["G0101","P0102"],"phone":""}')


def test_the_document_kind_keeps_the_old_fingerprint_at_its_default_and_changes_it_otherwise() -> None:
    """API 1.1 added operator_id_type: a resident ID card's request (the default, sent or not)
    still has the 1.0 fingerprint; another kind is part of it."""
    old = canonical_json(ApplicationIn.model_validate(samples.application()))
    sent = canonical_json(ApplicationIn.model_validate(samples.application(operator_id_type="resident_id")))
    other = canonical_json(ApplicationIn.model_validate(samples.application(
        operator_id_type="hmt_residence_permit")))
    assert sent == old and other != old and other.endswith(',"operator_id_type":"hmt_residence_permit"}')


def test_the_industry_term_keeps_the_old_fingerprint_when_absent_and_changes_it_when_given() -> None:
    """API 1.1 added industry_term: without it (or empty, the standard term) a request has its
    1.0 fingerprint, so a key stored before the field existed still replays; a term is part of it."""
    old = canonical_json(ApplicationIn.model_validate(samples.application()))
    empty = canonical_json(ApplicationIn.model_validate(samples.application(industry_term="")))
    termed = canonical_json(ApplicationIn.model_validate(samples.application(industry_term="拉面")))
    assert empty == old and termed != old and termed.endswith(',"industry_term":"拉面"}')
