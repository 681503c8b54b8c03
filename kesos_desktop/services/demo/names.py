"""Word lists for the demo data: invented names, fictional places, bland sample texts.

Names are built from syllables so that they look Indonesian without being anyone's name on
purpose; every place lies in the fictional "Provinsi Contoh". Texts are stored data (what a
facility would have typed, in Indonesian), not interface strings, so they are not translated.
"""

from __future__ import annotations

import random

from kesos_desktop.domain.enums import AssessmentDomain, SkillCategory

# ------------------------------------------------------------------------------ names

_ONSETS = [
    "Ba", "Da", "Ga", "Ja", "Ka", "La", "Ma", "Na", "Pa", "Ra", "Sa", "Ta", "Wa", "Ya",
    "Bi", "Di", "Gi", "Ki", "Li", "Mi", "Ni", "Ri", "Si", "Ti", "Wi",
    "Bu", "Du", "Gu", "Ju", "Ku", "Lu", "Mu", "Nu", "Pu", "Ru", "Tu", "Yu",
    "Dar", "Har", "Kar", "Mar", "Par", "Sar", "Tar", "War", "Sur", "Kus", "Jum",
]
_MIDDLES = ["", "", "ra", "ri", "ni", "la", "ma", "sa", "di", "ga", "wa", "nu", "ta", "ri", "ya"]
_MALE_ENDINGS = ["to", "no", "man", "di", "yo", "ran", "dan", "jo", "sin", "wan", "din", "mat"]
_FEMALE_ENDINGS = ["ti", "ni", "wati", "yah", "sih", "nah", "ri", "yani", "nem", "tun", "rah"]
_FAMILY_ENDINGS = ["jaya", "wijaya", "santo", "harjo", "sastro", "pranoto", "dirjo", "ningrat"]
_ALIAS_PREFIXES = ["Bang", "Mbak", "Mas", "Pak", "Bu", "Mbah", "Si", "Kang", "Teh", "Dik"]


def given_name(rng: random.Random, male: bool) -> str:
    endings = _MALE_ENDINGS if male else _FEMALE_ENDINGS
    return rng.choice(_ONSETS) + rng.choice(_MIDDLES) + rng.choice(endings)


def person_name(rng: random.Random, male: bool) -> str:
    """One to three invented words, as Indonesian names often are (many have only one)."""
    first = given_name(rng, male)
    roll = rng.random()
    if roll < 0.3:
        return first
    second = given_name(rng, male) if roll < 0.75 else rng.choice(_ONSETS) + rng.choice(_FAMILY_ENDINGS)
    if roll > 0.93:
        return f"{first} {given_name(rng, male)} {second}"
    return f"{first} {second}"


def alias(rng: random.Random, name: str) -> str:
    return f"{rng.choice(_ALIAS_PREFIXES)} {name.split()[0][:4].rstrip('aiueo') or name[:3]}"


# ----------------------------------------------------------------------------- places

# (regency code, name) inside the fictional province 99: the first 6 NIK digits are 99RRDD.
REGENCIES = [
    "Kota Contoh", "Kabupaten Contoh Utara", "Kabupaten Contoh Selatan", "Kabupaten Contoh Barat",
    "Kabupaten Contoh Timur", "Kota Contoh Baru", "Kabupaten Tanah Contoh", "Kabupaten Pesisir Contoh",
    "Kabupaten Contoh Tengah", "Kota Bukit Contoh", "Kabupaten Lembah Contoh", "Kabupaten Danau Contoh",
]
PROVINCE = "Provinsi Contoh"
_DISTRICT_WORDS = [
    "Sukacontoh", "Mekarcontoh", "Sumbercontoh", "Karangcontoh", "Tanjungcontoh", "Pasircontoh",
    "Cicontoh", "Rejocontoh", "Wonocontoh", "Sidocontoh", "Banjarcontoh", "Kampungcontoh",
]
_VILLAGE_WORDS = ["Jaya", "Makmur", "Sari", "Indah", "Asri", "Mulya", "Harja", "Raya", "Lestari", "Damai"]
_STREETS = ["Jl. Contoh", "Jl. Mawar Contoh", "Jl. Melati Contoh", "Gg. Contoh", "Jl. Pasar Contoh",
            "Jl. Raya Contoh", "Jl. Stasiun Contoh", "Jl. Kenanga Contoh"]


