"""A small JSON-RPC client for a Tryton server (tested against trytond 8.2), standard library only.

Authentication: a session from ``common.db.login`` (user + password), sent afterwards as
``Authorization: Session base64(login:user_id:session)``. Sessions are cached per process and per
(url, database, user, password), shared by every client instance, and renewed once transparently when the
server answers 401 (expired or deleted session). We chose the session over a ``res.user.application`` key
because the JSON-RPC model API (search/read/create/write, buttons and wizards) needs a user session; an
application key only opens the REST routes. Tryton binds a session to the caller's IP address.

Wire format: ``POST {url}/{database}/rpc/`` with ``{"id": n, "method": ..., "params": [...]}``. Typed values
travel as ``{"__class__": "Decimal" | "date" | "datetime" | "time" | "timedelta" | "bytes", ...}`` and are
decoded to Python objects here. Datetimes are naive in Tryton and mean UTC: aware datetimes sent to the server
are converted to naive UTC, and datetimes read back stay naive (the adapter attaches UTC).

Errors: a connection failure, timeout, 429 or 502/503/504 raises ``ErpUnavailable``; a rejected login raises
``TrytonLoginError``; an error answered by the server raises ``TrytonRPCError`` (``TrytonUserError`` for
validation errors, ``TrytonWarning`` for warnings the user may skip) whose message is Tryton's own. All of
them are ``ErpError``.
"""

from __future__ import annotations

import base64
import datetime as dt
import http.client
import itertools
import json
import logging
import threading
import urllib.error
import urllib.request
import zlib
from decimal import Decimal
from typing import Any

from partner_area.platform.ports.erp import ErpError, ErpRejected, ErpUnavailable

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 15.0
MAX_RESPONSE_BYTES = 64 * 1024 * 1024


class TrytonLoginError(ErpError):
    """Tryton refused the user name or password (or the database does not exist)."""


class TrytonRPCError(ErpError):
    """Tryton answered a call with an error."""

    def __init__(self, message: str, *, kind: str = "", method: str = "", details: Any = None):
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.method = method
        self.details = details


class TrytonUserError(TrytonRPCError, ErpRejected):
    """A validation error (UserError): the data was refused, retrying the same call will not help."""


class TrytonWarning(TrytonRPCError):
    """A warning the user may skip (UserWarning); `name` is the key to skip it with res.user.warning."""

    def __init__(self, message: str, *, name: str, **kwargs):
        super().__init__(message, **kwargs)
        self.name = name


class TrytonConcurrencyError(TrytonRPCError):
    """The record was modified since it was read (optimistic locking)."""


# -- typed values -----------------------------------------------------------------------------------------


def _decode_object(obj: dict) -> Any:
    kind = obj.get("__class__")
    if kind is None:
        return obj
    if kind == "Decimal":
        return Decimal(obj["decimal"])
    if kind == "datetime":
        return dt.datetime(
            obj["year"], obj["month"], obj["day"], obj["hour"], obj["minute"], obj["second"], obj.get("microsecond", 0)
        )
    if kind == "date":
        return dt.date(obj["year"], obj["month"], obj["day"])
    if kind == "time":
        return dt.time(obj["hour"], obj["minute"], obj["second"], obj.get("microsecond", 0))
    if kind == "timedelta":
        return dt.timedelta(seconds=obj["seconds"])
    if kind == "bytes":
        return base64.b64decode(obj["base64"])
    return obj


def _encode_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return {"__class__": "Decimal", "decimal": str(value)}
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return {
            "__class__": "datetime",
            "year": value.year,
            "month": value.month,
            "day": value.day,
            "hour": value.hour,
            "minute": value.minute,
            "second": value.second,
            "microsecond": value.microsecond,
        }
    if isinstance(value, dt.date):
        return {"__class__": "date", "year": value.year, "month": value.month, "day": value.day}
    if isinstance(value, dt.time):
        return {
            "__class__": "time",
            "hour": value.hour,
            "minute": value.minute,
            "second": value.second,
            "microsecond": value.microsecond,
        }
    if isinstance(value, dt.timedelta):
        return {"__class__": "timedelta", "seconds": value.total_seconds()}
    if isinstance(value, bytes | bytearray):
        return {"__class__": "bytes", "base64": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, dict):
        return {key: _encode_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_encode_value(item) for item in value]
    return value


def dumps(payload: Any) -> bytes:
    return json.dumps(_encode_value(payload), separators=(",", ":")).encode("utf-8")


def loads(data: bytes) -> Any:
    return json.loads(data.decode("utf-8"), object_hook=_decode_object)


# -- sessions ---------------------------------------------------------------------------------------------

