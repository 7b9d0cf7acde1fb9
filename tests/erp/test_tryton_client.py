"""The JSON-RPC client's wire format and error mapping, without a server (fast)."""

from __future__ import annotations

import datetime as dt
import json
import socket
from decimal import Decimal

import pytest

from integrations.erp.tryton.client import (
    TrytonClient,
    TrytonConcurrencyError,
    TrytonRPCError,
    TrytonUserError,
    TrytonWarning,
    dumps,
    loads,
)
from partner_area.platform.ports.erp import ErpError, ErpUnavailable

pytestmark = pytest.mark.erp


def test_typed_values_round_trip_as_tryton_sends_them():
    when = dt.datetime(2026, 11, 23, 11, 22, 24, 810751)
    payload = json.loads(dumps([Decimal("121.00"), dt.date(2026, 12, 23), when, dt.timedelta(seconds=90), b"\x00x"]))
    assert payload[0] == {"__class__": "Decimal", "decimal": "121.00"}
    assert payload[1] == {"__class__": "date", "year": 2026, "month": 12, "day": 23}
    assert payload[2]["microsecond"] == 810751
    decoded = loads(json.dumps({"result": payload}).encode())["result"]
    assert decoded == [Decimal("121.00"), dt.date(2026, 12, 23), when, dt.timedelta(seconds=90), b"\x00x"]


def test_aware_datetimes_are_sent_as_naive_utc():
    riga = dt.timezone(dt.timedelta(hours=2))
    payload = json.loads(dumps(dt.datetime(2026, 11, 23, 13, 0, tzinfo=riga)))
    assert (payload["hour"], payload["minute"]) == (11, 0)


@pytest.mark.parametrize(
    ("error", "exc_type", "message"),
    [
        (["UserError", ["Invalid VAT number", "Check it", None]], TrytonUserError, "Invalid VAT number - Check it"),
        (["UserWarning", ["abc.invoice_payment_term", "Payment date in the past", ""]], TrytonWarning, "Payment"),
        (["ConcurrencyException", "Records were modified in the meanwhile"], TrytonConcurrencyError, "modified"),
        (["'NoneType' object is not iterable", "Traceback ..."], TrytonRPCError, "not iterable"),
    ],
)
def test_rpc_errors_carry_trytons_message(error, exc_type, message):
    client = TrytonClient("http://127.0.0.1:1", "erp", "admin", "x")
    with pytest.raises(exc_type, match=message) as excinfo:
        client._result("model.party.party.create", {"id": 1, "error": error})
    assert isinstance(excinfo.value, ErpError) and not isinstance(excinfo.value, ErpUnavailable)
    assert "Traceback" not in str(excinfo.value)
    if exc_type is TrytonWarning:
        assert excinfo.value.name == "abc.invoice_payment_term"


def test_a_closed_port_is_unavailable():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = TrytonClient(f"http://127.0.0.1:{port}", "erp", "admin", "x", timeout=2)
    with pytest.raises(ErpUnavailable, match="could not be reached"):
        client.search("party.party", [])


def test_missing_configuration_is_an_error():
    with pytest.raises(ErpError, match="ERP_TRYTON_URL"):
        TrytonClient("", "erp", "admin", "x")


def test_record_timestamps_read_as_utc_datetimes_to_the_microsecond():
    from integrations.erp.tryton.values import from_timestamp

    # PostgreSQL's EXTRACT(EPOCH) keeps microseconds; SQLite's float text keeps fifteen digits.
    assert from_timestamp("1795450759.783847") == dt.datetime(2026, 11, 23, 16, 19, 19, 783847, tzinfo=dt.UTC)
    assert from_timestamp("1795450759.78385") == dt.datetime(2026, 11, 23, 16, 19, 19, 783850, tzinfo=dt.UTC)
    assert from_timestamp("1795450759") == dt.datetime(2026, 11, 23, 16, 19, 19, tzinfo=dt.UTC)
    assert from_timestamp(None) is None and from_timestamp("not a time") is None
