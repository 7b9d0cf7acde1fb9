from django.http import HttpResponse
from django.shortcuts import redirect
from django_htmx.http import HttpResponseClientRedirect


def full_redirect(request, url: str) -> HttpResponse:
    """After a successful form post, go to `url` as a whole page: htmx is told to navigate (HX-Redirect)
    instead of following a 302 in the background; plain forms get the usual 302."""
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)