_sessions: dict[tuple[str, str, str, str], tuple[str, dict]] = {}
_sessions_lock = threading.Lock()
_ids = itertools.count(1)


def forget_sessions() -> None:
    """Drop every cached session (tests, or after the server was replaced)."""
    with _sessions_lock:
        _sessions.clear()


def _error_message(error: Any) -> tuple[str, str, Any]:
    """(kind, message, details) from the `error` member of a Tryton JSON-RPC answer."""
    if isinstance(error, list | tuple) and error:
        kind = str(error[0])
        details = error[1] if len(error) > 1 else None
        if kind in {"UserError", "UserWarning"} and isinstance(details, list | tuple):
            parts = [str(p) for p in (details[1:3] if kind == "UserWarning" else details[:2]) if p]
            return kind, " - ".join(parts) or kind, details
        if kind == "ConcurrencyException":
            return kind, str(details or kind), details
        if kind == "LoginException" and isinstance(details, list | tuple) and len(details) > 1:
            return kind, str(details[1]), details
        # An unexpected server exception: [str(exception), traceback]. Keep the message, not the traceback.
        return "ServerError", kind, details
    return "ServerError", str(error), None


def _gunzip(data: bytes, where: str) -> bytes:
    """Decompress at most MAX_RESPONSE_BYTES + 1 bytes, so a hostile answer cannot exhaust memory."""
    try:
        return zlib.decompressobj(wbits=31).decompress(data, MAX_RESPONSE_BYTES + 1)
    except zlib.error as exc:
        raise ErpError(f"{where} answered a broken gzip stream.") from exc


