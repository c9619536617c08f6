"""Request parameters and keyset cursors are read by one module each, under helpdesk/api/, for the
case pages and the API alike; junk in any of them is a ValidationFailed naming the field."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from helpdesk.api import pagination, params
from helpdesk.errors import ValidationFailed


def field_of(error: pytest.ExceptionInfo[ValidationFailed]) -> list[str]:
    return list(error.value.errors)


def test_flags_instants_and_limits_are_read_in_one_place():
    assert params.parse_bool("Yes", "breached") is True
    assert params.parse_bool("0", "breached") is False
    assert params.parse_bool("", "breached") is None
    assert params.parse_time("2026-11-24T14:00:00 11:00", "updated_since") == datetime(2026, 11, 24, 3, tzinfo=UTC)
    assert params.parse_time(None, "updated_since") is None
    assert params.limit_from(None) == 50
    assert params.limit_from("200") == params.MAX_LIMIT == 200
    assert params.id_param(" 42 ", field="endpoint") == 42


@pytest.mark.parametrize(
    ("read", "field"),
    [
        (lambda: params.parse_bool("maybe", "at_risk"), "at_risk"),
        (lambda: params.parse_time("2026-11-24T14:00:00", "updated_since"), "updated_since"),
        (lambda: params.parse_time("0001-01-01T00:00:00+14:00", "updated_since"), "updated_since"),
        (lambda: params.limit_from("201"), "limit"),
        (lambda: params.limit_from("-1"), "limit"),
        (lambda: params.id_param("١٢", field="endpoint"), "endpoint"),
        (lambda: pagination.decode("bm90IGpzb24", datetime, int), "cursor"),
    ],
)
def test_junk_is_refused_naming_its_field(read, field):
    with pytest.raises(ValidationFailed) as error:
        read()
    assert field_of(error) == [field]


def test_a_cursor_given_out_reads_back_as_its_values():
    moment = datetime(2026, 11, 24, 3, tzinfo=UTC)
    assert pagination.decode(pagination.encode([moment, 7]), datetime, int) == [moment, 7]