def district(rng: random.Random, district_no: int) -> str:
    return "Kecamatan " + _DISTRICT_WORDS[district_no % len(_DISTRICT_WORDS)]


def village(rng: random.Random) -> str:
    return f"Kelurahan {rng.choice(_DISTRICT_WORDS)} {rng.choice(_VILLAGE_WORDS)}"


def street_address(rng: random.Random) -> str:
    return (f"{rng.choice(_STREETS)} No. {rng.randint(1, 150)}, "
            f"RT {rng.randint(1, 12):02d}/RW {rng.randint(1, 9):02d}")


def phone(rng: random.Random) -> str:
    """A number that cannot be dialled: no Indonesian number starts 0800-0000."""
    return f"0800-0000-{rng.randint(0, 9999):04d}"


# -------------------------------------------------------------------------- the facility

FACILITY = {
    "name": "UPT Rehabilitasi Sosial Contoh Sejahtera (DEMO)",
    "agency_line1": "PEMERINTAH PROVINSI CONTOH",
    "agency_line2": "DINAS SOSIAL",
    "address": "Jl. Contoh Sejahtera No. 1, Kelurahan Contoh, Kecamatan Contoh",
    "city": "Kota Contoh",
    "phone": "(0000) 000000",
    "email": "demo@contoh.invalid",
    "head_name": "Kepala Contoh Sejahtera, S.Sos., M.Si. (fiktif)",
    "head_nip": "123456789012345678",
    "head_title": "Kepala UPT",
}

# (username, full name, role code, is_supervisor)
USERS = [
    ("admin", "Administrator Demo", "admin", False),
    ("petugas", "Petugas Demo Satu", "staff", False),
    ("petugas2", "Petugas Demo Dua", "staff", False),
    ("instruktur", "Instruktur Demo", "staff", False),
    ("konselor", "Konselor Demo Satu", "counselor", True),
    ("konselor2", "Konselor Demo Dua", "counselor", False),
    ("konselor3", "Konselor Demo Tiga", "counselor", False),
]

ROOM_NAMES = ["Mawar", "Melati", "Anggrek", "Kenanga", "Cempaka", "Dahlia", "Flamboyan", "Teratai",
              "Kamboja", "Seruni", "Asoka", "Bougenvil"]
HOLIDAYS = [((1, 1), "Tahun Baru Masehi"), ((5, 1), "Hari Buruh Internasional"),
            ((6, 1), "Hari Lahir Pancasila"), ((8, 17), "Hari Kemerdekaan RI"),
            ((12, 25), "Hari Raya Natal")]

# ----------------------------------------------------------------------------- training

SKILLS = {
    SkillCategory.SEWING: ("Menjahit", "Ruang Jahit", "0,2,4"),
    SkillCategory.HANDICRAFT: ("Kerajinan Tangan", "Ruang Kriya", "1,3"),
    SkillCategory.COOKING: ("Tata Boga", "Dapur Pelatihan", "0,2,4"),
    SkillCategory.FARMING: ("Pertanian dan Hidroponik", "Kebun Praktik", "1,3,5"),
    SkillCategory.WORKSHOP: ("Perbengkelan Sepeda Motor", "Bengkel Pelatihan", "0,2,4"),
    SkillCategory.SALON: ("Pangkas Rambut dan Salon", "Ruang Salon", "1,3"),
    SkillCategory.COMPUTER: ("Komputer Dasar", "Laboratorium Komputer", "1,3"),
    SkillCategory.OTHER: ("Sablon dan Cetak", "Ruang Serbaguna", "2,4"),
}
EXTERNAL_INSTRUCTORS = ["Ibu Instruktur Contoh", "Bapak Pelatih Contoh", "Tim Balai Latihan Contoh"]

# ------------------------------------------------------------------------- sample texts

