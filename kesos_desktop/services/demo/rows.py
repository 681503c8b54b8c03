"""Rows: the plan turned into one dict per row, person by person and stay by stay (a stay's
services are in :mod:`.rows_services`).
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from kesos_desktop.domain.enums import (
    AftercareOutcome,
    AftercareStatus,
    Approach,
    AssessmentDomain,
    ConsentRelation,
    DocumentType,
    Education,
    FollowUpCondition,
    GoalStatus,
    MaritalStatus,
    ReferralSource,
    Religion,
    Stage,
    TerminationReason,
)
from kesos_desktop.services.demo import names as words
from kesos_desktop.services.demo.common import (
    _DOMAINS,
    _GOOD,
    _SERVICES,
    _T_CONSENT,
    _T_EDUCATION,
    _T_GOAL_CURRENT,
    _T_GOAL_DONE,
    _T_GOAL_EARLY,
    _T_MARITAL,
    _T_RELIGION,
    REGISTRATION_PATTERN,
    P,
    _at,
    _pick,
    _stamps,
)
from kesos_desktop.services.demo.plan import _Person, _Skeleton, _Stay
from kesos_desktop.services.demo.rows_services import _ServiceRows
from kesos_desktop.services.demo.write import _Writer


class _Rows(_ServiceRows):
    """Turns the skeleton into rows, one stay at a time."""

    def __init__(self, rng: random.Random, writer: _Writer, skeleton: _Skeleton, users: dict[str, int]):
        self.rng, self.w, self.sk, self.users = rng, writer, skeleton, users
        self.today = skeleton.today
        self.buf = writer.buffers
        self.counselors = [users["konselor"], users["konselor2"], users["konselor3"]]
        self.staff = [users["petugas"], users["petugas2"]]
        self.full_names = {users[u[0]]: u[1] for u in words.USERS}
        self.letter_no = 0
        self.certificates: dict[int, int] = defaultdict(int)  # year -> last certificate number
        self.registrations: dict[int, int] = defaultdict(int)  # year -> last registration number
        self.niks = skeleton.niks

    # -- people
    def nik(self, person: _Person, birth: date) -> str:
        day = birth.day + (0 if person.male else 40)
        stem = f"99{person.regency:02d}{person.district:02d}{day:02d}{birth.month:02d}{birth.year % 100:02d}"
        while True:
            nik = f"{stem}{self.rng.randint(1, 9999):04d}"
            if nik not in self.niks:
                self.niks.add(nik)
                return nik

    def person(self, person: _Person) -> None:
        rng, buf = self.rng, self.buf
        first_stay = person.stays[0]
        first_day = first_stay.admitted
        last_admitted = person.stays[-1].admitted
        birth = last_admitted - timedelta(days=person.age * 365 + rng.randint(0, 364))
        name = words.person_name(rng, person.male)
        primary = person.categories[0]
        homeless = primary in (P.GELANDANGAN, P.PENGEMIS, P.PEMULUNG, P.ANAK_JALANAN)
        city = words.REGENCIES[person.regency - 1]
        child = person.age < 18
        if child:
            marital = MaritalStatus.SINGLE
            education = rng.choice([Education.NONE, Education.PRIMARY, Education.JUNIOR]) if person.age >= 7 else Education.NONE
        else:
            marital = _pick(rng, _T_MARITAL)
            education = _pick(rng, _T_EDUCATION)
        religion = _pick(rng, _T_RELIGION)
        if not person.known and rng.random() < 0.5:
            religion = Religion.UNKNOWN
        buf["resident"].append({
            "id": person.id,
            "reg_no": self.reg_no(first_day.year),
            "nik": self.nik(person, birth) if person.known else None,
            "kk": self.kk(person) if person.known and rng.random() < 0.7 else None,
            "identity_unknown": not person.known,
            "name": name,
            "alias": words.alias(rng, name) if rng.random() < 0.1 else None,
            "sex": "L" if person.male else "P",
            "birth_place": city if person.known else None,
            "birth_date": birth if person.known else None,
            "birth_year_estimated": None if person.known else birth.year,
            "religion": religion,
            "marital_status": marital if person.known else MaritalStatus.UNKNOWN,
            "education": education if person.known or rng.random() < 0.5 else Education.UNKNOWN,
            "address": None if homeless and rng.random() < 0.7 else words.street_address(rng),
            "village": words.village(rng),
            "district": words.district(rng, person.district),
            "city": city,
            "province": words.PROVINCE,
            "phone": words.phone(rng) if rng.random() < 0.3 else None,
            "photo_path": None,
            "notes": "Tidak memiliki tempat tinggal tetap." if homeless and rng.random() < 0.3 else None,
            "anonymized_at": None,
            **_stamps(first_day),
        })
        for category in person.categories:
            buf["resident_category"].append({"resident_id": person.id, "category": category})
        if person.known and rng.random() < 0.5:
            for number in range(rng.randint(1, 2)):
                buf["family_contact"].append({
                    "id": self.w.new_id("family_contact"), "resident_id": person.id,
                    "name": words.person_name(rng, rng.random() < 0.5),
                    "relationship": rng.choice(words.FAMILY_RELATIONS),
                    "phone": words.phone(rng) if rng.random() < 0.7 else None,
                    "address": words.street_address(rng) if rng.random() < 0.6 else None,
                    "is_primary": number == 0,
                    **_stamps(first_day),
                })

    def reg_no(self, year: int) -> str:
        """Numbered per year in registration order, like intake.py (counter ``reg:{year}``)."""
        self.registrations[year] += 1
        return REGISTRATION_PATTERN.format(year=year, seq=self.registrations[year])

    def kk(self, person: _Person) -> str:
        issued = date(2005, 1, 1) + timedelta(days=self.rng.randint(0, 7000))
        return (f"99{person.regency:02d}{person.district:02d}{issued.day:02d}{issued.month:02d}"
                f"{issued.year % 100:02d}{self.rng.randint(1, 9999):04d}")

    # -- stays
    def stay(self, stay: _Stay) -> None:
        rng = self.rng
        stay.manager = rng.choice(self.counselors)
        end = stay.terminated or self.today
        follow_ups = self.follow_ups(stay) if stay.aftercare else []
        self.admission(stay, follow_ups)
        for stage, day, previous in stay.path:
            self.buf["stage_change"].append({
                "id": self.w.new_id("stage_change"), "admission_id": stay.id,
                "from_stage": previous, "to_stage": stage, "changed_on": day,
                "note": words.STAGE_NOTES["back"] if previous == Stage.REINTEGRATION and stage == Stage.INTERVENTION
                else (words.STAGE_NOTES["forward"] if rng.random() < 0.05 else None),
                "user_id": stay.manager, "recorded_at": _at(day, 10),
            })
        for room, since, until in stay.rooms:
            self.buf["room_assignment"].append({
                "id": self.w.new_id("room_assignment"), "admission_id": stay.id, "room_id": room,
                "from_date": since, "until_date": until,
                "note": "Pindah kamar atas permintaan sendiri." if len(stay.rooms) > 1 and since != stay.rooms[0][1] else None,
                "over_capacity_override": False, "user_id": rng.choice(self.staff),
            })
        intake = stay.entered(Stage.INTAKE)
        if intake:
            self.intake_papers(stay, intake)
        assessed = stay.entered(Stage.ASSESSMENT)
        if assessed and (stay.stage != Stage.ASSESSMENT or rng.random() < 0.6):
            self.assessment(stay, min(assessed + timedelta(days=rng.randint(0, 2)), end))
        planned = stay.entered(Stage.PLANNING)
        if planned and (stay.stage != Stage.PLANNING or rng.random() < 0.6):
            self.plans(stay, min(planned + timedelta(days=rng.randint(0, 2)), end))
        began = stay.entered(Stage.INTERVENTION)
        if began:
            self.counseling(stay, began, end)
            if rng.random() < 0.3:
                self.conference(stay, began, end)
        reintegration = stay.entered(Stage.REINTEGRATION)
        if reintegration:
            self.reintegration(stay, reintegration, end)
        for row in follow_ups:
            self.buf["follow_up"].append(row)
        for enrollment in stay.enrollments:
            self.enrollment(stay, *enrollment)

    def admission(self, stay: _Stay, follow_ups: list[dict]) -> None:
        rng = self.rng
        person = stay.person
        city = words.REGENCIES[person.regency - 1]
        letter = stay.source in (ReferralSource.DINSOS, ReferralSource.POLICE, ReferralSource.INSTITUTION,
                                 ReferralSource.HOSPITAL)
        if letter:
            self.letter_no += 1
        status, outcome, closed = AftercareStatus.NONE, None, None
        if stay.aftercare:
            done = [f for f in follow_ups if f["done_on"]]
            if len(done) == len(follow_ups) and follow_ups[-1]["due_on"] < self.today - timedelta(days=14):
                status = AftercareStatus.CLOSED
                outcome = {
                    FollowUpCondition.STABLE: AftercareOutcome.SUCCESSFUL,
                    FollowUpCondition.NEEDS_SUPPORT: AftercareOutcome.PARTIAL,
                    FollowUpCondition.BACK_ON_STREET: AftercareOutcome.RETURNED,
                    FollowUpCondition.UNREACHABLE: AftercareOutcome.LOST,
                }[done[-1]["condition"]]
                closed = max(f["done_on"] for f in done)
            elif stay.next_admitted:  # readmission closes running aftercare (aftercare.py)
                status, outcome = AftercareStatus.CLOSED, AftercareOutcome.RETURNED
                closed = max(stay.next_admitted, stay.terminated)
            elif follow_ups[-1]["due_on"] < self.today - timedelta(days=90):
                # missed follow-ups long past: a facility closes the case as lost contact rather
                # than keep aftercare "running" for years
                status, outcome = AftercareStatus.CLOSED, AftercareOutcome.LOST
                closed = follow_ups[-1]["due_on"] + timedelta(days=30)
            else:
                status = AftercareStatus.ACTIVE
        reunified = stay.reason == TerminationReason.REUNIFIED
        referred = stay.reason == TerminationReason.REFERRED
        categories = person.categories
        disabled = P.DISABILITAS in categories or P.ADK in categories
        self.buf["admission"].append({
            "id": stay.id, "resident_id": person.id, "admitted_on": stay.admitted,
            "referral_source": stay.source,
            "referral_letter_no": f"{self.letter_no:04d}/DEMO/{stay.admitted.month:02d}/{stay.admitted.year}" if letter else None,
            "referral_letter_date": stay.admitted - timedelta(days=rng.randint(0, 5)) if letter else None,
            "referral_notes": None,
            "approach": stay.approach,
            "initial_condition": rng.choice(words.INITIAL_CONDITIONS),
            "health_notes": rng.choice(words.HEALTH_NOTES) if rng.random() < 0.2 else None,
            "disability_notes": rng.choice(words.DISABILITY_NOTES) if disabled else None,
            "stage": stay.stage,
            "room_id": stay.rooms[-1][0] if stay.current and stay.rooms else None,
            "case_manager_id": stay.manager,
            "terminated_on": stay.terminated,
            "termination_reason": stay.reason,
            "termination_destination": words.DESTINATIONS[stay.reason].format(city=city) if stay.reason else None,
            "termination_notes": None,
            "handover_received_by": (words.person_name(rng, rng.random() < 0.5) if reunified else
                                     "Petugas Panti Sosial Contoh Lain" if referred else None),
            "handover_relationship": (rng.choice(words.FAMILY_RELATIONS) if reunified else
                                      "Petugas lembaga rujukan" if referred else None),
            "handover_id_number": None,
            "handover_witness": self.full_names[stay.manager] if reunified or referred else None,
            "handover_witness2": None,
            "aftercare_status": status, "aftercare_outcome": outcome, "aftercare_closed_on": closed,
            **_stamps(stay.admitted),
        })

    def intake_papers(self, stay: _Stay, intake: date) -> None:
        rng = self.rng
        person = stay.person
        known = person.known
        present = {
            DocumentType.KTP: known and person.age >= 17 and rng.random() < 0.7,
            DocumentType.KK: known and rng.random() < 0.6,
            DocumentType.REFERRAL_LETTER: stay.source in (ReferralSource.DINSOS, ReferralSource.POLICE,
                                                          ReferralSource.INSTITUTION, ReferralSource.HOSPITAL),
            DocumentType.STATEMENT: rng.random() < 0.8,
            DocumentType.CONSENT: True,
            DocumentType.HEALTH: rng.random() < 0.5,
        }
        if person.age < 18:
            present[DocumentType.BIRTH_CERTIFICATE] = known and rng.random() < 0.5
        for doc_type, here in present.items():
            self.buf["document_check"].append(
                {"admission_id": stay.id, "doc_type": doc_type, "present": here, "note": None})
        if person.age < 18:
            relation = ConsentRelation.GUARDIAN if rng.random() < 0.4 else ConsentRelation.PARENT
        elif stay.approach == Approach.COERCIVE and rng.random() < 0.5:
            relation = ConsentRelation.OFFICIAL
        else:
            relation = ConsentRelation.SELF
        given_by = {
            ConsentRelation.SELF: "(yang bersangkutan)",
            ConsentRelation.OFFICIAL: "Petugas Satpol PP Contoh",
        }.get(relation) or words.person_name(rng, rng.random() < 0.5)
        moment = datetime.combine(intake, time(11, 0))
        withdrawn = stay.terminated if stay.terminated and rng.random() < 0.01 else None
        self.buf["consent"].append({
            "id": self.w.new_id("consent"), "resident_id": person.id, "admission_id": stay.id,
            "given_by_name": given_by, "relation": relation,
            "method": _pick(rng, _T_CONSENT),
            "given_on": intake, "recorded_by_id": rng.choice(self.staff), "withdrawn_on": withdrawn,
            "notes": "Persetujuan ditarik saat terminasi." if withdrawn else None,
            "created_at": moment, "updated_at": moment,
        })

    def assessment(self, stay: _Stay, day: date) -> None:
        rng = self.rng
        assessment_id = self.w.new_id("assessment")
        self.buf["assessment"].append({
            "id": assessment_id, "admission_id": stay.id, "assessed_on": day, "assessor_id": stay.manager,
            "needs": "Kebutuhan contoh: tempat tinggal aman, pemeriksaan kesehatan.",
            "strengths": "Kekuatan contoh: mau belajar, ada keluarga yang bisa dihubungi.",
            "recommendations": "Rekomendasi contoh: bimbingan sosial dan pelatihan keterampilan.",
            **_stamps(day),
        })
        for domain in AssessmentDomain:
            self.buf["assessment_score"].append({
                "assessment_id": assessment_id, "domain": domain, "score": rng.randint(1, 5),
                "narrative": None,
            })

    def plans(self, stay: _Stay, drawn: date) -> None:
        rng = self.rng
        end = stay.terminated or self.today
        began = stay.entered(Stage.INTERVENTION)
        revised = began is not None and (end - began).days > 60 and rng.random() < 0.15
        versions = [(1, drawn, None)]
        if revised:
            versions.append((2, began + timedelta(days=45), "Penyesuaian tujuan setelah evaluasi bulanan."))
        for number, day, reason in versions:
            plan_id = self.w.new_id("intervention_plan")
            latest = number == len(versions)
            self.buf["intervention_plan"].append({
                "id": plan_id, "admission_id": stay.id, "plan_version": number,
                "responsible_id": stay.manager, "drawn_up_on": day,
                "review_on": day + timedelta(days=60), "revision_reason": reason, **_stamps(day),
            })
            for domain in rng.sample(_DOMAINS, rng.randint(2, 4)):
                if not latest:
                    status = rng.choice([GoalStatus.DROPPED, GoalStatus.ACHIEVED])
                elif stay.current:
                    status = _pick(rng, _T_GOAL_CURRENT if began else _T_GOAL_EARLY)
                elif stay.reason in _GOOD:
                    status = _pick(rng, _T_GOAL_DONE)
                else:
                    status = rng.choice([GoalStatus.NOT_ACHIEVED, GoalStatus.DROPPED])
                self.buf["plan_goal"].append({
                    "id": self.w.new_id("plan_goal"), "plan_id": plan_id, "domain": domain,
                    "description": words.GOALS[domain],
                    "target_date": day + timedelta(days=rng.randint(60, 120)), "status": status,
                    "progress_notes": "Perkembangan sesuai rencana." if status == GoalStatus.IN_PROGRESS else None,
                })
            for service in rng.sample(_SERVICES, rng.randint(2, 4)):
                self.buf["plan_service"].append({"plan_id": plan_id, "service": service})
