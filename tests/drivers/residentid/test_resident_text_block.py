"""The 256-byte text block in each layout.

Golden blocks are built here field by field in the published order (not with the simulator's
builder), so the parser is checked against the layouts as published, not against itself.
"""

from __future__ import annotations

import datetime as dt

import pytest
from resident_testkit import TODAY

from drivers.residentid import text_block
from drivers.residentid.errors import ResidentDataInvalid, ResidentUnknownCardType
from drivers.residentid.sim import cards
from drivers.residentid.sim.text_builder import build_block
from drivers.residentid.text_block import CardKind


def golden(*fields: tuple[str, int]) -> bytes:
    """Concatenate (value, characters) pairs, each space-padded, as UCS-2 little-endian."""
    block = b"".join(value.ljust(chars).encode("utf-16-le", "surrogatepass") for value, chars in fields)
    assert len(block) == 256
    return block


RESIDENT = golden(("张三", 15), ("1", 1), ("01", 2), ("19900307", 8), ("北京市东城区景山前街4号", 35),
                  ("110101199003074514", 18), ("北京市公安局东城分局", 15), ("20200101", 8),
                  ("20400101", 8), ("", 18))


def test_resident_layout() -> None:
    f = text_block.parse(RESIDENT)
    assert f.kind is CardKind.RESIDENT
    assert (f.name_zh, f.sex, f.nation, f.birth) == ("张三", "1", "01", dt.date(1990, 3, 7))
    assert (f.address, f.number) == ("北京市东城区景山前街4号", "110101199003074514")
    assert f.authority == "北京市公安局东城分局"
    assert (f.valid_from, f.valid_to) == (dt.date(2020, 1, 1), dt.date(2040, 1, 1))
    assert f.name_en is None and f.warnings == ()


def test_resident_long_term_validity() -> None:
    block = golden(("张三", 15), ("1", 1), ("01", 2), ("19600307", 8), ("北京市", 35), ("110101196003074510", 18),
                   ("北京市公安局", 15), ("20100101", 8), ("长期", 8), ("", 18))
    assert text_block.parse(block).valid_to is None


def test_hmt_residence_permit_layout() -> None:
    block = golden(("陈大文", 15), ("1", 1), ("", 2), ("19900101", 8), ("广东省深圳市", 35),
                   ("810000199001011513", 18), ("深圳市公安局", 15), ("20250101", 8), ("20300101", 8),
                   ("H12345678", 9), ("03", 2), ("", 3), ("J", 1), ("", 3))
    f = text_block.parse(block)
    assert f.kind is CardKind.HMT_RESIDENCE
    assert (f.name_zh, f.number, f.pass_number, f.issue_count) == ("陈大文", "810000199001011513", "H12345678", "03")
    assert f.nation is None


def test_foreign_permanent_2017_layout() -> None:
    block = golden(("SMITH JOHN", 60), ("1", 1), ("USA110085031201", 15), ("USA", 3), ("史密斯", 15),
                   ("20200101", 8), ("20300101", 8), ("19850312", 8), ("01", 2), ("1100", 4), ("I", 1), ("", 3))
    f = text_block.parse(block)
    assert f.kind is CardKind.FOREIGN_PERMANENT_2017
    assert (f.name_en, f.name_zh, f.number, f.nationality) == ("SMITH JOHN", "史密斯", "USA110085031201", "USA")
    assert (f.birth, f.valid_from, f.valid_to) == (dt.date(1985, 3, 12), dt.date(2020, 1, 1), dt.date(2030, 1, 1))
    assert (f.card_version, f.authority) == ("01", "1100")


def test_foreign_permanent_2023_layout_joins_the_english_name() -> None:
    name = "WILLIAMSON-MONTGOMERY ALEXANDRA ELIZABETH"  # 41 characters: 35 + 6
    block = golden(("威廉森", 15), ("2", 1), ("01", 2), ("19900704", 8), (name[:35], 35),
                   ("91184019900704012X", 18), ("", 15), ("20240101", 8), ("20340101", 8), (name[35:], 11),
                   ("USA", 3), ("Y", 1), ("001", 3))
    f = text_block.parse(block)
    assert f.kind is CardKind.FOREIGN_PERMANENT_2023
    assert (f.name_en, f.name_zh, f.number) == (name, "威廉森", "91184019900704012X")
    assert (f.renewal_count, f.nationality, f.previous_number_link) == ("01", "USA", "001")
    assert f.authority is None and text_block.W_NAME_FULL not in f.warnings


