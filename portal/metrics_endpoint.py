"""GET /metrics for Prometheus: readable with the bearer token METRICS_TOKEN, or from METRICS_ALLOWED_NETWORKS.

Outside those networks and without a token configured the endpoint does not exist (404); with one configured, a
missing or wrong token answers 401. The client address is the one `partner_area.platform.net.client_ip` reads for
everything else (so TRUSTED_PROXY_COUNT applies, and gunicorn must not be reachable around the proxy)."""

import hmac
import ipaddress
import os
from functools import cache

import prometheus_client
from django.conf import settings
from django.http import HttpResponse, HttpResponseNotFound
from django.views.decorators.cache import never_cache
from prometheus_client import multiprocess

from partner_area.platform.metrics import scrape_collectors
from partner_area.platform.net import client_ip


@cache
def _networks(cidrs: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(cidr, strict=False) for cidr in cidrs)


def _from_allowed_network(request) -> bool:
    try:
        address = ipaddress.ip_address(client_ip(request))
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return any(address in network for network in _networks(tuple(settings.METRICS_ALLOWED_NETWORKS)))


def _bearer_token(request) -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _process_registry():
    # gunicorn with several workers: each writes its request metrics to PROMETHEUS_MULTIPROC_DIR, read together.
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = prometheus_client.CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return prometheus_client.REGISTRY


@never_cache
def metrics(request):
    """The metrics in Prometheus' text format, for the internal network or the token's holder."""
    if not _from_allowed_network(request):
        expected = settings.METRICS_TOKEN
        if not expected:
            return HttpResponseNotFound("Not Found", content_type="text/plain")
        if not hmac.compare_digest(_bearer_token(request).encode(), expected.encode()):
            response = HttpResponse("Unauthorized", status=401, content_type="text/plain")
            response["WWW-Authenticate"] = 'Bearer realm="metrics"'
            return response
    scrape = prometheus_client.CollectorRegistry(auto_describe=False)
    for collector in scrape_collectors():
        scrape.register(collector)
    body = prometheus_client.generate_latest(_process_registry()) + prometheus_client.generate_latest(scrape)
    return HttpResponse(body, content_type=prometheus_client.CONTENT_TYPE_LATEST)
