"""The `liasse` command line."""

from __future__ import annotations

from sqlalchemy import func, select

from drafting.extensions import db
from drafting.models import Amendment, Group, LegislativeText, User


def test_groups_and_users_create_from_the_cli_with_password_on_stdin(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["groups", "create", "ECOS", "--name", "Écologiste et Social"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "s.regol@an.example",
            "--name",
            "Sandra Regol",
            "--role",
            "deputy",
            "--civility",
            "Mme",
            "--group",
            "ECOS",
        ],
        input="Motdepasse-solide-42\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "s.regol@an.example"))
    assert user is not None and user.group.code == "ECOS" and user.last_name == "Regol"


def test_assistant_creation_names_the_deputy_by_email(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["groups", "create", "GDR", "--name", "GDR"])
    runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "peu@an.example",
            "--name",
            "Stéphane Peu",
            "--role",
            "deputy",
            "--group",
            "GDR",
        ],
        input="Motdepasse-solide-42\n",
    )
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "a@an.example",
            "--name",
            "Ana Lyse",
            "--role",
            "assistant",
            "--deputy",
            "peu@an.example",
        ],
        input="Motdepasse-solide-42\n",
    )
    assert result.exit_code == 0, result.output
    unknown = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "b@an.example",
            "--name",
            "B B",
            "--role",
            "assistant",
            "--deputy",
            "nobody@an.example",
        ],
        input="x\n",
    )
    assert unknown.exit_code != 0 and "inconnu" in unknown.output


def test_cli_refuses_an_unknown_group_with_a_clear_message(app):
    result = app.test_cli_runner().invoke(
        args=[
            "users",
            "create",
            "--email",
            "x@an.example",
            "--name",
            "X Y",
            "--role",
            "deputy",
            "--group",
            "NOPE",
        ],
        input="Motdepasse-solide-42\n",
    )
    assert result.exit_code != 0 and "group" in result.output


def test_demo_loads_realistic_data_once(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count(Group.id))) == 11
    assert db.session.scalar(select(func.count(LegislativeText.id))) == 1
    assert db.session.scalar(select(func.count(Amendment.id))) >= 5
    again = runner.invoke(args=["demo", "--if-empty"])
    assert "déjà" in again.output
    assert db.session.scalar(select(func.count(Group.id))) == 11
