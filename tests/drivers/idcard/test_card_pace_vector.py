"""ICAO Doc 9303 Part 11 appendix G.1: PACE ECDH-GM, AES-128, brainpoolP256r1, MRZ password."""

from __future__ import annotations

import pytest
from card_testkit import ScriptedTransport

from drivers.errors import CardAccessDenied, CardBlocked, CardReadError, CardUnsupported
from drivers.idcard import card_access, pace
from drivers.idcard.base import AccessKey
from drivers.idcard.channel import ApduChannel
from drivers.idcard.ec import Domain

H = bytes.fromhex
CARD_ACCESS = H("31143012060A04007F0007020204020202010202010D")
PK_MAP_IFD = (
    "047ACF3EFC982EC45565A4B155129EFBC74650DCBFA6362D896FC70262E0C2CC5E"
    "544552DCB6725218799115B55C9BAA6D9F6BC3A9618E70C25AF71777A9C4922D"
)
PK_MAP_IC = (
    "04824FBA91C9CBE26BEF53A0EBE7342A3BF178CEA9F45DE0B70AA601651FBA3F57"
    "30D8C879AAA9C9F73991E61B58F4D52EB87A0A0C709A49DC63719363CCD13C54"
)
PK_EPH_IFD = (
    "042DB7A64C0355044EC9DF190514C625CBA2CEA48754887122F3A5EF0D5EDD301C"
    "3556F3B3B186DF10B857B58F6A7EB80F20BA5DC7BE1D43D9BF850149FBB36462"
)
PK_EPH_IC = (
    "049E880F842905B8B3181F7AF7CAA9F0EFB743847F44A306D2D28C1D9EC65DF6DB"
    "7764B22277A2EDDC3C265A9F018F9CB852E111B768B326904B59A0193776F094"
)
SCRIPT = [
    ("0022C1A412800A04007F0007020204020283010184010D", "9000"),
    ("10860000027C0000", "7C12801095A3A016522EE98D01E76CB6B98B42C39000"),
    ("10860000457C438141" + PK_MAP_IFD + "00", "7C438241" + PK_MAP_IC + "9000"),
    ("10860000457C438341" + PK_EPH_IFD + "00", "7C438441" + PK_EPH_IC + "9000"),
    ("008600000C7C0A8508C2B0BD78D94BA86600", "7C0A86083ABB9674BCE93C089000"),
]
KEYS = {
    "mapping": 0x7F4EF07B9EA82FD78AD689B38D0BC78CF21F249D953BC46F4C6E19259C010F99,
    "agreement": 0xA73FB703AC1436A18E0CFA5ABB3F7BEC7A070E7A6788486BEE230C4A22762595,
}
ICAO_KEY = AccessKey(document_number="T22000129", birth_date="640812", expiry_date="101031")


def icao_keys(step: str, domain: Domain) -> int:
    return KEYS[step]


def test_card_access_of_appendix_g() -> None:
    [info] = card_access.parse_card_access(CARD_ACCESS)
    assert (info.oid, info.version, info.parameter_id) == ("0.4.0.127.0.7.2.2.4.2.2", 2, 13)
    assert info.supported and info.name == "PACE-ECDH-GM-AES-128"
    assert card_access.build_card_access([info]) == CARD_ACCESS


def test_nonce_key_and_nonce() -> None:
    [info] = card_access.parse_card_access(CARD_ACCESS)
    pi, ref = pace.password(ICAO_KEY)
    assert (pi, ref) == (H("7E2D2A41C74EA0B38CD36F863939BFA8E9032AAD"), pace.PWD_MRZ)
    k_pi = pace.nonce_key(info, pi)
    assert k_pi == H("89DED1B26624EC1E634C1989302849DD")
    assert pace.decrypt_nonce(info, k_pi, H("95A3A016522EE98D01E76CB6B98B42C3")) == H(
        "3F00C4D39D153F2B2A214A078D899B22"
    )


def test_full_exchange_appendix_g1() -> None:
    [info] = card_access.parse_card_access(CARD_ACCESS)
    transport = ScriptedTransport(SCRIPT)
    sm = pace.authenticate(ApduChannel(transport), info, ICAO_KEY, icao_keys)
    assert len(transport.sent) == len(SCRIPT)
    assert sm.ks_enc == H("F5F0E35C0D7161EE6724EE513A0D9A7F")
    assert sm.ks_mac == H("FE251C7858B356B24514B3BD5F4297D1")
    assert sm.ssc == bytes(16) and sm.cipher == "AES"


def _run_with_last(answer: str, exc: type[Exception]) -> None:
    [info] = card_access.parse_card_access(CARD_ACCESS)
    script = [*SCRIPT[:-1], (SCRIPT[-1][0], answer)]
    with pytest.raises(exc):
        pace.authenticate(ApduChannel(ScriptedTransport(script)), info, ICAO_KEY, icao_keys)


def test_wrong_password_is_access_denied() -> None:
    _run_with_last("6300", CardAccessDenied)


def test_blocked_password() -> None:
    _run_with_last("6983", CardBlocked)


def test_forged_chip_token_is_read_error() -> None:
    _run_with_last("7C0A86083ABB9674BCE93C099000", CardReadError)


def test_unsupported_mapping_refused_before_talking() -> None:
    info = card_access.PaceInfo("0.4.0.127.0.7.2.2.4.4.2", 2, 13)  # integrated mapping
    transport = ScriptedTransport([])
    with pytest.raises(CardUnsupported):
        pace.authenticate(ApduChannel(transport), info, ICAO_KEY)
    assert transport.sent == []


def test_chip_point_off_curve_is_read_error() -> None:
    [info] = card_access.parse_card_access(CARD_ACCESS)
    bad = PK_MAP_IC[:-2] + "55"
    script = [*SCRIPT[:2], (SCRIPT[2][0], "7C438241" + bad + "9000")]
    with pytest.raises(CardReadError):
        pace.authenticate(ApduChannel(ScriptedTransport(script)), info, ICAO_KEY, icao_keys)
