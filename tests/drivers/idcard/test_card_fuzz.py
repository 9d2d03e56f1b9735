"""Hypothesis fuzzing: whatever a chip answers, the reader raises a typed DeviceError (or
returns an identity whose Passive Authentication failed) - never another exception, never a hang."""

from __future__ import annotations

import contextlib
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drivers.errors import CardReadError, DeviceError
from drivers.idcard import (
    atr,
    card_access,
    certificates,
    dg2,
    dg11,
    dg14,
    lds,
    master_list,
    mrz,
    passive_auth,
    sod,
    tlv,
    trust_import,
    trust_store,
)
from drivers.idcard.apdu import Response
from drivers.idcard.base import AccessKey
from drivers.idcard.session import ChipSession
from drivers.idcard.sim import chip_variants, test_pki
from drivers.idcard.sim.virtual_chip import VirtualChip
from drivers.idcard.sm import SecureMessaging
from drivers.idcard.transport import InProcessTransport

FUZZ = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
CAN = AccessKey(can="123456")
MRZ = AccessKey(document_number="E90000001", birth_date="850312", expiry_date="360630")

PARSERS = [
    tlv.parse_one,
    lambda b: list(tlv.iterate(b)),
    lds.parse_com,
    lds.parse_dg1,
    dg2.parse_dg2,
    dg11.parse_dg11,
    sod.parse_sod,
    card_access.parse_card_access,
    lambda b: mrz.parse(b.decode("latin-1")),
    dg14.parse,
    atr.parse_atr_info,
]


def _tlv_like() -> st.SearchStrategy[bytes]:
    """Random bytes, and random bytes under a plausible LDS outer tag and length."""
    tags = st.sampled_from([0x60, 0x61, 0x75, 0x6B, 0x6E, 0x77, 0x31, 0x30, 0x7F61, 0x5F1F, 0x7F66])
    return st.one_of(
        st.binary(max_size=300),
        st.builds(lambda t, body, cut: tlv.encode(t, body)[:cut], tags, st.binary(max_size=200), st.integers(0, 210)),
    )


@FUZZ
@given(data=_tlv_like(), which=st.integers(0, len(PARSERS) - 1))
def test_parsers_raise_only_card_read_error(data: bytes, which: int) -> None:
    with contextlib.suppress(CardReadError):
        PARSERS[which](data)


@FUZZ
@given(data=st.binary(max_size=400))
def test_sm_unprotect_random_answers(data: bytes) -> None:
    sm = SecureMessaging("AES", bytes(range(16)), bytes(range(16, 32)), bytes(16))
    try:
        resp = sm.unprotect(Response.decode(data))
    except CardReadError:
        return
    assert not resp.data and resp.sw != 0x9000  # only a plain error status may pass


class _Files(dict):
    def __repr__(self) -> str:  # keep Hypothesis reports readable
        return "<sample LDS files>"


@pytest.fixture(scope="module")
def sample_files(pki: test_pki.TestPki) -> dict[str, bytes]:
    chip = chip_variants.make_chip("pace", pki)
    return _Files(
        sod=chip.files.app[lds.SOD.fid],
        dg1=chip.files.app[0x0101],
        dg2=chip.files.app[0x0102],
        dg11=chip.files.app[0x010B],
    )


@FUZZ
@given(pos=st.integers(0, 10_000), bit=st.integers(0, 7), cut=st.integers(0, 10_000))
def test_passive_auth_never_raises_on_mutated_sod(
    sample_files: dict[str, bytes], trust: trust_store.TrustStore, pos: int, bit: int, cut: int
) -> None:
    raw = bytearray(sample_files["sod"])
    raw[pos % len(raw)] ^= 1 << bit
    files = {1: sample_files["dg1"], 2: sample_files["dg2"], 11: sample_files["dg11"]}
    original = sod.parse_sod(sample_files["sod"])
    for candidate in (bytes(raw), bytes(raw[: cut % (len(raw) + 1)])):
        result = passive_auth.verify(candidate, files, trust)
        if result.verified:  # only a flip in unsigned metadata may pass, never in what counts
            parsed = sod.parse_sod(candidate)
            assert parsed.econtent == original.econtent
            assert parsed.signer_info["signed_attrs"].dump() == original.signer_info["signed_attrs"].dump()
            assert parsed.signer_info["signature"].native == original.signer_info["signature"].native
            assert parsed.certificate is not None and original.certificate is not None
            assert parsed.certificate.dump() == original.certificate.dump()
        else:
            assert result.failure


