from django.conf import settings


def client_ip(request) -> str:
    """The visitor's address. Behind TRUSTED_PROXY_COUNT reverse proxies, each appends to
    X-Forwarded-For, so the client is that many hops from the right; anything further left was sent by
    the client and cannot be trusted. With no proxies, REMOTE_ADDR."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def axes_client_ip(request, *args, **kwargs) -> str:
    """django-axes' lockouts count the same client address as everything else (AXES_CLIENT_IP_CALLABLE)."""
    return client_ip(request)
