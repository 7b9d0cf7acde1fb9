"""The API's throttles, counting per client address as partner_area/platform/net.py reads it (one notion of "client
IP" for rate limits, lockouts, the API and the audit log)."""

from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from .net import client_ip


class ClientIpAnonThrottle(AnonRateThrottle):
    def get_ident(self, request):
        return client_ip(request)


class ClientIpUserThrottle(UserRateThrottle):
    def get_ident(self, request):
        return client_ip(request)
