import ipaddress

from django.conf import settings

# Where the client's address is unknown, rate limits count every such client together (django-ratelimit needs one).
UNKNOWN_CLIENT = "0.0.0.0"  # noqa: S104 - a rate-limit key, never a bind address


def client_ip(request) -> str:
    """The visitor's address. Behind TRUSTED_PROXY_COUNT reverse proxies, each appends to
    X-Forwarded-For, so the client is that many hops from the right; anything further left was sent by
    the client and cannot be trusted. With no proxies, REMOTE_ADDR. Empty when that is not an address (a WSGI
    server on a unix socket gives an empty REMOTE_ADDR; a misconfigured proxy may pass anything)."""
    proxies = settings.TRUSTED_PROXY_COUNT
    address = request.META.get("REMOTE_ADDR", "")
    if proxies:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= proxies:
            address = hops[-proxies]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return ""


def ratelimit_client_ip(request) -> str:
    """django-ratelimit's "ip" key (RATELIMIT_IP_META_KEY): the client's address, or UNKNOWN_CLIENT."""
    return client_ip(request) or UNKNOWN_CLIENT


def axes_client_ip(request, *args, **kwargs) -> str:
    """django-axes' lockouts count the same client address as everything else (AXES_CLIENT_IP_CALLABLE)."""
    return client_ip(request)
