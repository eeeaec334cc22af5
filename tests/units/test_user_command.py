"""``hotline user add|passwd|disable|list``: accounts managed from the command line."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from startup.cli import app


def test_accounts_are_added_listed_given_a_password_and_disabled(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'read-model.db'}"}
    runner = CliRunner()

    def run(*args: str, given: str | None = None) -> str:
        result = runner.invoke(app, ["user", *args], env=env, input=given)
        assert result.exit_code == 0, result.output
        return result.output

    added = run(
        "add",
        "wang.li",
        "--role",
        "agent",
        "--name",
        "王丽",
        given="ten chars long\nten chars long\n",
    )
    assert "added wang.li (agent)" in added
    generated = run("add", "li.ming", "--role", "supervisor", "--generate")
    assert "password: " in generated
    listed = run("list")
    assert "wang.li" in listed and "王丽" in listed and "never" in listed
    assert "new password set" in run("passwd", "wang.li", "--generate")
    assert "disabled" in run("disable", "li.ming")
    assert "li.ming" in run("list") and "disabled" in run("list")

    short = runner.invoke(
        app, ["user", "add", "x.y", "--role", "agent", "--password-stdin"], env=env, input="short\n"
    )
    assert short.exit_code != 0 and "at least 10 characters" in short.output
    for guessable in ("aaaaaaaaaa", "1234567890", " " * 10, "woaini1314520", "x.y-password"):
        refused = runner.invoke(
            app,
            ["user", "add", "x.y", "--role", "agent", "--password-stdin"],
            env=env,
            input=f"{guessable}\n",
        )
        assert refused.exit_code != 0 and "too easy to guess" in refused.output, guessable
    from_stdin = runner.invoke(
        app,
        ["user", "add", "x.y", "--role", "agent", "--password-stdin"],
        env=env,
        input="ten chars long\n",
    )
    assert from_stdin.exit_code == 0, from_stdin.output
    # The password is never an argument: it would sit in the process list.
    as_argument = runner.invoke(
        app, ["user", "add", "z.z", "--role", "agent", "--password", "ten chars long"], env=env
    )
    assert as_argument.exit_code != 0 and "No such option" in as_argument.output
    twice = runner.invoke(app, ["user", "add", "wang.li", "--role", "agent", "--generate"], env=env)
    assert twice.exit_code != 0 and "exists already" in twice.output
    no_department = runner.invoke(
        app, ["user", "add", "clerk", "--role", "department", "--generate"], env=env
    )
    assert no_department.exit_code != 0 and "names its department" in no_department.output