class TrytonClient:
    """JSON-RPC calls to one database of one Tryton server as one user."""

    def __init__(
        self,
        url: str,
        database: str,
        user: str,
        password: str,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        language: str = "en",
    ):
        if not url or not database:
            raise ErpError("The Tryton URL and database are not configured (ERP_TRYTON_URL, ERP_TRYTON_DATABASE).")
        self.url = url.rstrip("/")
        self.database = database
        self.user = user
        self.password = password
        self.timeout = timeout
        self.language = language
        self._key = (self.url, database, user, password)

    def __repr__(self) -> str:
        return f"<TrytonClient {self.user}@{self.url}/{self.database}>"

    # -- transport ------------------------------------------------------------------------------------------

    def _post(self, method: str, params: list, authorization: str | None) -> Any:
        """One JSON-RPC request. Returns the decoded answer (a dict) or raises."""
        body = dumps({"id": next(_ids), "method": method, "params": params})
        # Tryton streams a large answer as one HTTP chunk per JSON token unless the client takes gzip: hundreds of
        # thousands of tiny chunks for a page of records, costing both sides more than the compression does.
        headers = {"Content-Type": "application/json", "Accept": "application/json", "Accept-Encoding": "gzip"}
        if authorization:
            headers["Authorization"] = authorization
        request = urllib.request.Request(  # noqa: S310 (the URL comes from settings, scheme http/https)
            f"{self.url}/{self.database}/rpc/", data=body, headers=headers, method="POST"
        )
        where = f"Tryton at {self.url} ({method})"
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                data = response.read(MAX_RESPONSE_BYTES + 1)
                if data[:2] == b"\x1f\x8b":  # gzip (Tryton labels even a plain answer gzip, so look at the bytes)
                    data = _gunzip(data, where)
        except urllib.error.HTTPError as exc:
            exc.close()
            if exc.code in {429, 502, 503, 504}:
                raise ErpUnavailable(f"{where} answered HTTP {exc.code}.") from exc
            raise _HTTPStatus(exc.code, f"{where} answered HTTP {exc.code}.") from exc
        except (urllib.error.URLError, http.client.HTTPException, ConnectionError, TimeoutError) as exc:
            reason = getattr(exc, "reason", exc)
            raise ErpUnavailable(f"{where} could not be reached: {reason}") from exc
        except OSError as exc:
            raise ErpUnavailable(f"{where} could not be reached: {exc}") from exc
        if len(data) > MAX_RESPONSE_BYTES:
            raise ErpError(f"{where} answered more than {MAX_RESPONSE_BYTES} bytes.")
        try:
            answer = loads(data)
        except (ValueError, KeyError, TypeError) as exc:
            raise ErpError(f"{where} answered something that is not Tryton JSON-RPC.") from exc
        if not isinstance(answer, dict):
            raise ErpError(f"{where} answered something that is not Tryton JSON-RPC.")
        return answer

    def _result(self, method: str, answer: dict) -> Any:
        if answer.get("error") is not None:
            kind, message, details = _error_message(answer["error"])
            if kind == "UserWarning":
                name = str(details[0]) if isinstance(details, list | tuple) and details else ""
                raise TrytonWarning(message, name=name, kind=kind, method=method, details=details)
            if kind == "UserError":
                raise TrytonUserError(message, kind=kind, method=method, details=details)
            if kind == "ConcurrencyException":
                raise TrytonConcurrencyError(message, kind=kind, method=method, details=details)
            if kind == "LoginException":
                raise TrytonLoginError(f"Tryton asks for more to log in: {message}")
            logger.warning("Tryton error on %s: %s", method, answer["error"])
            raise TrytonRPCError(f"Tryton failed on {method}: {message}", kind=kind, method=method, details=details)
        return answer.get("result")

    # -- session --------------------------------------------------------------------------------------------

    def _login(self) -> tuple[str, dict]:
        try:
            answer = self._post("common.db.login", [self.user, {"password": self.password}, self.language], None)
        except _HTTPStatus as exc:
            if exc.status in {401, 403}:
                raise TrytonLoginError(
                    f"Tryton refused the login of {self.user!r} on database {self.database!r}."
                ) from exc
            if exc.status == 404:
                raise TrytonLoginError(f"Tryton has no database {self.database!r}.") from exc
            raise ErpError(str(exc)) from exc
        result = self._result("common.db.login", answer)
        if not isinstance(result, list) or len(result) < 2:
            raise TrytonLoginError(f"Tryton refused the login of {self.user!r} on database {self.database!r}.")
        user_id, session = result[0], result[1]
        token = base64.b64encode(f"{self.user}:{user_id}:{session}".encode()).decode("ascii")
        authorization = f"Session {token}"
        answer = self._post("model.res.user.get_preferences", [True, {}], authorization)
        context = self._result("model.res.user.get_preferences", answer) or {}
        # Only what model calls need: the rest (locale, groups...) is the client's UI context.
        context = {k: context[k] for k in ("company", "companies", "language", "employee") if k in context}
        return authorization, context

    def _session(self, *, renew: bool = False) -> tuple[str, dict]:
        with _sessions_lock:
            if not renew and self._key in _sessions:
                return _sessions[self._key]
            _sessions.pop(self._key, None)
            session = self._login()
            _sessions[self._key] = session
            return session

    @property
    def context(self) -> dict:
        return dict(self._session()[1])

    def login(self) -> None:
        """Log in now (normally done lazily), e.g. to check the credentials."""
        self._session(renew=True)

    # -- calls ----------------------------------------------------------------------------------------------

    def call(self, method: str, *params: Any) -> Any:
        """Call `method` with `params` in an authenticated session; renews the session once on 401."""
        for attempt in (1, 2):
            authorization, _ = self._session(renew=attempt == 2)
            try:
                answer = self._post(method, list(params), authorization)
            except _HTTPStatus as exc:
                if exc.status == 401 and attempt == 1:
                    continue
                if exc.status == 401:
                    raise TrytonLoginError(f"Tryton refused the session of {self.user!r}.") from exc
                if exc.status == 403:
                    raise TrytonRPCError(f"Tryton does not allow {method} to {self.user!r}.", method=method) from exc
                raise ErpError(str(exc)) from exc
            return self._result(method, answer)
        raise AssertionError("unreachable")  # pragma: no cover

    def model(self, model: str, method: str, *args: Any, context: dict | None = None) -> Any:
        """`model.<model>.<method>(*args, context)` with the user's context (plus `context`)."""
        ctx = self.context
        if context:
            ctx.update(context)
        return self.call(f"model.{model}.{method}", *args, ctx)

    def search(self, model: str, domain: list, *, offset: int = 0, limit: int | None = None, order=None, context=None):
        return self.model(model, "search", domain, offset, limit, order, context=context)

    def read(self, model: str, ids: list[int], fields: list[str], *, context=None) -> list[dict]:
        if not ids:
            return []
        return self.model(model, "read", list(ids), fields, context=context)

    def search_read(
        self,
        model: str,
        domain: list,
        fields: list[str],
        *,
        offset: int = 0,
        limit: int | None = None,
        order=None,
        context=None,
    ) -> list[dict]:
        return self.model(model, "search_read", domain, offset, limit, order, fields, context=context)

    def create(self, model: str, values: list[dict], *, context=None) -> list[int]:
        return self.model(model, "create", values, context=context)

    def write(self, model: str, ids: list[int], values: dict, *, context=None) -> None:
        if ids:
            self.model(model, "write", list(ids), values, context=context)

    def delete(self, model: str, ids: list[int], *, context=None) -> None:
        if ids:
            self.model(model, "delete", list(ids), context=context)


class _HTTPStatus(ErpError):
    """An HTTP error status (internal: mapped to a public error by the caller)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
