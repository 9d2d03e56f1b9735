"""APDU codec, BER-TLV, MRZ, EF.COM, DG1, DG2, DG11 and the resident ID number."""

from __future__ import annotations

import io

import pytest

from drivers.errors import CardReadError
from drivers.idcard import atr, dg2, dg11, holder, lds, mrz, resident_id, tlv
from drivers.idcard.apdu import Command, Response

H = bytes.fromhex


@pytest.mark.parametrize(
    ("cmd", "raw"),
    [
        (Command(0x00, 0xA4, 0x04, 0x0C, H("A0000002471001")), "00A4040C07A0000002471001"),
        (Command(0x00, 0x84, 0x00, 0x00, ne=8), "0084000008"),
        (Command(0x00, 0xB0, 0x00, 0x00, ne=256), "00B0000000"),
        (Command(0x00, 0x82, 0x00, 0x00, b"\x01" * 3, ne=40), "0082000003010101" + "28"),
        (Command(0x00, 0xB0, 0x00, 0x00, ne=65536), "00B0000000" + "0000"),
        (Command(0x00, 0xB0, 0x00, 0x00, ne=1000), "00B000000003E8"),
        (Command(0x00, 0xD6, 0x00, 0x00, bytes(300)), "00D6000000012C" + "00" * 300),
        (Command(0x00, 0xB1, 0x00, 0x00, bytes(300), ne=65536), "00B1000000012C" + "00" * 300 + "0000"),
        (Command(0x00, 0x20, 0x00, 0x00), "00200000"),
    ],
)
def test_apdu_encode_decode_roundtrip(cmd: Command, raw: str) -> None:
    assert cmd.encode() == H(raw)
    back = Command.decode(H(raw))
    assert (back.cla, back.ins, back.p1, back.p2, back.data, back.ne) == (
        cmd.cla,
        cmd.ins,
        cmd.p1,
        cmd.p2,
        cmd.data,
        cmd.ne,
    )


@pytest.mark.parametrize("raw", ["00", "00A4040C05A000", "00A4040C02A0000000", "00B000000001"])
def test_malformed_apdu_is_rejected_by_card_parser(raw: str) -> None:
    with pytest.raises(ValueError):
        Command.decode(H(raw))


def test_response_without_status_word_is_read_error() -> None:
    with pytest.raises(CardReadError):
        Response.decode(b"\x90")
    assert Response.decode(H("01029000")) == Response(H("0102"), 0x9000)
    assert "0102" not in repr(Response(H("0102"), 0x9000))


def test_tlv_multibyte_tags_and_long_lengths() -> None:
    value = bytes(300)
    enc = tlv.encode(0x5F2E, value)
    assert enc[:5] == H("5F2E82012C")
    assert tlv.parse_one(enc) == (0x5F2E, value, len(enc))
    assert tlv.total_length(enc[:8]) == len(enc)
    assert dict(tlv.iterate(tlv.encode(0x80, b"a") + tlv.encode(0x7F49, b"bc"))) == {0x80: b"a", 0x7F49: b"bc"}


@pytest.mark.parametrize("raw", ["", "5F", "5F2E", "5F2E82", "6004010203", "6080", "7F8181818101", "6085FFFFFFFFFF00"])
def test_tlv_malformed(raw: str) -> None:
    with pytest.raises(CardReadError):
        tlv.parse_one(H(raw))


TD3 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<L898902C36UTO7408122F1204159ZE184226B<<<<<10"
TD1 = "I<UTOD231458907<<<<<<<<<<<<<<<7408122F1204159UTO<<<<<<<<<<<6" "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"
TD2 = "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<D231458907UTO7408122F1204159<<<<<<<6"


@pytest.mark.parametrize(
    ("text", "fmt", "number"), [(TD3, "TD3", "L898902C3"), (TD1, "TD1", "D23145890"), (TD2, "TD2", "D23145890")]
)
def test_icao_specimen_mrz(text: str, fmt: str, number: str) -> None:
    m = mrz.parse(text)
    assert (m.format, m.document_number, m.surname, m.given_names) == (fmt, number, "ERIKSSON", "ANNA MARIA")
    assert (m.birth_date, m.expiry_date, m.sex, m.nationality) == ("740812", "120415", "F", "UTO")
    assert "ERIKSSON" not in repr(m)


@pytest.mark.parametrize(
    ("text", "pos"),
    [(TD3, 44 + 9), (TD3, 44 + 19), (TD3, 44 + 27), (TD3, 44 + 43), (TD1, 14), (TD1, 59), (TD2, 36 + 35)],
)
def test_mrz_check_digit_errors(text: str, pos: int) -> None:
    bad = text[:pos] + str((int(text[pos]) + 1) % 10) + text[pos + 1 :]
    with pytest.raises(CardReadError, match="check digit"):
        mrz.parse(bad)


def test_mrz_wrong_length_and_bad_characters() -> None:
    with pytest.raises(CardReadError):
        mrz.parse(TD3[:-1])
    with pytest.raises(CardReadError):
        mrz.parse(TD3.replace("ANNA", "anna"))


def test_td1_long_document_number() -> None:
    l1 = "I<UTOD23145890<7349<<<<<<<<<<<"
    l2 = "3407127M9507122UTO<<<<<<<<<<<"
    l2 += mrz.check_digit(l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29])
    m = mrz.parse(l1 + l2 + "STEVENSON<<PETER<JOHN<<<<<<<<<")
    assert m.document_number == "D23145890734"
    assert mrz.mrz_information("D23145890734", "340712", "950712") == b"D23145890734934071279507122"


