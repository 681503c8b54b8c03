from datetime import date, datetime

import pytest

from kesos_desktop.domain.enums import Sex
from kesos_desktop.excel.values import (
    CellError,
    parse_date,
    parse_int,
    parse_kk,
    parse_nik,
    parse_phone,
    parse_sex,
    parse_text,
)

NIK = "9901014505800003"  # fictional region 99; 05/05/80, female


@pytest.mark.parametrize(
    "raw, expected",
    [
        (datetime(1980, 5, 17, 0, 0), date(1980, 5, 17)),
        (date(1980, 5, 17), date(1980, 5, 17)),
        (29358, date(1980, 5, 17)),  # Excel serial number
        (29358.0, date(1980, 5, 17)),
        ("17/05/1980", date(1980, 5, 17)),
        ("17-05-1980", date(1980, 5, 17)),
        ("17.05.1980", date(1980, 5, 17)),
        ("1980-05-17", date(1980, 5, 17)),
        ("17 Mei 1980", date(1980, 5, 17)),
        ("17 mei 80", date(1980, 5, 17)),
        ("3 Agustus 2024", date(2024, 8, 3)),
        ("3 Agt 2024", date(2024, 8, 3)),
        ("1 Desember 1999", date(1999, 12, 1)),
        ("17-Okt-2001", date(2001, 10, 17)),
        (" 5/1/05 ", date(2005, 1, 5)),
        ("", None),
        (None, None),
    ],
)
def test_dates_in_their_common_forms(raw, expected):
    assert parse_date(raw) == expected


@pytest.mark.parametrize("raw", ["31/02/2001", "kemarin", "17 Bulan 1980", -5, True])
def test_bad_dates_say_so(raw):
    with pytest.raises(CellError):
        parse_date(raw)


@pytest.mark.parametrize(
    "raw, expected",
    [("L", Sex.MALE), ("Laki-laki", Sex.MALE), ("laki laki", Sex.MALE), ("PRIA", Sex.MALE),
     ("Lk", Sex.MALE), ("P", Sex.FEMALE), ("Perempuan", Sex.FEMALE), ("wanita", Sex.FEMALE),
     ("Pr.", Sex.FEMALE), ("F", Sex.FEMALE), (None, None)],
)
def test_sex_in_its_common_forms(raw, expected):
    assert parse_sex(raw) == expected


def test_unknown_sex_is_an_error():
    with pytest.raises(CellError, match="L atau P|L or P"):
        parse_sex("X")


def test_nik_with_spaces_and_punctuation_is_accepted():
    assert parse_nik("9901 0145 0580 0003") == NIK
    assert parse_nik("99.0101.450580.0003") == NIK
    assert parse_nik("  ") is None


@pytest.mark.parametrize("number", [9901014505800003.0, 9.901014505800003e15, 990101450580000])
def test_nik_stored_as_number_is_refused_with_the_reason(number):
    with pytest.raises(CellError) as info:
        parse_nik(number)
    message = str(info.value)
    assert "15" in message and ("Teks" in message or "Text" in message)


def test_malformed_nik_and_kk():
    with pytest.raises(CellError, match="16"):
        parse_nik("99010145058")
    with pytest.raises(CellError):
        parse_kk("12ab")
    assert parse_kk("9901010101010001") == "9901010101010001"


def test_text_phone_and_numbers():
    assert parse_text("  Budi   Fiktif ") == "Budi Fiktif"
    assert parse_text(12.0) == "12"
    assert parse_phone(81234567890) == "081234567890"  # the 0 Excel dropped comes back
    assert parse_phone("0812-3456-7890") == "081234567890"
    assert parse_int("45", 0, 120) == 45
    with pytest.raises(CellError):
        parse_int("200", 0, 120)
