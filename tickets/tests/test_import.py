"""import_cases: everything checked first, all or nothing, original numbers and times kept."""

from __future__ import annotations

import json
from datetime import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tickets.models import Case, CaseEvent
from tickets.selectors import case_list

pytestmark = pytest.mark.django_db
HEADER = "number,account,requester,subject,description,priority,status,opened_at,closed_at\n"


def run(path, *extra):
    out, err = StringIO(), StringIO()
    call_command("import_cases", str(path), "--tenant", "tenant-a", *extra, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_valid_csv_is_imported_with_its_numbers_and_times(world, setup_a, tmp_path):
    path = tmp_path / "old.csv"
    path.write_text(
        HEADER
        + "ZD-17,alpha-one,merchant@alpha-one.test,Old checkout bug,It broke,normal,closed,"
        + "2024-03-01T10:00:00+11:00,2024-03-02T10:00:00+11:00\n"
        + "ZD-18,alpha-two,,Old question,How?,low,closed,2024-04-01T10:00:00+11:00,\n"
    )
    out, err = run(path)
    assert "Imported 2 case(s)" in out and "2/2" in err
    old = Case.objects.get(number="ZD-17")
    assert old.opened_at == datetime.fromisoformat("2024-03-01T10:00:00+11:00")
    assert old.status == "closed" and old.imported_from == "import" and not old.clocks.exists()
    assert CaseEvent.objects.filter(case=old, code="case.imported").exists()
    from helpdesk.tenancy import scope_for_user

    found = case_list(scope=scope_for_user(world.merchant_a1), search="zd-17")
    assert [c.number for c in found] == ["ZD-17"]


def test_any_invalid_row_means_nothing_is_written_and_each_problem_is_reported(world, setup_a, tmp_path):
    path = tmp_path / "old.csv"
    path.write_text(
        HEADER
        + "ZD-1,alpha-one,,Fine,Fine,normal,closed,2024-03-01T10:00:00+11:00,\n"
        + "ZD-2,nowhere,,Bad account,x,normal,closed,2024-03-01T10:00:00+11:00,\n"
        + "ZD-3,alpha-one,,Bad time,x,normal,closed,2024-03-01 10:00,\n"
        + "ZD-1,alpha-one,,Duplicate,x,normal,closed,2024-03-01T10:00:00+11:00,\n"
        + ",alpha-one,,No number,x,normal,closed,2024-03-01T10:00:00+11:00,\n"
    )
    with pytest.raises(CommandError, match="4 problem") as raised:
        run(path)
    assert raised.value.returncode == 2
    assert not Case.objects.exists()


def test_the_report_names_rows_and_fields(world, setup_a, tmp_path, capsys):
    path = tmp_path / "old.jsonl"
    path.write_text(
        json.dumps(
            {
                "number": "J-1",
                "account": "alpha-one",
                "subject": "s",
                "description": "d",
                "priority": "urgent",
                "opened_at": "2024-01-01T00:00:00+00:00",
            }
        )
        + "\n"
        + json.dumps(
            {
                "number": "J-2",
                "account": "alpha-one",
                "subject": "s",
                "description": "d",
                "priority": "P9",
                "opened_at": "2024-01-01T00:00:00+00:00",
            }
        )
        + "\n"
    )
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_cases", str(path), "--tenant", "tenant-a", stderr=err)
    assert "row 2: priority: no priority “P9”" in err.getvalue()


def test_dry_run_writes_nothing(world, setup_a, tmp_path):
    path = tmp_path / "old.csv"
    path.write_text(HEADER + "ZD-9,alpha-one,,s,d,normal,resolved,2024-03-01T10:00:00+11:00,\n")
    out, _ = run(path, "--dry-run")
    assert "1 case(s) would be imported" in out and not Case.objects.exists()


def test_new_cases_skip_numbers_that_imports_took(world, setup_a, tmp_path):
    from tickets.tests.factories import open_case

    path = tmp_path / "old.csv"
    path.write_text(HEADER + "TA-1001,alpha-one,,s,d,normal,closed,2024-03-01T10:00:00+11:00,\n")
    run(path)
    assert open_case(world.account_a1, setup_a.normal).number == "TA-1002"


def test_numbers_that_cannot_be_part_of_an_address_are_refused(world, setup_a, tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text(
        HEADER
        + "ZD/4,alpha-one,,Slash,x,normal,closed,2024-03-01T10:00:00+11:00,\n"
        + "ZD 5,alpha-one,,Space,x,normal,closed,2024-03-01T10:00:00+11:00,\n"
        + f"{'Z' * 25},alpha-one,,Too long,x,normal,closed,2024-03-01T10:00:00+11:00,\n"
        + "ZD-6.b_7,alpha-one,,Fine,x,normal,closed,2024-03-01T10:00:00+11:00,\n"
    )
    err = StringIO()
    with pytest.raises(CommandError, match="3 problem"):
        call_command("import_cases", str(path), "--tenant", "tenant-a", stderr=err)
    report = err.getvalue()
    # Rows count as in a spreadsheet: the header is row 1.
    assert [f"row {n}: number: use up to 24 letters" in report for n in (2, 3, 4, 5)] == [True, True, True, False]
    assert not Case.objects.exists()
