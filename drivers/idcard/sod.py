"""EF.SOD: the CMS SignedData over the LDS security object (ICAO 9303-10 4.6.2).

asn1crypto parses and builds the CMS; only the LDSSecurityObject schema is declared here.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from asn1crypto import algos, cms, core
from asn1crypto import x509 as asn1_x509

from drivers.errors import CardReadError
from drivers.idcard import tlv

LDS_SECURITY_OBJECT_OID = "2.23.136.1.1.1"
HASHES = {"sha1": hashlib.sha1, "sha224": hashlib.sha224, "sha256": hashlib.sha256,
          "sha384": hashlib.sha384, "sha512": hashlib.sha512}


class DataGroupHash(core.Sequence):
    _fields = [("data_group_number", core.Integer), ("data_group_hash_value", core.OctetString)]  # noqa: RUF012 - asn1crypto schema


class DataGroupHashes(core.SequenceOf):
    _child_spec = DataGroupHash


class LdsVersionInfo(core.Sequence):
    _fields = [("lds_version", core.PrintableString), ("unicode_version", core.PrintableString)]  # noqa: RUF012 - asn1crypto schema


class LdsSecurityObject(core.Sequence):
    _fields = [  # noqa: RUF012 - asn1crypto schema
        ("version", core.Integer),
        ("hash_algorithm", algos.DigestAlgorithm),
        ("data_group_hash_values", DataGroupHashes),
        ("lds_version_info", LdsVersionInfo, {"optional": True}),
    ]


@dataclass(frozen=True)
class Sod:
    signed_data: cms.SignedData
    signer_info: cms.SignerInfo
    certificate: asn1_x509.Certificate | None
    econtent: bytes
    hash_algorithm: str
    dg_hashes: dict[int, bytes]


def parse_sod(data: bytes) -> Sod:
    """Structure only; signatures are Passive Authentication's business."""
    try:
        return _parse(data)
    except CardReadError:
        raise
    except (ValueError, TypeError, KeyError, IndexError, OverflowError) as exc:
        raise CardReadError(f"EF.SOD malformed: {type(exc).__name__}") from exc


def _parse(data: bytes) -> Sod:
    body = tlv.unwrap(data, 0x77)
    info = cms.ContentInfo.load(body, strict=True)
    if info["content_type"].native != "signed_data":
        raise CardReadError("EF.SOD is not CMS SignedData")
    sd: cms.SignedData = info["content"]
    eci = sd["encap_content_info"]
    if eci["content_type"].dotted != LDS_SECURITY_OBJECT_OID:
        raise CardReadError("EF.SOD does not contain an LDS security object")
    content = eci["content"]
    if not isinstance(content, core.ParsableOctetString):
        raise CardReadError("EF.SOD has no encapsulated content")
    econtent = bytes(content)
    lso = LdsSecurityObject.load(econtent, strict=True)
    algo = lso["hash_algorithm"]["algorithm"].native
    if algo not in HASHES:
        raise CardReadError(f"EF.SOD hash algorithm {algo} unsupported")
    hashes: dict[int, bytes] = {}
    for item in lso["data_group_hash_values"]:
        number = item["data_group_number"].native
        if not 1 <= number <= 16 or number in hashes:
            raise CardReadError("EF.SOD lists an invalid or duplicate data group")
        hashes[number] = item["data_group_hash_value"].native
    infos = sd["signer_infos"]
    if len(infos) != 1:
        raise CardReadError("EF.SOD must have exactly one signer")
    signer = infos[0]
    cert = _signer_certificate(sd, signer)
    # Force a full parse now so that lazy-parse errors surface as CardReadError here.
    signer.native  # noqa: B018
    return Sod(sd, signer, cert, econtent, algo, hashes)


def _signer_certificate(sd: cms.SignedData, signer: cms.SignerInfo) -> asn1_x509.Certificate | None:
    certs = [c.chosen for c in sd["certificates"] if c.name == "certificate"] \
        if sd["certificates"].native is not None else []
    sid = signer["sid"]
    for cert in certs:
        if sid.name == "issuer_and_serial_number":
            ias = sid.chosen
            if (cert.serial_number == ias["serial_number"].native
                    and cert.issuer == ias["issuer"]):
                return cert
        elif cert.key_identifier == sid.chosen.native:
            return cert
    return None


def build_sod(files: dict[int, bytes], signer_key, signer_cert_der: bytes,
              hash_name: str = "sha256") -> bytes:
    """Card side: hash the data groups and sign them as a real issuer would."""
    from drivers.idcard import cms_signature

    h = HASHES[hash_name]
    lso = LdsSecurityObject({
        "version": 0,
        "hash_algorithm": {"algorithm": hash_name},
        "data_group_hash_values": [
            {"data_group_number": n, "data_group_hash_value": h(files[n]).digest()}
            for n in sorted(files)
        ],
    }).dump()
    signed = cms_signature.build(lso, LDS_SECURITY_OBJECT_OID, signing(signer_key, hash_name),
                                 signer_cert_der, hash_name)
    return tlv.encode(0x77, signed)


def signing(key, hash_name: str = "sha256"):
    """Signer callable for `cms_signature.build`: ECDSA or RSA PKCS#1 v1.5 with ``key`` (a
    `cryptography` private key, or an `ecdsa` SigningKey for curves `cryptography` lacks)."""
    import ecdsa
    from cryptography.hazmat.primitives import hashes as c_hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

    c_hash = {"sha1": c_hashes.SHA1, "sha224": c_hashes.SHA224, "sha256": c_hashes.SHA256,
              "sha384": c_hashes.SHA384, "sha512": c_hashes.SHA512}[hash_name]()

    def sign(data: bytes | None) -> tuple[bytes, str]:
        if data is None:  # only the algorithm's name
            return b"", f"{hash_name}_rsa" if isinstance(key, rsa.RSAPrivateKey) else f"{hash_name}_ecdsa"
        if isinstance(key, ec.EllipticCurvePrivateKey):
            return key.sign(data, ec.ECDSA(c_hash)), f"{hash_name}_ecdsa"
        if isinstance(key, rsa.RSAPrivateKey):
            return key.sign(data, padding.PKCS1v15(), c_hash), f"{hash_name}_rsa"
        if isinstance(key, ecdsa.SigningKey):
            return (key.sign_deterministic(data, hashfunc=HASHES[hash_name],
                                           sigencode=ecdsa.util.sigencode_der), f"{hash_name}_ecdsa")
        raise TypeError("signer key must be EC or RSA")

    return sign
