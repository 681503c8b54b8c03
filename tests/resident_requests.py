"""Valid intake requests for tests (every value fictional), and small files to attach."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from kesos_desktop.domain.enums import (
    Approach,
    ConsentMethod,
    ConsentRelation,
    DocumentType,
    PpksCategory,
    ReferralSource,
    Sex,
)
from kesos_desktop.domain.resident_dto import (
    AdmissionRequest,
    ConsentInput,
    FamilyContactInput,
    IntakeRequest,
    ResidentInput,
)

TODAY = date(2026, 11, 20)
ADMITTED = date(2026, 10, 5)
# A NIK whose digits 7-12 say 17 May 1980 and a man: 32 71 01 170580 0001
NIK_MAN_1980 = "3271011705800001"
# 57 = 17 + 40: a woman born 17 May 1980
NIK_WOMAN_1980 = "3271015705800002"



def png_bytes(width: int = 2, height: int = 2) -> bytes:
    """A real (decodable) PNG: grey pixels, built with zlib so no image library is needed."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\x80\x80\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


PNG_BYTES = png_bytes()


def person(**changes) -> ResidentInput:
    base = ResidentInput(
        name="Budi Fiktif Santoso", sex=Sex.MALE, nik=NIK_MAN_1980, kk="3271010101010001",
        birth_place="Kota Contoh", birth_date=date(1980, 5, 17), address="Jl. Contoh No. 2",
        city="Kota Contoh", phone="0812 3456 7890", categories=(PpksCategory.GELANDANGAN,),
    )
    return replace(base, **changes)


def stay(**changes) -> AdmissionRequest:
    base = AdmissionRequest(
        admitted_on=ADMITTED, referral_source=ReferralSource.SATPOL_PP,
        approach=Approach.PERSUASIVE, referral_letter_no="460/123/Dinsos/2026",
        referral_letter_date=date(2026, 10, 4),
        documents_present=frozenset({DocumentType.KTP, DocumentType.REFERRAL_LETTER}),
        consent=ConsentInput("Budi Fiktif Santoso", ConsentRelation.SELF, ConsentMethod.SIGNED,
                             ADMITTED),
    )
    return replace(base, **changes)


def request(resident: ResidentInput | None = None, admission: AdmissionRequest | None = None,
            **changes) -> IntakeRequest:
    base = IntakeRequest(
        resident=resident or person(), admission=admission or stay(),
        family=(FamilyContactInput("Siti Fiktif", "Ibu", "0813 1111 2222", is_primary=True),),
    )
    return replace(base, **changes)


def unknown_person(name: str = "Mbah Tanpa Nama", age: int = 70, **changes) -> ResidentInput:
    return person(name=name, nik=None, kk=None, birth_date=None, identity_unknown=True,
                  estimated_age=age, categories=(PpksCategory.LANSIA_TERLANTAR,), **changes)


def write_png(path: Path) -> Path:
    path.write_bytes(PNG_BYTES)
    return path
