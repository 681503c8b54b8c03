"""The permission matrix, generated: every service entry point has a permission decision, every
role x entry point pair follows ``domain.permissions``, and a refused call is audited.

New service modules are picked up automatically (pkgutil over ``kesos_desktop.services``): a
public function whose first parameter is ``db`` and that is not registered with ``@requires``
fails here, by name.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest
import sqlalchemy as sa

import kesos_desktop.services as services_package
from kesos_desktop.cli.user_cmd import ACTION_DOCS, permission_matrix_markdown
from kesos_desktop.db.models import AuditEntry
from kesos_desktop.domain.dto import Actor
from kesos_desktop.domain.enums import Role
from kesos_desktop.domain.errors import PermissionDenied
from kesos_desktop.domain.permissions import PERMISSIONS, Action, allowed
from kesos_desktop.services.context import ENTRY_POINTS

ROOT = Path(__file__).resolve().parents[1]
# The permission machinery itself (require, ensure_active) is what entry points call.
MACHINERY = {"kesos_desktop.services.context"}


def service_modules() -> list:
    modules = []
    for info in pkgutil.walk_packages(services_package.__path__, services_package.__name__ + "."):
        modules.append(importlib.import_module(info.name))
    return modules


def public_db_functions() -> dict[str, object]:
    """``module.function`` -> function, for every public function whose first parameter is db."""
    found = {}
    for module in service_modules():
        if module.__name__ in MACHINERY:
            continue
        for name, obj in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(obj):
                continue
            if getattr(obj, "__module__", None) != module.__name__:
                continue  # imported from elsewhere; checked in its own module
            parameters = list(inspect.signature(obj).parameters)
            if parameters and parameters[0] == "db":
                found[f"{module.__name__}.{obj.__qualname__}"] = obj
    return found


ENTRY_FUNCTIONS = public_db_functions()


def guarded() -> list[tuple[str, Action]]:
    """Registered entry points that need a permission, in a stable order."""
    return sorted(
        (name, point.action) for name, point in ENTRY_POINTS.items()
        if point.action is not None and name in ENTRY_FUNCTIONS
    )


# ------------------------------------------------------------------------- decisions


def test_every_service_entry_point_declares_a_permission():
    missing = sorted(name for name in ENTRY_FUNCTIONS if name not in ENTRY_POINTS)
    assert not missing, (
        "service functions taking `db` first without a permission decision "
        "(add @requires(Action.X), or @requires(None, reason=...) if no user can be known):\n  "
        + "\n  ".join(missing)
    )


def test_guarded_entry_points_take_the_actor_second():
    wrong = []
    for name, _action in guarded():
        parameters = list(inspect.signature(ENTRY_FUNCTIONS[name]).parameters)
        if len(parameters) < 2 or parameters[1] != "actor":
            wrong.append(f"{name}{tuple(parameters)}")
    assert not wrong, "entry points with a permission must be fn(db, actor, ...):\n  " + "\n  ".join(wrong)


def test_unguarded_entry_points_say_why():
    for name, point in ENTRY_POINTS.items():
        if point.action is None:
            assert point.reason and len(point.reason) > 10, name


def test_matrix_role_by_entry_point():
    """The whole matrix, from the one place that decides; every action is someone's."""
    matrix = {
        (name, role): allowed(role, action) for name, action in guarded() for role in Role
    }
    assert matrix, "no guarded entry points found"
    for (name, role), answer in matrix.items():
        action = ENTRY_POINTS[name].action
        assert answer == (action in PERMISSIONS[role])
    for action in Action:
        assert any(allowed(role, action) for role in Role), f"{action} is allowed to no role"
    # the lines nobody may cross, whatever else changes
    assert not allowed(Role.ADMIN, Action.NOTE_READ)  # administrators never read note bodies
    assert not allowed(Role.STAFF, Action.NOTE_READ)
    for role in (Role.STAFF, Role.COUNSELOR):
        for action in (Action.USER_MANAGE, Action.AUDIT_VIEW, Action.RESTORE, Action.SETTINGS_EDIT):
            assert not allowed(role, action), (role, action)


def test_permissions_doc_is_current():
    """docs/PERMISSIONS.md shows the table generated from the code (`kesos user permissions
    --markdown`); when PERMISSIONS changes, regenerate it."""
    assert set(ACTION_DOCS) == set(Action), "describe every Action in cli/user_cmd.ACTION_DOCS"
    doc = (ROOT / "docs" / "PERMISSIONS.md").read_text(encoding="utf-8")
    assert permission_matrix_markdown() in doc


# --------------------------------------------------------------------------- refusals


def _actors(admin, staff, counselor) -> dict[Role, Actor]:
    return {Role.ADMIN: admin, Role.STAFF: staff, Role.COUNSELOR: counselor}


def _denials(db) -> list[str]:
    with db.read() as session:
        return list(session.execute(
            sa.select(AuditEntry.details).where(AuditEntry.action == "denied").order_by(AuditEntry.id)
        ).scalars())


def test_services_refuse_and_audit_every_role_lacking_the_permission(db, admin, staff, counselor):
    """Call each guarded entry point as each role without its permission: refused before any
    work (no arguments beyond db and actor are needed), and one "denied" row each."""
    actors = _actors(admin, staff, counselor)
    pairs = [
        (name, action, role) for name, action in guarded() for role in Role
        if not allowed(role, action)
    ]
    assert pairs
    problems = []
    for name, action, role in pairs:
        before = len(_denials(db))
        try:
            ENTRY_FUNCTIONS[name](db, actors[role])
        except PermissionDenied:
            after = _denials(db)
            if len(after) != before + 1 or f'"action": "{action.value}"' not in after[-1]:
                problems.append(f"{name} as {role.value}: refused but not audited")
        except Exception as error:  # noqa: BLE001 - report every entry point at once
            problems.append(f"{name} as {role.value}: {type(error).__name__}: {error}")
        else:
            problems.append(f"{name} as {role.value}: NOT refused")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("role", [Role.STAFF, Role.COUNSELOR])
def test_refusal_message_names_the_role(db, admin, staff, counselor, role):
    from kesos_desktop.services import audit_log

    actor = _actors(admin, staff, counselor)[role]
    with pytest.raises(PermissionDenied) as info:
        audit_log.verify(db, actor)
    assert role.label in str(info.value)
