"""Rows for a stay's services: counseling sessions and notes, case conferences, reintegration,
follow-ups, training enrollments and attendance, and group sessions across stays.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from kesos_desktop.domain.enums import (
    Approach,
    AttendanceCode,
    Confidentiality,
    CounselingStatus,
    CounselingType,
    DestinationType,
    EnrollmentStatus,
    FamilyReadiness,
    NoteVersionKind,
    ProgramStatus,
    ReadinessItemType,
    ReadinessStatus,
    ServiceLevel,
    Stage,
    TerminationReason,
    WorkerRole,
)
from kesos_desktop.services import aftercare
from kesos_desktop.services.demo import names as words
from kesos_desktop.services.demo.common import (
    _APPROACHES,
    _GOOD,
    _METHODS,
    _ROLES,
    _T_CODE,
    _T_CONDITION,
    _T_DESTINATION,
    _at,
    _pick,
    _stamps,
)
from kesos_desktop.services.demo.plan import _Stay
from kesos_desktop.services.training_common import DEFAULT_CERTIFICATE_PATTERN


class _ServiceRows:
    """A stay's services as rows (a part of :class:`~.rows._Rows`): counseling and its
    notes, conferences, reintegration, aftercare, training attendance, group work."""

    def counseling(self, stay: _Stay, began: date, end: date) -> None:
        rng = self.rng
        day = began + timedelta(days=rng.randint(1, 10))
        number = 0
        while number < 6:
            if day >= end:
                if stay.current and day > self.today:
                    self.session(stay, day, CounselingType.INDIVIDUAL, number + 1, planned=True)
                break
            number += 1
            self.session(stay, day, CounselingType.INDIVIDUAL, number)
            day += timedelta(days=rng.randint(14, 28))
        reintegration = stay.entered(Stage.REINTEGRATION)
        if reintegration and rng.random() < 0.3:
            day = reintegration + timedelta(days=rng.randint(3, 10))
            if day < end:
                self.session(stay, day, CounselingType.FAMILY, 1)

    def session(self, stay: _Stay, day: date, kind: CounselingType, number: int, planned: bool = False) -> None:
        rng = self.rng
        session_id = self.w.new_id("counseling_session")
        cancelled = not planned and rng.random() < 0.05
        status = CounselingStatus.PLANNED if planned else CounselingStatus.CANCELLED if cancelled else CounselingStatus.DONE
        start = time(rng.choice([9, 10, 11, 13, 14]), rng.choice([0, 30]))
        done = status == CounselingStatus.DONE
        row = {
            "id": session_id, "session_type": kind, "level": ServiceLevel.MICRO, "held_on": day,
            "start_time": start, "duration_minutes": rng.choice([30, 45, 60, 90]),
            "place": rng.choice(words.PLACES[:2]), "counselor_id": stay.manager,
            "approach": rng.choice(_APPROACHES), "topic": rng.choice(words.TOPICS),
            "status": status,
            "confidentiality": Confidentiality.HIGH if rng.random() < 0.05 else Confidentiality.NORMAL,
            "next_session_on": day + timedelta(days=14) if done else None,
            "signed_at": None,
            **_stamps(day - timedelta(days=7) if planned else day),
        }
        self.buf["counseling_session"].append(row)
        self.buf["session_participant"].append({
            "session_id": session_id, "admission_id": stay.id,
            "observation": "Aktif dan terbuka selama sesi." if done and rng.random() < 0.5 else None,
        })
        for role in rng.sample(_ROLES, rng.randint(1, 2)):
            self.buf["session_worker_role"].append({"session_id": session_id, "role": role})
        if done:
            row["signed_at"] = self.notes(session_id, day, start, stay.manager, words.note_body(number))

    def notes(self, session_id: int, day: date, start: time, author: int, body: str) -> datetime | None:
        """The note's versions; returns when it was signed (edits come before, addenda after)."""
        rng = self.rng
        written = datetime.combine(day, start) + timedelta(hours=1)
        versions = [(NoteVersionKind.ORIGINAL, body, None, written)]
        roll = rng.random()
        if roll < 0.1:
            versions.append((NoteVersionKind.EDIT, body + " Diperbaiki: salah ketik.", None,
                             written + timedelta(hours=3)))
        signed = None
        if day < self.today - timedelta(days=3) or rng.random() < 0.5:
            signed = versions[-1][3] + timedelta(hours=1)
            if 0.1 <= roll < 0.13:
                versions.append((NoteVersionKind.ADDENDUM, "Tambahan: keluarga menghubungi panti.",
                                 "Tambahan informasi dari keluarga.", signed + timedelta(days=1)))
        for number, (kind, text, reason, at) in enumerate(versions, 1):
            self.buf["note_version"].append({
                "id": self.w.new_id("note_version"), "session_id": session_id, "version_no": number,
                "kind": kind, "body": text,
                "agreed_actions": "Mengikuti pelatihan secara rutin." if number == 1 and rng.random() < 0.4 else None,
                "reason": reason, "author_id": author, "written_at": at,
            })
        return signed

    def conference(self, stay: _Stay, began: date, end: date) -> None:
        rng = self.rng
        day = began + timedelta(days=rng.randint(14, 45))
        if day >= end:
            return
        conference_id = self.w.new_id("case_conference")
        lead = self.users["konselor"]
        self.buf["case_conference"].append({
            "id": conference_id, "admission_id": stay.id, "held_on": day,
            "decisions": rng.choice(words.CONFERENCE_DECISIONS), "led_by_id": lead, **_stamps(day),
        })
        for user_id in dict.fromkeys([lead, stay.manager, rng.choice(self.staff)]):
            self.buf["conference_attendee"].append({"conference_id": conference_id, "user_id": user_id})

    def reintegration(self, stay: _Stay, began: date, end: date) -> None:
        rng = self.rng
        plan_id = self.w.new_id("reintegration_plan")
        destination = {
            TerminationReason.REUNIFIED: DestinationType.FAMILY,
            TerminationReason.WORK: DestinationType.WORK,
            TerminationReason.REFERRED: DestinationType.REFERRED,
            TerminationReason.INDEPENDENT: DestinationType.INDEPENDENT,
        }.get(stay.reason) or _pick(rng, _T_DESTINATION)
        city = words.REGENCIES[stay.person.regency - 1]
        self.buf["reintegration_plan"].append({
            "id": plan_id, "admission_id": stay.id, "destination_type": destination,
            "destination_address": f"{words.street_address(rng)}, {city}",
            "contact_persons": f"{words.person_name(rng, rng.random() < 0.5)} ({rng.choice(words.FAMILY_RELATIONS)})",
            "target_date": began + timedelta(days=30), "responsible_id": stay.manager, **_stamps(began),
        })
        success = stay.reason in _GOOD
        span = max(0, (end - began).days)
        for item in ReadinessItemType:
            roll = rng.random()
            if roll < 0.08:
                status = ReadinessStatus.NOT_APPLICABLE
            elif success or roll < 0.45:
                status = ReadinessStatus.DONE
            else:
                status = ReadinessStatus.PENDING
            done_on = began + timedelta(days=rng.randint(0, span)) if status == ReadinessStatus.DONE else None
            self.buf["readiness_item"].append({
                "plan_id": plan_id, "item": item, "status": status, "done_on": done_on,
                "done_by_id": stay.manager if done_on else None,
                "na_reason": "Tidak diperlukan untuk tujuan ini." if status == ReadinessStatus.NOT_APPLICABLE else None,
                **_stamps(done_on or began),
            })
        if rng.random() < 0.6:
            day = began + timedelta(days=rng.randint(2, 20))
            if day <= end:
                readiness = (FamilyReadiness.READY if success else
                             rng.choice([FamilyReadiness.CONDITIONAL, FamilyReadiness.NOT_READY]))
                self.buf["home_visit"].append({
                    "id": self.w.new_id("home_visit"), "admission_id": stay.id, "visited_on": day,
                    "visitors": f"{self.full_names[stay.manager]}; {self.full_names[rng.choice(self.staff)]}",
                    "people_met": f"{rng.choice(words.FAMILY_RELATIONS)} dan ketua RT setempat",
                    "findings": rng.choice(words.VISIT_FINDINGS), "family_readiness": readiness,
                    "next_steps": "Siapkan surat pernyataan keluarga." if readiness != FamilyReadiness.READY else None,
                    **_stamps(day),
                })

    def follow_ups(self, stay: _Stay) -> list[dict]:
        """The default schedule (aftercare.py): 1, 2 and 3 months after termination."""
        rng, today = self.rng, self.today
        stop = min(today, stay.next_admitted - timedelta(days=1)) if stay.next_admitted else today
        rows = []
        dates = aftercare.follow_up_dates(stay.terminated, aftercare.DEFAULT_SCHEDULE)
        for position, due in enumerate(dates):
            chance = 0.98 if due < today - timedelta(days=180) else 0.85 if due < today - timedelta(days=30) else 0.5
            done_on = None
            if due <= stop and rng.random() < chance:
                done_on = min(stop, due + timedelta(days=rng.randint(-3, 10)))
            condition = (_pick(rng, _T_CONDITION) if done_on else None)
            method = aftercare.planned_method(position)
            if done_on and rng.random() < 0.2:
                method = rng.choice(_METHODS)
            rows.append({
                "id": self.w.new_id("follow_up"), "admission_id": stay.id, "due_on": due,
                "method": method, "done_on": done_on, "condition": condition,
                "notes": rng.choice(words.FOLLOW_UP_NOTES) if done_on else None,
                "next_action": None, "done_by_id": stay.manager if done_on else None,
                **_stamps(done_on or stay.terminated),
            })
        return rows

    def enrollment(self, stay: _Stay, enrollment_id: int, program, enrolled_on: date) -> None:
        rng, today = self.rng, self.today
        program_id, program_end, program_status, sessions = program
        leaves = stay.terminated
        last_day = min(today, leaves) if leaves else today
        attended = counted = 0
        instructor = self.users["instruktur"]
        for session_id, day, cancelled in sessions:
            if cancelled or day < enrolled_on or day > last_day:
                continue
            code = _pick(rng, _T_CODE)
            counted += 1
            attended += code == AttendanceCode.PRESENT
            self.buf["attendance"].append({
                "session_id": session_id, "enrollment_id": enrollment_id, "code": code,
                "note": "Surat keterangan sakit." if code == AttendanceCode.SICK and rng.random() < 0.3 else None,
                "recorded_by_id": instructor, "recorded_at": _at(day, 16),
            })
        stop_reason = competent = completed = certificate = None
        status = EnrollmentStatus.ACTIVE
        if leaves is not None and leaves < program_end:
            status = EnrollmentStatus.STOPPED
            stop_reason = ("Meninggalkan panti tanpa izin." if stay.reason == TerminationReason.ABSCONDED
                           else "Terminasi sebelum program selesai.")
        elif program_status == ProgramStatus.FINISHED:
            # completion needs the attendance minimum and the instructor's "competent"
            # (training_completion.py); otherwise the enrollment stays open, "not yet competent"
            competent = rng.random() < 0.9
            if competent and counted and attended * 100 >= 80 * counted:
                status = EnrollmentStatus.COMPLETED
                completed = program_end
                year = completed.year
                self.certificates[year] += 1
                certificate = DEFAULT_CERTIFICATE_PATTERN.format(year=year, seq=self.certificates[year])
            elif rng.random() < 0.3:
                competent = None  # not assessed yet
        self.buf["enrollment"].append({
            "id": enrollment_id, "program_id": program_id, "admission_id": stay.id,
            "enrolled_on": enrolled_on, "status": status, "stop_reason": stop_reason,
            "competent": competent, "completed_on": completed, "certificate_no": certificate,
            **_stamps(enrolled_on),
        })

    # -- group work across stays
    def group_sessions(self, training_days: int) -> None:
        """Fortnightly group sessions (mezzo) and monthly community sessions (makro)."""
        rng, today = self.rng, self.today
        start = today - timedelta(days=training_days)
        by_fortnight: dict[int, list[_Stay]] = defaultdict(list)
        for stay in self.sk.stays:
            began = stay.entered(Stage.INTERVENTION)
            if began is None:
                continue
            end = stay.terminated or today
            first = max(0, (began - start).days // 14 + 1)
            last = (end - start).days // 14
            for fortnight in range(first, last + 1):
                by_fortnight[fortnight].append(stay)
        group_no = 0
        for fortnight in range(training_days // 14 + 1):
            day = start + timedelta(days=fortnight * 14 + 2)
            if day > today:
                break
            eligible = by_fortnight.get(fortnight, [])
            for _group in range(max(1, len(eligible) // 100) if eligible else 0):
                group_no += 1
                members = rng.sample(eligible, min(len(eligible), rng.randint(6, 10)))
                self.group_session(day, CounselingType.GROUP, ServiceLevel.MEZZO, members,
                                   rng.choice(words.GROUP_TOPICS), words.group_note_body(group_no))
            if fortnight % 2 == 0:
                self.group_session(day + timedelta(days=1), CounselingType.COMMUNITY, ServiceLevel.MACRO, [],
                                   rng.choice(words.COMMUNITY_TOPICS), "Catatan contoh kegiatan masyarakat.")

    def group_session(self, day, kind, level, members, topic, body) -> None:
        rng = self.rng
        session_id = self.w.new_id("counseling_session")
        counselor = rng.choice(self.counselors)
        start = time(14, 0)
        row = {
            "id": session_id, "session_type": kind, "level": level, "held_on": day,
            "start_time": start, "duration_minutes": 90,
            "place": "Aula" if kind == CounselingType.COMMUNITY else "Ruang Kelompok",
            "counselor_id": counselor, "approach": Approach.MOTIVATIVE, "topic": topic,
            "status": CounselingStatus.DONE, "confidentiality": Confidentiality.NORMAL,
            "next_session_on": None, "signed_at": None, **_stamps(day),
        }
        self.buf["counseling_session"].append(row)
        for stay in sorted(members, key=lambda s: s.id):
            self.buf["session_participant"].append(
                {"session_id": session_id, "admission_id": stay.id, "observation": None})
        self.buf["session_worker_role"].append(
            {"session_id": session_id, "role": WorkerRole.EDUCATOR if members else WorkerRole.OUTREACH})
        row["signed_at"] = self.notes(session_id, day, start, counselor, body)