def test_built_td1_and_td3_parse_back() -> None:
    h = holder.Holder()
    fields = dict(
        document_code="ID",
        issuing_state="CHN",
        document_number=h.document_number,
        birth_date=h.birth_date,
        sex="M",
        expiry_date=h.expiry_date,
        nationality="CHN",
        surname="ZHANG",
        given_names="WEI",
    )
    for text in (mrz.build_td1(**fields), mrz.build_td3(**fields)):
        m = mrz.parse(text)
        assert (m.document_number, m.surname, m.given_names, m.sex) == ("E90000001", "ZHANG", "WEI", "M")


def test_ef_com_icao_vector() -> None:
    com = lds.parse_com(H("60145F0104303130365F36063034303030305C026175"))
    assert com == lds.Com("0106", "040000", (1, 2))
    assert lds.parse_com(lds.build_com([1, 2, 11])).data_groups == (1, 2, 11)


def test_ef_com_unknown_tag() -> None:
    with pytest.raises(CardReadError):
        lds.parse_com(tlv.encode(0x60, tlv.encode(0x5C, b"\x61\x99")))


def _jpeg() -> bytes:
    img = holder.placeholder_image(120, 160)
    out = io.BytesIO()
    img.save(out, "JPEG")  # type: ignore[attr-defined]
    return out.getvalue()


def test_dg2_roundtrip_jpeg_and_jp2() -> None:
    jpeg = _jpeg()
    p = dg2.parse_dg2(dg2.build_dg2(jpeg, 120, 160))
    assert (bytes(p.image), p.format) == (jpeg, "jpeg")
    jp2, w, h = holder.load_portrait("")
    p = dg2.parse_dg2(dg2.build_dg2(jp2, w, h))
    assert (bytes(p.image), p.format) == (jp2, "jp2")
    assert str(len(jp2)) in repr(p)


def test_dg2_decodes_to_pixels() -> None:
    jp2, w, h = holder.load_portrait("")
    pixels = dg2.decode_image(jp2)
    assert pixels.shape == (h, w, 3)
    assert pixels.std() > 5  # a picture, not a blank


def test_dg2_raw_j2k_codestream_in_39794_style_container() -> None:
    codestream = b"\xff\x4f\xff\x51" + bytes(40) + b"\xff\xd9"
    block = tlv.encode(0xA1, b"\x80\x01\x01") + codestream  # not an ISO 19794-5 record
    data = tlv.encode(
        0x75,
        tlv.encode(
            0x7F61, tlv.encode(0x02, b"\x01") + tlv.encode(0x7F60, tlv.encode(0xA1, b"") + tlv.encode(0x7F2E, block))
        ),
    )
    p = dg2.parse_dg2(data)
    assert p.format == "jp2" and bytes(p.image) == codestream


@pytest.mark.parametrize("cut", [10, 40, 200])
def test_dg2_truncated_or_foreign(cut: int) -> None:
    full = dg2.build_dg2(_jpeg(), 120, 160)
    with pytest.raises(CardReadError):
        dg2.parse_dg2(full[:cut])


def test_dg2_truncated_jpeg_inside_consistent_record() -> None:
    jpeg = _jpeg()[:-200]
    with pytest.raises(CardReadError, match="truncated"):
        dg2.parse_dg2(dg2.build_dg2(jpeg, 120, 160))


def test_dg2_image_not_jpeg() -> None:
    with pytest.raises(ValueError):
        dg2.build_dg2(b"GIF89a....", 1, 1)


def test_dg11_chinese_fields() -> None:
    raw = dg11.build_dg11(
        full_name="张伟",
        personal_number="11010519491231002X",
        address="北京市朝阳区建国路88号",
        full_birth_date="19491231",
    )
    d = dg11.parse_dg11(raw)
    assert (d.full_name, d.personal_number, d.address, d.full_birth_date) == (
        "张伟",
        "11010519491231002X",
        "北京市朝阳区建国路88号",
        "19491231",
    )
    assert "张" not in repr(d)


def test_dg11_invalid_utf8() -> None:
    with pytest.raises(CardReadError):
        dg11.parse_dg11(tlv.encode(0x6B, tlv.encode(0x5F0E, b"\xff\xfe")))


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("11010519491231002X", True),
        ("440524188001010014", True),
        ("110105194912310021", False),
        ("11010519491331002X", False),
        ("1101051949123100", False),
    ],
)
def test_resident_id_check(number: str, valid: bool) -> None:
    assert resident_id.is_valid(number) is valid


def test_demo_holder_resident_id_matches_birth_and_sex() -> None:
    h = holder.Holder()
    assert resident_id.is_valid(h.personal_number)
    assert resident_id.birth_date(h.personal_number).strftime("%y%m%d") == h.birth_date
    assert resident_id.is_male(h.personal_number) and h.sex == "M"


def test_atr_extended_length_capability() -> None:
    assert atr.supports_extended_length(atr.build(True))
    assert not atr.supports_extended_length(atr.build(False))
    assert not atr.supports_extended_length(b"\x3b")
    assert (
        atr.historical_bytes(H("3B8F8001804F0CA000000306030001000000006A"))
        == H("804F0CA000000306030001000000006A")[:15]
    )


@pytest.mark.parametrize("digits", ["１２３４５６", "١٢٣٤٥٦", "12345²"])
def test_access_keys_take_ascii_digits_only(digits: str) -> None:
    """str.isdigit() takes full-width, Arabic-Indic and superscript digits; a chip key is ASCII."""
    from drivers.errors import CardAccessDenied
    from drivers.idcard.base import AccessKey
    from drivers.idcard.mrz import mrz_information
    from drivers.idcard.session import _check_key

    with pytest.raises(CardAccessDenied):
        _check_key(AccessKey(can=digits))
    with pytest.raises(ValueError):
        mrz_information("E90000001", digits, "360630")