INITIAL_CONDITIONS = [
    "Kondisi fisik cukup baik, tampak lelah.",
    "Kurang terawat, belum makan sejak pagi.",
    "Tenang dan kooperatif saat wawancara awal.",
    "Cemas, belum mau banyak bercerita.",
    "Mengalami luka ringan di kaki, sudah dirawat.",
]
HEALTH_NOTES = ["Perlu pemeriksaan lanjutan di puskesmas.", "Riwayat batuk lama.",
                "Tekanan darah tinggi.", "Gizi kurang."]
DISABILITY_NOTES = ["Disabilitas fisik ringan (kaki kiri).", "Gangguan pendengaran.",
                    "Disabilitas intelektual ringan.", "Low vision."]
STAGE_NOTES = {
    "back": "Keluarga belum siap menerima; kembali ke tahap intervensi.",
    "forward": "Sesuai hasil konferensi kasus.",
}
TOPICS = ["Penerimaan diri", "Motivasi mengikuti program", "Hubungan dengan keluarga",
          "Pengelolaan emosi", "Rencana setelah keluar panti", "Kebersihan diri",
          "Disiplin dan tata tertib", "Keterampilan sosial", "Kesiapan kembali ke masyarakat"]
GROUP_TOPICS = ["Dinamika kelompok", "Kerja sama tim", "Berbagi pengalaman", "Nilai dan norma",
                "Kesehatan reproduksi", "Bahaya NAPZA"]
COMMUNITY_TOPICS = ["Sosialisasi kepada masyarakat penerima", "Pertemuan dengan perangkat desa",
                    "Penguatan jejaring sosial"]
PLACES = ["Ruang Konseling 1", "Ruang Konseling 2", "Aula", "Ruang Kelompok"]
FAMILY_RELATIONS = ["Ibu", "Ayah", "Kakak", "Adik", "Paman", "Bibi", "Anak", "Suami", "Istri", "Sepupu"]
DESTINATIONS = {
    "reunified": "Kembali ke keluarga di {city}",
    "work": "Bekerja di usaha contoh di {city}",
    "referred": "Dirujuk ke Panti Sosial Contoh Lain",
    "independent": "Hidup mandiri di {city}",
    "absconded": "Tidak diketahui",
    "died": "Meninggal dunia di rumah sakit contoh",
    "other": "Lainnya",
}
CONFERENCE_DECISIONS = [
    "Lanjutkan rencana intervensi; evaluasi ulang dalam satu bulan.",
    "Tambah sesi bimbingan perorangan dan libatkan keluarga.",
    "Mulai persiapan reintegrasi; jadwalkan kunjungan rumah.",
    "Rujuk ke puskesmas untuk pemeriksaan lanjutan.",
]
VISIT_FINDINGS = ["Keluarga menerima dengan baik.", "Rumah layak huni, keluarga bersedia menerima.",
                  "Keluarga ragu, perlu pendampingan.", "Lingkungan mendukung, RT sudah diberi tahu."]
FOLLOW_UP_NOTES = ["Kondisi baik, bekerja serabutan.", "Masih perlu dukungan ekonomi.",
                   "Tidak dapat dihubungi.", "Sudah aktif di kegiatan warga."]
GOALS = {
    AssessmentDomain.PHYSICAL: "Kondisi kesehatan membaik dan rutin memeriksakan diri.",
    AssessmentDomain.PSYCHOLOGICAL: "Mampu mengelola emosi dalam situasi sulit.",
    AssessmentDomain.SOCIAL: "Hubungan dengan keluarga pulih.",
    AssessmentDomain.SPIRITUAL: "Rutin mengikuti bimbingan mental spiritual.",
    AssessmentDomain.ECONOMIC: "Memiliki rencana usaha atau pekerjaan.",
    AssessmentDomain.VOCATIONAL: "Menyelesaikan pelatihan keterampilan dengan kompeten.",
}


def note_body(n: int) -> str:
    return f"Catatan contoh sesi bimbingan ke-{n}."


def group_note_body(n: int) -> str:
    return f"Catatan contoh bimbingan kelompok ke-{n}."
