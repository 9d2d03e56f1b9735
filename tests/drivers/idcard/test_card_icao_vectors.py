"""ICAO Doc 9303 Part 11 appendix D (BAC, 3DES SM) vectors, reproduced byte for byte."""

from __future__ import annotations

import pytest
from card_testkit import AnswerTransport, ScriptedTransport

from drivers.errors import CardReadError
from drivers.idcard import bac, crypto, mrz
from drivers.idcard.apdu import Command, Response
from drivers.idcard.channel import ApduChannel
from drivers.idcard.sm import SecureMessaging

H = bytes.fromhex
KS_ENC = H("979EC13B1CBFE9DCD01AB0FED307EAE5")
KS_MAC = H("F1CB1F1FB5ADF208806B89DC579DC1F8")


def test_bac_key_derivation() -> None:
    info = mrz.mrz_information("L898902C", "690806", "940623")
    assert info == b"L898902C<369080619406236"
    seed = bac.key_seed(info)
    assert seed == H("239AB9CB282DAF66231DC5A4DF6BFBAE")
    assert bac.derive_keys(seed) == (H("AB94FDECF2674FDFB9B391F85D7F76F2"), H("7962D9ECE03D1ACD4C76089DCE131543"))


def test_bac_mutual_authentication_appendix_d3() -> None:
    e_ifd = "72C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F2"
    m_ifd = "5F1448EEA8AD90A7"
    e_ic = "46B9342A41396CD7386BF5803104D7CEDC122B9132139BAF2EEDC94EE178534F"
    m_ic = "2F2D235D074D7449"
    transport = ScriptedTransport(
        [
            ("0084000008", "4608F919887022129000"),
            ("0082000028" + e_ifd + m_ifd + "28", e_ic + m_ic + "9000"),
        ]
    )
    randoms = iter([H("781723860C06C226"), H("0B795240CB7049B01C19B33E32804F0B")])
    sm = bac.authenticate(ApduChannel(transport), b"L898902C<369080619406236", lambda n: next(randoms))
    assert (sm.ks_enc, sm.ks_mac, sm.ssc) == (KS_ENC, KS_MAC, H("887022120C06C226"))


def test_bac_wrong_key_is_access_denied() -> None:
    from drivers.errors import CardAccessDenied

    loose = AnswerTransport([H("4608F919887022129000"), H("6300")])
    with pytest.raises(CardAccessDenied):
        bac.authenticate(ApduChannel(loose), b"L898902C<369080619406236")


def test_secure_messaging_appendix_d4() -> None:
    sm = SecureMessaging("3DES", KS_ENC, KS_MAC, H("887022120C06C226"))
    select = sm.protect(Command(0x00, 0xA4, 0x02, 0x0C, H("011E")))
    assert select.encode() == H("0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800")
    assert sm.unprotect(Response.decode(H("990290008E08FA855A5D4C50A8ED9000"))) == Response(b"", 0x9000)
    read4 = sm.protect(Command(0x00, 0xB0, 0x00, 0x00, ne=4))
    assert read4.encode() == H("0CB000000D9701048E08ED6705417E96BA5500")
    r = sm.unprotect(Response.decode(H("8709019FF0EC34F9922651990290008E08AD55CC17140B2DED9000")))
    assert r == Response(H("60145F01"), 0x9000)
    read18 = sm.protect(Command(0x00, 0xB0, 0x00, 0x04, ne=0x12))
    assert read18.encode() == H("0CB000040D9701128E082EA28A70F3C7B53500")
    r = sm.unprotect(
        Response.decode(H("871901FB9235F4E4037F2327DCC8964F1F9B8C30F42C8E2FFF224A990290008E08C8B2787EAEA07D749000"))
    )
    assert H("60145F01") + r.data == H("60145F0104303130365F36063034303030305C026175")


def test_card_side_reproduces_appendix_d4_responses() -> None:
    """The virtual chip's half of SM produces ICAO's chip answers from the same state."""
    reader = SecureMessaging("3DES", KS_ENC, KS_MAC, H("887022120C06C226"))
    chip = SecureMessaging("3DES", KS_ENC, KS_MAC, H("887022120C06C226"))
    cmd = chip.unprotect_command(reader.protect(Command(0x00, 0xA4, 0x02, 0x0C, H("011E"))))
    assert (cmd.ins, cmd.data) == (0xA4, H("011E"))
    assert chip.protect_response(b"", 0x9000) == H("990290008E08FA855A5D4C50A8ED9000")
    reader2 = SecureMessaging("3DES", KS_ENC, KS_MAC, H("887022120C06C228"))
    chip2 = SecureMessaging("3DES", KS_ENC, KS_MAC, H("887022120C06C228"))
    cmd = chip2.unprotect_command(reader2.protect(Command(0x00, 0xB0, 0x00, 0x00, ne=4)))
    assert cmd.ne == 4
    assert chip2.protect_response(H("60145F01"), 0x9000) == H("8709019FF0EC34F9922651990290008E08AD55CC17140B2DED9000")


@pytest.mark.parametrize("corrupt", [0, 3, 12, 20])
def test_tampered_sm_response_is_read_error(corrupt: int) -> None:
    sm = SecureMessaging("3DES", KS_ENC, KS_MAC, H("887022120C06C227"))
    raw = bytearray(H("8709019FF0EC34F9922651990290008E08AD55CC17140B2DED9000"))
    raw[corrupt] ^= 0x01
    with pytest.raises(CardReadError):
        sm.unprotect(Response.decode(bytes(raw)))


def test_unprotected_success_under_sm_is_rejected() -> None:
    sm = SecureMessaging("AES", bytes(16), bytes(16), bytes(16))
    with pytest.raises(CardReadError):
        sm.unprotect(Response(b"", 0x9000))


def test_retail_mac_needs_padded_input() -> None:
    with pytest.raises(ValueError):
        crypto.retail_mac(bytes(16), b"abc")
