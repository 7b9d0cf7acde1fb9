"""The soak's load generator (bench/soak.py): virtual partners and visitors as threads with `requests`, talking to
gunicorn as the TLS-terminating proxy would (plain HTTP, X-Forwarded-For one per virtual user, X-Forwarded-Proto:
https). Each request is recorded with its page, status, latency and time; nothing here asserts anything."""

from __future__ import annotations

import datetime as dt
import itertools
import random
import re
import threading
import time
import uuid
from dataclasses import dataclass, field

import requests

FRIENDLY_ERROR_PAGE = "container error-page"  # templates/500.html and 503.html, in any language
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
INVOICE_LINK = re.compile(r'href="/en/partner/invoices/(\d+)/"')
SUPPORT_LINK = re.compile(r'href="/en/partner/support/(\d+)/"')


@dataclass
class Sample:
    page: str
    status: int  # 0: no answer (connection refused or reset, timeout)
    seconds: float
    at: float  # time.monotonic() when sent
    friendly: bool = False  # a 5xx that was the portal's own error page


@dataclass
class Counters:
    samples: list[Sample] = field(default_factory=list)
    actions: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, sample: Sample) -> None:
        with self.lock:
            self.samples.append(sample)

    def count(self, action: str) -> None:
        with self.lock:
            self.actions[action] = self.actions.get(action, 0) + 1


class Browser:
    """One person's browser behind the proxy: its own cookies and client address."""

    def __init__(self, base_url: str, client_ip: str, counters: Counters):
        self.base_url, self.counters = base_url, counters
        self.session = requests.Session()
        host = base_url.split("://", 1)[1]
        self.origin = f"https://{host}"
        self.session.headers.update(
            {"X-Forwarded-For": client_ip, "X-Forwarded-Proto": "https", "User-Agent": "brello-soak/1"}
        )

    def request(self, page: str, method: str, path: str, **kwargs) -> requests.Response | None:
        headers = kwargs.pop("headers", {})
        if method == "POST":
            headers["Referer"] = self.origin + path  # Django's CSRF check wants a same-origin referer over https
        started = time.monotonic()
        try:
            response = self.session.request(
                method, self.base_url + path, headers=headers, allow_redirects=False, timeout=60, **kwargs
            )
        except requests.RequestException:
            self.counters.add(Sample(page, 0, time.monotonic() - started, started))
            return None
        for cookie in self.session.cookies:
            cookie.secure = False  # the client's side is https (the proxy's): Secure cookies go back over this hop
        friendly = response.status_code >= 500 and FRIENDLY_ERROR_PAGE in response.text
        self.counters.add(Sample(page, response.status_code, time.monotonic() - started, started, friendly))
        return response

    def get(self, page: str, path: str) -> requests.Response | None:
        return self.request(page, "GET", path)

    def post_form(self, page: str, path: str, form_html: str, data: dict) -> requests.Response | None:
        token = CSRF.search(form_html)
        if token is None:
            return None
        return self.request(page, "POST", path, data={"csrfmiddlewaretoken": token[1], **data})