@pytest.mark.parametrize("label", sorted(cards.CARDS))
def test_every_simulated_card_parses(label: str) -> None:
    f = text_block.parse(cards.make(label, TODAY).text)
    assert f.number and (f.name_zh or f.name_en)


def test_extension_a_names_are_plain_bmp_text() -> None:
    f = text_block.parse(cards.make("rare_ext_a_multi", TODAY).text)
    assert f.name_zh == "邝㵘䶮"
    assert all(0x3400 <= ord(c) <= 0x4DBF for c in f.name_zh[1:])
    assert f.address is not None and "㙟" in f.address
    assert f.warnings == ()


def test_a_surrogate_pair_decodes_to_the_supplementary_character() -> None:
    f = text_block.parse(cards.make("non_bmp_name", TODAY).text)
    assert f.name_zh == "吉\U00020bb7"
    assert f.warnings == (text_block.W_NAME_SUPPLEMENTARY,)


def test_a_private_use_code_point_is_kept_and_flagged() -> None:
    f = text_block.parse(cards.make("private_use_name", TODAY).text)
    assert f.name_zh == "王\ue8a0"
    assert f.warnings == (text_block.W_NAME_PRIVATE_USE,)


def test_a_lone_surrogate_becomes_a_replacement_character() -> None:
    block = build_block(CardKind.RESIDENT, {
        "name_zh": "李\ud842", "sex": "1", "nation": "01", "birth": "19900307", "number": "110101199003074514",
        "valid_from": "20200101", "valid_to": "20400101"})
    f = text_block.parse(block)
    assert f.name_zh == "李\ufffd"
    assert f.warnings == (text_block.W_NAME_BROKEN,)


def test_minority_names_keep_the_middle_dot_and_a_full_field_is_flagged() -> None:
    long = text_block.parse(cards.make("minority_long_name", TODAY).text)
    assert long.name_zh == "阿卜杜热合曼\u00b7买买提艾力"
    assert long.warnings == ()
    full = text_block.parse(cards.make("minority_full_name", TODAY).text)
    assert len(full.name_zh or "") == 15
    assert full.warnings == (text_block.W_NAME_FULL,)


def test_unknown_card_type_mark() -> None:
    block = bytearray(RESIDENT)
    block[248:250] = "Z".encode("utf-16-le")
    with pytest.raises(ResidentUnknownCardType) as caught:
        text_block.parse(bytes(block))
    assert caught.value.code == "resident_unknown_card_type"


@pytest.mark.parametrize(("field", "value"), [
    ("birth", "19901307"), ("birth", "1990030"), ("valid_from", "2020-1-1"), ("valid_to", "长期长期"),
    ("number", ""), ("sex", ""), ("name_zh", ""),
])
def test_malformed_fields_are_typed_errors(field: str, value: str) -> None:
    values = {"name_zh": "张三", "sex": "1", "nation": "01", "birth": "19900307", "number": "110101199003074514",
              "valid_from": "20200101", "valid_to": "20400101", field: value}
    with pytest.raises(ResidentDataInvalid) as caught:
        text_block.parse(build_block(CardKind.RESIDENT, values))
    assert "110101" not in str(caught.value)  # no personal data in the message


@pytest.mark.parametrize("size", [0, 255, 257])
def test_wrong_block_size(size: int) -> None:
    with pytest.raises(ResidentDataInvalid):
        text_block.parse(bytes(size))


def test_appended_address() -> None:
    address = "北京市海淀区中关村大街27号"
    assert text_block.decode_address(address.ljust(35).encode("utf-16-le")) == address
    assert text_block.decode_address(b" \x00" * 35) is None
    with pytest.raises(ResidentDataInvalid):
        text_block.decode_address(b"\x00" * 7)


def test_repr_redacts() -> None:
    assert "张三" not in repr(text_block.parse(RESIDENT))