class Mutating(InProcessTransport):
    """Passes the virtual chip's answers through, corrupting the one at index ``target``."""

    def __init__(self, chip: VirtualChip, target: int, mutate) -> None:
        super().__init__(chip)
        self.target, self.mutate, self.count = target, mutate, 0

    def transmit(self, apdu: bytes) -> bytes:
        answer = super().transmit(apdu)
        self.count += 1
        return self.mutate(answer) if self.count - 1 == self.target else answer


MUTATIONS = st.one_of(
    st.builds(lambda n: (lambda a: a[:n]), st.integers(0, 40)),  # truncated
    st.builds(
        lambda p, b: (
            lambda a: a[: p % max(len(a), 1)] + bytes([a[p % max(len(a), 1)] ^ (1 << b)]) + a[p % max(len(a), 1) + 1 :]
            if a
            else a
        ),
        st.integers(0, 30_000),
        st.integers(0, 7),
    ),  # one bit flipped (bad MAC)
    st.builds(lambda junk: (lambda a: junk), st.binary(max_size=64)),  # random bytes
    st.builds(lambda sw: (lambda a: a[:-2] + sw), st.binary(min_size=2, max_size=2)),  # SW
    st.builds(lambda extra: (lambda a: a + extra), st.binary(min_size=1, max_size=16)),
    st.builds(lambda n: (lambda a: a[:-2][:n] + a[-2:]), st.integers(0, 300)),  # wrong length
)


@FUZZ
@given(
    variant=st.sampled_from(["pace", "bac", "no_extended", "pace_3des", "ca_only", "ca_3des", "ca_dh", "plain_atr"]),
    target=st.integers(0, 30),
    mutate=MUTATIONS,
)
def test_session_with_corrupted_answers(
    pki: test_pki.TestPki, trust: trust_store.TrustStore, variant: str, target: int, mutate
) -> None:
    chip = chip_variants.make_chip(variant, pki)
    session = ChipSession(Mutating(chip, target, mutate), trust)
    try:
        ident = session.read(MRZ)
    except DeviceError:
        return
    # the corruption hit nothing that mattered, or only data that PA then refused
    assert ident.authenticity.verified or ident.authenticity.failure


@FUZZ
@given(which=st.sampled_from([lds.COM.fid, 0x0101, 0x0102, 0x010B, lds.SOD.fid]), content=_tlv_like())
def test_malformed_files_behind_valid_secure_messaging(
    pki: test_pki.TestPki, trust: trust_store.TrustStore, which: int, content: bytes
) -> None:
    chip = chip_variants.make_chip("pace", pki)
    if not content:
        content = b"\x00"
    chip.files = replace(chip.files, app={**chip.files.app, which: content})
    try:
        ident = ChipSession(InProcessTransport(chip), trust).read(CAN)
    except DeviceError:
        return
    assert not ident.authenticity.verified


@FUZZ
@given(content=st.binary(max_size=120))
def test_malformed_card_access(pki: test_pki.TestPki, trust: trust_store.TrustStore, content: bytes) -> None:
    chip = chip_variants.make_chip("pace", pki)
    chip.files = replace(chip.files, mf={0x011C: content or b"\x00"})
    with contextlib.suppress(DeviceError):
        ChipSession(InProcessTransport(chip), trust).read(MRZ)


