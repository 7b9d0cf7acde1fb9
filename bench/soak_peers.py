"""Peers the soak (bench/soak.py) runs in its own process: an SMTP sink that records what it receives and can be
stopped (connection refused) and started again, and the Zendesk-API stand-in of the tests with faults that last
for a while (500s, some of them after the work was done, i.e. a lost answer; 429 with Retry-After)."""

from __future__ import annotations

import email
import email.policy
import socketserver
import threading
import time
from collections import Counter

from tests.zendesk.fake_zendesk import FakeZendesk


class SmtpSink:
    """Just enough SMTP (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) for Django's smtplib backend."""

    def __init__(self, port: int):
        self.port = port
        self.received: Counter[tuple[str, str]] = Counter()  # (to, subject) → how many times
        self.lock = threading.Lock()
        self.server: socketserver.ThreadingTCPServer | None = None

    def start(self) -> None:
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, line: str) -> None:
                self.wfile.write(line.encode() + b"\r\n")

            def handle(self):
                self.reply("220 soak-sink ESMTP")
                recipients: list[str] = []
                while line := self.rfile.readline():
                    command = line.decode("utf-8", "replace").strip()
                    verb = command[:4].upper()
                    if verb in ("EHLO", "HELO"):
                        self.reply("250 soak-sink")
                    elif verb == "MAIL":
                        recipients = []
                        self.reply("250 OK")
                    elif verb == "RCPT":
                        recipients.append(command.split(":", 1)[1].strip().strip("<>"))
                        self.reply("250 OK")
                    elif verb == "DATA":
                        self.reply("354 End data with <CR><LF>.<CR><LF>")
                        data = bytearray()
                        while (chunk := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
                            data += chunk[1:] if chunk.startswith(b"..") else chunk
                        message = email.message_from_bytes(bytes(data), policy=email.policy.default)
                        with sink.lock:
                            for to in recipients:
                                sink.received[(to, str(message["Subject"] or ""))] += 1
                        self.reply("250 OK queued")
                    elif verb in ("RSET", "NOOP"):
                        self.reply("250 OK")
                    elif verb == "QUIT":
                        self.reply("221 Bye")
                        return
                    else:
                        self.reply("502 Command not implemented")

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True, name="smtp-sink").start()

    def stop(self) -> None:
        server, self.server = self.server, None
        if server is not None:
            server.shutdown()
            server.server_close()


class FaultyZendesk(FakeZendesk):
    """FakeZendesk that can fail every call for a while: `fail_for(500, seconds, lost_answer_every=2)` does every
    second call's work before answering 500 (the answer is lost, so a retry must not create it again)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.fault: tuple[int, float, dict, int] | None = None  # status, until (monotonic), headers, lost every n
        self.fault_calls = 0
        self.answered: Counter[int] = Counter()

    def fail_for(
        self, status: int, seconds: float, *, retry_after: int | None = None, lost_answer_every: int = 0
    ) -> None:
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        with self.lock:
            self.fault = (status, time.monotonic() + seconds, headers, lost_answer_every)

    def handle(self, method, path, query, headers, body):
        with self.lock:
            fault = self.fault
            if fault and time.monotonic() < fault[1]:
                status, _until, extra, lost_every = fault
                self.fault_calls += 1
                self.answered[status] += 1
                if lost_every and self.fault_calls % lost_every == 0:
                    super().handle(method, path, query, headers, body)
                return status, extra, {"error": "Failure", "description": "Soak fault"}
            status, extra, payload = super().handle(method, path, query, headers, body)
            self.answered[status] += 1
            if len(self.received) > 5000:  # the soak never reads old requests: keep memory flat
                del self.received[:2500]
            return status, extra, payload

    def duplicate_external_ids(self) -> dict[str, int]:
        with self.lock:
            counts = Counter(t["external_id"] for t in self.tickets.values() if t.get("external_id"))
        return {key: n for key, n in counts.items() if n > 1}

    def duplicate_comments(self) -> int:
        """Comments added twice to one ticket (the same body)."""
        with self.lock:
            counts = Counter((ticket, c.get("body")) for ticket, comments in self.comments.items() for c in comments)
        return sum(n - 1 for n in counts.values() if n > 1)
