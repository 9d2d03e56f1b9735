"""Card side: build the LDS files of a document (EF.COM, DG1, DG2, DG11, EF.SOD, EF.CardAccess)."""

from __future__ import annotations

from dataclasses import dataclass

from asn1crypto import keys
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from drivers.idcard import active_auth, card_access, dg2, dg11, dg14, lds, mrz, sod
from drivers.idcard.holder import Holder
from drivers.idcard.sim.test_pki import Signer
from drivers.idcard.sim.virtual_chip import Files


@dataclass(frozen=True)
class Document:
    files: Files
    mrz_info: bytes


def build(holder: Holder, portrait: bytes, width: int, height: int, signer: Signer,
          pace_infos: tuple[card_access.PaceInfo, ...] = (), tamper_dg: int = 0,
          aa_public: ec.EllipticCurvePublicKey | rsa.RSAPublicKey | None = None,
          ca: tuple[keys.PublicKeyInfo, str, dg14.ChipAuthInfo | None] | None = None,
          dg14_file: bytes | None = None) -> Document:
    """``tamper_dg`` alters that data group after signing (a forged chip); ``aa_public``
    adds DG15 (and DG14's ActiveAuthenticationInfo for ECDSA) for Active Authentication;
    ``ca`` (public key, DH or ECDH, protocol) adds DG14 for Chip Authentication;
    ``dg14_file`` puts another document's DG14 in its place (signed by this document's SOD)."""
    mrz_text = mrz.build_td1(document_code=holder.document_code,
                             issuing_state=holder.issuing_state,
                             document_number=holder.document_number,
                             birth_date=holder.birth_date, sex=holder.sex,
                             expiry_date=holder.expiry_date, nationality=holder.nationality,
                             surname=holder.surname, given_names=holder.given_names)
    full_birth = mrz.yymmdd_to_date(holder.birth_date, past=True).strftime("%Y%m%d")
    groups = {
        1: lds.build_dg1(mrz_text),
        2: dg2.build_dg2(portrait, width, height),
        11: dg11.build_dg11(full_name=holder.name_national,
                            personal_number=holder.personal_number, address=holder.address,
                            full_birth_date=full_birth),
    }
    aa_info = b""
    if aa_public is not None:
        groups[15] = active_auth.build_dg15(aa_public)
        if isinstance(aa_public, ec.EllipticCurvePublicKey):
            aa_info = active_auth.aa_security_info("sha256")
            groups[14] = active_auth.build_dg14("sha256")
    if ca is not None:
        groups[14] = dg14.build(*ca, extra=aa_info)
    if dg14_file is not None:
        groups[14] = dg14_file
    signed = sod.build_sod(groups, signer.key, signer.cert_der)
    if tamper_dg:
        data = bytearray(groups[tamper_dg])
        data[-3] ^= 0x01
        groups[tamper_dg] = bytes(data)
    app = {lds.COM.fid: lds.build_com(sorted(groups)), lds.SOD.fid: signed}
    app.update({lds.dg(n).fid: content for n, content in groups.items()})
    mf = {lds.CARD_ACCESS.fid: card_access.build_card_access(list(pace_infos))} \
        if pace_infos else {}
    info = mrz.mrz_information(holder.document_number, holder.birth_date, holder.expiry_date)
    return Document(Files(mf=mf, app=app), info)
