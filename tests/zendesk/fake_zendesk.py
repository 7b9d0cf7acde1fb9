"""A local stand-in for the Zendesk API v2 (only the endpoints the portal uses), served on loopback so that
the real zenpy client talks to it over HTTP. It follows the request and response shapes of Zendesk's
documentation, keeps what it was sent, and can be told to fail the next calls (500, or 429 with Retry-After).

Endpoints: organizations and users create_or_update, users show, uploads, tickets create/show/update,
tickets list by external_id, ticket comments list, and the cursor-based incremental ticket export."""

import base64
import hashlib
import itertools
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

AGENT_ID = 900_001
API_USER_ID = 900_002  # the admin whose API token the portal uses


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Received:
    method: str
    path: str
    query: dict
    headers: dict
    body: bytes
    at: float = field(default_factory=time.monotonic)  # when it arrived

    def json(self):
        return json.loads(self.body or b"{}")


@dataclass
class Failure:
    status: int
    headers: dict = field(default_factory=dict)
    path_contains: str = ""
    after_processing: bool = False  # do the work, then answer with the failure (the answer is "lost")
    method: str = ""

    def matches(self, method: str, path: str) -> bool:
        return self.path_contains in path and self.method in ("", method)


class FakeZendesk:
    def __init__(self, *, email: str = "api@brello.example", token: str = "secret-token"):
        self.email, self.token = email, token
        self.lock = threading.RLock()
        self.ids = itertools.count(1000)
        self.organizations: dict[int, dict] = {}
        self.users: dict[int, dict] = {
            AGENT_ID: {"id": AGENT_ID, "name": "Anna Agent", "email": "anna@brello.example", "role": "agent"},
            API_USER_ID: {"id": API_USER_ID, "name": "Portal", "email": email, "role": "admin"},
        }
        self.tickets: dict[int, dict] = {}
        self.comments: dict[int, list[dict]] = {}
        self.uploads: dict[str, list[dict]] = {}
        self.files: dict[int, tuple[dict, bytes]] = {}  # attachment id → (attachment, content)
        self.received: list[Received] = []
        self.failures: list[Failure] = []
        self.generation = itertools.count(1)
        self.changed: dict[int, int] = {}  # ticket id → generation of its last change (incremental export)
        self.base_url = ""

    # --- what tests tell it -------------------------------------------------------------------------------
    def fail_next(
        self,
        status: int,
        *,
        times: int = 1,
        retry_after: int | None = None,
        path_contains: str = "",
        after_processing: bool = False,
        method: str = "",
    ):
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        with self.lock:
            self.failures.extend(
                Failure(status, headers, path_contains, after_processing, method) for _ in range(times)
            )

    def agent_comment(
        self, ticket_id: int, body: str, *, public: bool = True, author_id: int = AGENT_ID, files: dict | None = None
    ) -> dict:
        with self.lock:
            tokens = [
                self._upload(name, content, "application/octet-stream")[0] for name, content in (files or {}).items()
            ]
            comment = self._comment(
                ticket_id, {"body": body, "public": public, "author_id": author_id, "uploads": tokens}
            )
            if public and self.tickets[ticket_id]["status"] == "new":
                self.tickets[ticket_id]["status"] = "open"
            self._touch(ticket_id)
            return comment

    def set_status(self, ticket_id: int, status: str) -> None:
        with self.lock:
            self.tickets[ticket_id]["status"] = status
            self._touch(ticket_id)

    def calls(self, method: str, path_pattern: str) -> list[Received]:
        return [r for r in self.received if r.method == method and re.fullmatch(path_pattern, r.path)]

    # --- state helpers ------------------------------------------------------------------------------------
    def _touch(self, ticket_id: int) -> None:
        self.tickets[ticket_id]["updated_at"] = _now()
        self.changed[ticket_id] = next(self.generation)

    def _comment(self, ticket_id: int, data: dict) -> dict:
        attachments = [a for token in data.get("uploads") or () for a in self.uploads.pop(token, [])]
        comment = {
            "id": next(self.ids),
            "type": "Comment",
            "author_id": data.get("author_id") or AGENT_ID,
            "body": data.get("body", ""),
            "html_body": f"<p>{data.get('body', '')}</p>",
            "plain_body": data.get("body", ""),
            "public": data.get("public", True),
            "attachments": attachments,
            "created_at": _now(),
            "via": {"channel": "api"},
        }
        self.comments.setdefault(ticket_id, []).append(comment)
        return comment

    def _upload(self, name: str, content: bytes, content_type: str | None, token: str | None = None):
        token = token or secrets.token_hex(12)
        attachment_id = next(self.ids)
        attachment = {
            "id": attachment_id,
            "file_name": name,
            "content_type": content_type or "application/octet-stream",
            "content_url": f"{self.base_url}/attachments/token/{token}/{attachment_id}/",
            "size": len(content),
            "inline": False,
            "sha256": hashlib.sha256(content).hexdigest(),
        }
        self.uploads.setdefault(token, []).append(attachment)
        self.files[attachment_id] = (attachment, content)
        return token, attachment

    def _user_for(self, data: dict) -> dict:
        match = None
        for user in self.users.values():
            if (data.get("external_id") and user.get("external_id") == data["external_id"]) or (
                data.get("email") and user.get("email") == data["email"]
            ):
                match = user
                break
        if match is None:
            match = {"id": next(self.ids), "role": "end-user"}
            self.users[match["id"]] = match
        match.update({k: v for k, v in data.items() if v is not None and k != "id"})
        return match

    # --- the HTTP side ------------------------------------------------------------------------------------
    def handle(self, method: str, path: str, query: dict, headers: dict, body: bytes) -> tuple[int, dict, dict]:
        with self.lock:
            self.received.append(Received(method, path, query, headers, body))
            expected = "Basic " + base64.b64encode(f"{self.email}/token:{self.token}".encode()).decode()
            if headers.get("authorization") != expected:
                return 401, {}, {"error": "Couldn't authenticate you"}
            failure = next((f for f in self.failures if f.matches(method, path)), None)
            if failure is not None:
                self.failures.remove(failure)
                if failure.after_processing:
                    self._answer(method, path, query, headers, body)
                return failure.status, failure.headers, {"error": "Failure", "description": "Told to fail"}
            return self._answer(method, path, query, headers, body)

    def _answer(self, method, path, query, headers, body):
        try:
            return self._route(method, path, query, headers, body)
        except KeyError:
            return 404, {}, {"error": "RecordNotFound", "description": "Not found"}

    def _route(self, method, path, query, headers, body):
        data = json.loads(body) if body and method in ("POST", "PUT") and path != "/api/v2/uploads.json" else {}
        if (method, path) == ("POST", "/api/v2/organizations/create_or_update.json"):
            fields = data["organization"]
            organization = next(
                (o for o in self.organizations.values() if o.get("external_id") == fields.get("external_id")), None
            )
            status = 200 if organization else 201
            if organization is None:
                organization = {"id": next(self.ids)}
                self.organizations[organization["id"]] = organization
            organization.update({k: v for k, v in fields.items() if k != "id"})
            return status, {}, {"organization": organization}
        if (method, path) == ("POST", "/api/v2/users/create_or_update.json"):
            known = set(self.users)
            user = self._user_for(data["user"])
            return (200 if user["id"] in known else 201), {}, {"user": user}
        if (method, path) == ("GET", "/api/v2/users/me.json"):
            return 200, {}, {"user": self.users[API_USER_ID]}
        if method == "GET" and (m := re.fullmatch(r"/api/v2/users/(\d+)\.json", path)):
            return 200, {}, {"user": self.users[int(m[1])]}
        if (method, path) == ("POST", "/api/v2/uploads.json"):
            token, attachment = self._upload(query["filename"], body, headers.get("content-type"), query.get("token"))
            return 201, {}, {"upload": {"token": token, "attachment": attachment, "attachments": self.uploads[token]}}
        if method == "GET" and (m := re.fullmatch(r"/api/v2/attachments/(\d+)\.json", path)):
            return 200, {}, {"attachment": self.files[int(m[1])][0]}
        if method == "GET" and (m := re.fullmatch(r"/attachments/token/\w+/(\d+)/", path)):
            return 200, {"Content-Type": "application/octet-stream"}, self.files[int(m[1])][1]
        if (method, path) == ("GET", "/api/v2/tickets.json"):
            found = [
                t for t in self.tickets.values() if "external_id" in query and t["external_id"] == query["external_id"]
            ]
            return (
                200,
                {},
                {
                    "tickets": found,
                    "meta": {"has_more": False, "after_cursor": None, "before_cursor": None},
                    "links": {"next": None, "prev": None},
                },
            )
        if (method, path) == ("POST", "/api/v2/tickets.json"):
            return self._ticket_create(data["ticket"])
        if m := re.fullmatch(r"/api/v2/tickets/(\d+)\.json", path):
            ticket = self.tickets[int(m[1])]
            if method == "GET":
                return 200, {}, {"ticket": ticket}
            if method == "PUT":
                return self._ticket_update(ticket, data["ticket"])
        if method == "GET" and (m := re.fullmatch(r"/api/v2/tickets/(\d+)/comments\.json", path)):
            self.tickets[int(m[1])]  # noqa: B018 - 404 for an unknown ticket
            return (
                200,
                {},
                {
                    "comments": self.comments.get(int(m[1]), []),
                    "meta": {"has_more": False, "after_cursor": None, "before_cursor": None},
                    "links": {"next": None, "prev": None},
                },
            )
        if (method, path) == ("GET", "/api/v2/incremental/tickets/cursor.json"):
            return self._incremental(query)
        return 404, {}, {"error": "InvalidEndpoint", "description": f"Not found: {method} {path}"}

    def _ticket_create(self, fields):
        requester_id = fields.get("requester_id")
        if requester_id is None and isinstance(fields.get("requester"), dict):
            requester = fields["requester"]
            existing = next((u for u in self.users.values() if u.get("email") == requester.get("email")), None)
            requester_id = (existing or self._user_for(requester))["id"]
        if requester_id is None:
            return (
                422,
                {},
                {"error": "RecordInvalid", "details": {"requester": [{"description": "Requester: is required"}]}},
            )
        ticket_id = next(self.ids)
        comment_fields = fields.get("comment") or {}
        ticket = {
            "id": ticket_id,
            "url": f"{self.base_url}/api/v2/tickets/{ticket_id}.json",
            "external_id": fields.get("external_id"),
            "subject": fields.get("subject"),
            "raw_subject": fields.get("subject"),
            "description": comment_fields.get("body", ""),
            "status": "new",
            "priority": fields.get("priority"),
            "type": fields.get("type"),
            "requester_id": requester_id,
            "submitter_id": fields.get("submitter_id") or requester_id,
            "organization_id": fields.get("organization_id"),
            "tags": fields.get("tags") or [],
            "custom_fields": fields.get("custom_fields") or [],
            "via_followup_source_id": fields.get("via_followup_source_id"),
            "created_at": _now(),
            "updated_at": _now(),
        }
        self.tickets[ticket_id] = ticket
        comment = self._comment(
            ticket_id, {**comment_fields, "author_id": comment_fields.get("author_id") or requester_id}
        )
        self._touch(ticket_id)
        return 201, {}, {"ticket": ticket, "audit": {"id": next(self.ids), "ticket_id": ticket_id, "events": [comment]}}

    def _ticket_update(self, ticket, fields):
        if ticket["status"] == "closed":
            return 422, {}, {"error": "RecordInvalid", "description": "Status: closed prevents ticket update"}
        if fields.get("status") == "solved" and not (fields.get("assignee_id") or ticket.get("assignee_id")):
            return (
                422,
                {},
                {
                    "error": "RecordInvalid",
                    "details": {"assignee": [{"description": "Assignee: is required when the ticket is solved"}]},
                },
            )
        if fields.get("assignee_id"):
            ticket["assignee_id"] = fields["assignee_id"]
        events = []
        if fields.get("comment"):
            events.append(self._comment(ticket["id"], fields["comment"]))
        if fields.get("status"):
            ticket["status"] = fields["status"]
        self._touch(ticket["id"])
        return 200, {}, {"ticket": ticket, "audit": {"id": next(self.ids), "ticket_id": ticket["id"], "events": events}}

    def _incremental(self, query):
        if "cursor" in query:
            after = int(base64.urlsafe_b64decode(query["cursor"]).decode())
        elif "start_time" in query:
            after = 0
        else:
            return 400, {}, {"error": "InvalidPaginationParameter", "description": "start_time or cursor is required"}
        page_size = int(query.get("per_page") or 1000)
        changes = sorted(
            (generation, ticket_id) for ticket_id, generation in self.changed.items() if generation > after
        )
        page = changes[:page_size]
        last = page[-1][0] if page else after
        cursor = base64.urlsafe_b64encode(str(last).encode()).decode()
        return (
            200,
            {},
            {
                "tickets": [self.tickets[ticket_id] for _, ticket_id in page],
                "after_url": f"{self.base_url}/api/v2/incremental/tickets/cursor.json?cursor={cursor}",
                "after_cursor": cursor,
                "before_url": None,
                "before_cursor": None,
                "end_of_stream": len(changes) <= page_size,
            },
        )


def serve(fake: FakeZendesk) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self):
            url = urlsplit(self.path)
            query = {key: values[-1] for key, values in parse_qs(url.query).items()}
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {key.lower(): value for key, value in self.headers.items()}
            status, extra_headers, payload = fake.handle(self.command, url.path, query, headers, body)
            data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
            self.send_response(status)
            if "Content-Type" not in extra_headers:
                self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for key, value in extra_headers.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = _serve

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