@FUZZ
@given(
    apdus=st.lists(
        st.one_of(
            st.binary(max_size=40),
            st.builds(
                lambda ins, p1, p2, body: bytes([0x00, ins, p1, p2, len(body)]) + body,
                st.sampled_from([0xA4, 0xB0, 0xB1, 0x84, 0x82, 0x22, 0x86, 0x88]),
                st.integers(0, 255),
                st.integers(0, 255),
                st.binary(min_size=1, max_size=60),
            ),
            st.builds(
                lambda cla, ins, body: bytes([cla, ins, 0x41, 0xA4, len(body)]) + body,
                st.sampled_from([0x0C, 0x10, 0x1C]),
                st.sampled_from([0xB0, 0x22, 0x86]),
                st.binary(min_size=1, max_size=60),
            ),
        ),
        max_size=8,
    )
)
def test_virtual_chip_answers_any_apdu_with_a_status_word(pki: test_pki.TestPki, apdus: list[bytes]) -> None:
    """The chip must survive garbage too: an exception would kill the vpcd card thread."""
    chip = chip_variants.make_chip("ca_and_aa", pki)
    for apdu in apdus:
        answer = chip.process(apdu)
        assert len(answer) >= 2


SLOW_FUZZ = settings(FUZZ, max_examples=40)  # each example builds a chip or a trust store


@SLOW_FUZZ
@given(content=_tlv_like(), variant=st.sampled_from(["ca_only", "ca_3des", "ca_dh"]))
def test_malformed_dg14_signed_by_the_sod(pki: test_pki.TestPki, trust: trust_store.TrustStore, content: bytes,
                                         variant: str) -> None:
    """A DG14 that EF.SOD covers (so Chip Authentication uses it) but holds anything at all."""
    chip = chip_variants.make_chip(variant, pki, dg14_file=content or b"\x6e\x00")
    try:
        ident = ChipSession(InProcessTransport(chip), trust).read(CAN)
    except DeviceError:
        return
    # trailing bytes after DG14's TLV are not read: then EF.SOD's hash differs, the key unused
    assert ident.authenticity.chip_auth in ("absent", "unsupported", "failed", "passed", "not_trusted")
    assert ident.authenticity.verified == (ident.authenticity.chip_auth == "passed")


@pytest.fixture(scope="module")
def small_master_list(pki: test_pki.TestPki) -> bytes:
    raw, _ = pki.master_list(30)
    return raw


@SLOW_FUZZ
@given(pos=st.integers(0, 100_000), bit=st.integers(0, 7), cut=st.integers(0, 100_000), flip=st.booleans())
def test_master_list_damage_never_escapes(small_master_list: bytes, pki: test_pki.TestPki, tmp_path_factory,
                                          pos: int, bit: int, cut: int, flip: bool) -> None:
    raw = bytearray(small_master_list)
    if flip:
        raw[pos % len(raw)] ^= 1 << bit
    raw = raw[: max(1, cut % (len(raw) + 1))] if not flip else raw
    items = trust_store.Items()
    trust_store.collect("list.ml", bytes(raw), items)
    store = trust_store.build(items, "fuzz", ml_signers=trust_store.load_certificates(pki.ml_signers_dir))
    assert all(p.reason for p in store.problems)
    for ml in store.master_lists:
        assert ml.signature.verified in (True, False)
    target = tmp_path_factory.mktemp("import")
    with contextlib.suppress(DeviceError):
        trust_import.import_file(bytes(raw), "list.ml", target, [], allow_unverified=True)


@FUZZ
@given(data=st.binary(max_size=600))
def test_certificate_and_master_list_parsers_raise_only_their_errors(data: bytes) -> None:
    with contextlib.suppress(certificates.CertificateUnreadable):
        certificates.load(data)
    with contextlib.suppress(master_list.MasterListUnreadable):
        master_list.parse(data)