class LoadGenerator:
    """Partners (org admins browse every section, report payments and open support requests; users browse what
    they are granted), applicants registering new companies, and anonymous visitors of the public site."""

    def __init__(self, base_url: str, partners: list[tuple[str, str, bool]], seconds: float, *, seed: int = 1):
        self.base_url, self.partners, self.seconds = base_url, partners, seconds
        self.counters = Counters()
        self.stop = threading.Event()
        self.random = random.Random(seed)
        self.numbers = itertools.count(700_000 + seed * 1000)
        self.threads: list[threading.Thread] = []

    def start(self) -> None:
        for index, (email, password, is_admin) in enumerate(self.partners):
            self._thread(self._partner, index, email, password, is_admin)
        self._thread(self._registrations)
        self._thread(self._visitor)
        threading.Timer(self.seconds, self.stop.set).start()

    def join(self) -> None:
        for thread in self.threads:
            thread.join()

    def _thread(self, target, *args) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True, name=target.__name__)
        self.threads.append(thread)
        thread.start()

    def _pause(self, low: float = 0.5, high: float = 2.5) -> None:
        self.stop.wait(self.random.uniform(low, high))

    # -- partners ---------------------------------------------------------------------------------------------
    def _partner(self, index: int, email: str, password: str, is_admin: bool) -> None:
        self.stop.wait(index * 1.5)  # not all at once
        while not self.stop.is_set():
            browser = Browser(self.base_url, f"10.1.{index}.{self.random.randint(1, 250)}", self.counters)
            if self._login(browser, email, password):
                for _ in range(self.random.randint(15, 30)):
                    if self.stop.is_set():
                        break
                    self._partner_step(browser, is_admin)
                    self._pause()
                response = browser.get("account", "/en/partner/account/")  # logging out is a POST from a page
                if response is not None and response.status_code == 200:
                    browser.post_form("logout", "/en/partner/account/logout/", response.text, {})
            self._pause(2, 6)

    def _login(self, browser: Browser, email: str, password: str) -> bool:
        path = "/en/partner/account/login/"
        page = browser.get("login page", path)
        if page is None or page.status_code != 200:
            return False
        response = browser.post_form("login", path, page.text, {"username": email, "password": password})
        ok = response is not None and response.status_code == 302
        self.counters.count("logins" if ok else "logins refused")
        return ok

    def _partner_step(self, browser: Browser, is_admin: bool) -> None:
        sections = ["home", "dashboard", "materials", "announcements", "account"]
        if is_admin:
            sections += ["invoices", "invoice detail", "support", "invoice detail", "support new", "payment", "reply"]
        choice = self.random.choice(sections)
        paths = {
            "home": "/en/partner/",
            "dashboard": "/en/partner/dashboard/",
            "materials": "/en/partner/materials/",
            "announcements": "/en/partner/announcements/",
            "account": "/en/partner/account/",
            "invoices": "/en/partner/invoices/",
            "support": "/en/partner/support/",
        }
        if choice in paths:
            browser.get(choice, paths[choice])
        elif choice == "invoice detail":
            self._invoice(browser, report=False)
        elif choice == "payment":
            self._invoice(browser, report=True)
        elif choice == "support new" and self.random.random() < 0.2:  # new requests: 10/h per person
            self._support_request(browser)
        elif choice == "reply" and self.random.random() < 0.5:  # replies: 60/h per person
            self._support_reply(browser)

    def _invoice(self, browser: Browser, *, report: bool) -> None:
        listing = browser.get("invoices", "/en/partner/invoices/")
        ids = INVOICE_LINK.findall(listing.text) if listing is not None and listing.status_code == 200 else []
        if not ids:
            return
        invoice_id = self.random.choice(ids)
        detail = browser.get("invoice detail", f"/en/partner/invoices/{invoice_id}/")
        path = f"/en/partner/invoices/{invoice_id}/report-payment/"
        if not report or detail is None or path not in detail.text:
            return
        form = browser.get("payment form", path)
        if form is None or form.status_code != 200:
            return
        data = {"amount": "12.50", "paid_on": dt.date.today().isoformat(), "reference": f"SOAK-{uuid.uuid4().hex[:12]}"}
        response = browser.post_form("payment report", path, form.text, data)
        self.counters.count(
            "payments reported" if response is not None and response.status_code == 302 else "payment not accepted"
        )

    def _support_request(self, browser: Browser) -> None:
        path = "/en/partner/support/new/"
        form = browser.get("support form", path)
        if form is None or form.status_code != 200:
            return
        data = {
            "subject": f"Soak question {uuid.uuid4().hex[:6]}",
            "category": "question",
            "priority": "normal",
            "description": "How do I renew the licences of two clients before the end of the month?",
        }
        response = browser.post_form("support request", path, form.text, data)
        ok = response is not None and response.status_code == 302
        self.counters.count("support requests" if ok else "support request not accepted")

    def _support_reply(self, browser: Browser) -> None:
        listing = browser.get("support", "/en/partner/support/")
        ids = SUPPORT_LINK.findall(listing.text) if listing is not None and listing.status_code == 200 else []
        if not ids:
            return
        request_id = self.random.choice(ids)
        detail = browser.get("support detail", f"/en/partner/support/{request_id}/")
        if detail is None or detail.status_code != 200:
            return
        body = {"body": f"Any news on this? ({uuid.uuid4().hex[:6]})"}
        response = browser.post_form("support reply", f"/en/partner/support/{request_id}/reply/", detail.text, body)
        ok = response is not None and response.status_code == 302
        self.counters.count("support replies" if ok else "support reply not accepted")

    # -- applicants and visitors ------------------------------------------------------------------------------
    def _registrations(self) -> None:
        from tests.numbers import lv_registration_number

        self.stop.wait(3)
        while not self.stop.is_set():
            n = next(self.numbers)
            browser = Browser(self.base_url, f"10.2.{n // 250 % 250}.{n % 250 + 1}", self.counters)
            path = "/en/partner/register/"
            form = browser.get("register page", path)
            if form is not None and form.status_code == 200:
                data = {
                    "legal_name": f"Soak Applicant {n} SIA", "country": "LV",
                    "registration_number": lv_registration_number(n), "vat_number": "",
                    "address": "Krišjāņa Barona iela 1", "city": "Rīga", "postal_code": "LV-1011",
                    "company_phone": "+371 67111111", "company_email": f"office@soak{n}.example.lv", "website": "",
                    "first_name": "Ilze", "last_name": f"Soak{n}", "email": f"ilze@soak{n}.example.lv",
                    "phone": "", "password1": "Soak-pass-2026-long", "password2": "Soak-pass-2026-long",
                    "accept_terms": "on", "website_url": "",
                }  # fmt: skip
                response = browser.post_form("register", path, form.text, data)
                ok = response is not None and response.status_code == 302
                self.counters.count("registrations" if ok else "registrations not accepted")
                if ok:
                    browser.get("register done", "/en/partner/register/check-your-inbox/")
            self._pause(8, 16)

    def _visitor(self) -> None:
        pages = [("public home", "/en/"), ("public home lv", "/lv/"), ("login page", "/en/partner/account/login/")]
        while not self.stop.is_set():
            browser = Browser(self.base_url, f"10.3.0.{self.random.randint(1, 250)}", self.counters)
            page, path = self.random.choice(pages)
            browser.get(page, path)
            self._pause(1, 3)
