from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from partner_area.companies.access import can_use_portal, membership_for
from partner_area.platform.ratelimits import count_against, limit_posts, over_limit

from .forms import RegistrationForm, ResendConfirmationForm, duplicate_company_message
from .services import (
    DuplicateCompanyError,
    EmailConfirmation,
    company_register,
    email_confirm,
    email_confirmation_send,
    existing_account_notify,
)


def _base_url(request) -> str:
    return f"{request.scheme}://{request.get_host()}/{get_language()}"


REGISTRATION_RATE_GROUP = "partner_area.registration.successful"


@require_http_methods(["GET", "POST"])
@limit_posts("RATELIMIT_REGISTRATION_ATTEMPTS", "ip")
def register(request):
    """The public application form: company data and the first person, who becomes its org admin.

    Two limits: a loose one on every POST (stops bots) and a tight one on successful registrations only, so
    people who mistype a field a few times are not locked out along with their office colleagues."""
    if request.user.is_authenticated:
        return redirect("partner:home")
    form = RegistrationForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if over_limit(request, "RATELIMIT_REGISTRATION", group=REGISTRATION_RATE_GROUP):
            form.add_error(None, _too_many_registrations_message(request))
            status = 429
        elif form.existing_account is not None:
            # Looks exactly like a registration; the owner of the address is told they have an account already.
            count_against(request, "RATELIMIT_REGISTRATION", group=REGISTRATION_RATE_GROUP)
            existing_account_notify(user=form.existing_account, base_url=_base_url(request))
            request.session["registered_email"] = form.cleaned_data["email"]
            return redirect("partner:register_done")
        else:
            try:
                membership = company_register(
                    company=form.company_data(),
                    person={**form.person_data(), "preferred_language": get_language()},
                    password=form.cleaned_data["password1"],
                    terms_version=settings.PARTNER_TERMS_VERSION,
                )
            except DuplicateCompanyError:
                form.add_error("registration_number", duplicate_company_message())
            else:
                count_against(request, "RATELIMIT_REGISTRATION", group=REGISTRATION_RATE_GROUP)
                email_confirmation_send(user=membership.user, base_url=_base_url(request))
                request.session["registered_email"] = membership.user.email
                return redirect("partner:register_done")
    return render(
        request,
        "onboarding/register.html",
        {"form": form, "terms_version": settings.PARTNER_TERMS_VERSION},
        status=status,
    )


def _too_many_registrations_message(request) -> str:
    minutes = max(1, -(-getattr(request, "ratelimit_retry_after", 3600) // 60))
    return ngettext(
        "Several companies have just been registered from your network. Please try again in about %(minutes)d minute.",
        "Several companies have just been registered from your network. Please try again in about %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


# The partner terms: a public page editors publish with this slug; until they do, the partner programme page.
TERMS_PAGE_SLUGS = ("partner-terms", "partner-programme")


def partner_terms(request):
    """Send the reader to the partner terms in their language (linked from the registration form)."""
    from wagtail.models import Page

    for slug in TERMS_PAGE_SLUGS:
        page = Page.objects.live().public().filter(slug=slug, locale__language_code="en").first()
        if page is not None:
            return redirect(page.localized.get_url(request))
    raise Http404("No partner terms page")


def register_done(request):
    return render(request, "onboarding/register_done.html", {"email": request.session.get("registered_email")})


def confirm_email(request, token: str):
    """Confirm the address once. The link never logs anyone in (it travels by e-mail and can be forwarded
    or reopened): the person logs in with the password they chose, and lands on their application's status."""
    outcome = email_confirm(token=token)
    if outcome is None:
        messages.error(request, _("This confirmation link is invalid or has expired. Ask for a new one below."))
        return redirect("partner:resend_confirmation")
    if request.user.is_authenticated:
        messages.success(request, _("Thank you — your e-mail address is confirmed."))
        return redirect("partner:home")
    if outcome is EmailConfirmation.CONFIRMED:
        messages.success(
            request, _("Thank you — your e-mail address is confirmed. Log in with the password you chose.")
        )
    else:
        messages.info(request, _("Your e-mail address is already confirmed — log in with your password."))
    return redirect("partner:login")


@require_http_methods(["GET", "POST"])
@limit_posts("RATELIMIT_FORMS", "ip", "post:email")
def resend_confirmation(request):
    from django.contrib.auth import get_user_model

    form = ResendConfirmationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = (
            get_user_model()
            .objects.filter(email__iexact=form.cleaned_data["email"], email_confirmed_at__isnull=True)
            .first()
        )
        if user is not None:
            email_confirmation_send(user=user, base_url=_base_url(request))
        # The same answer whether or not the address is known: nothing to learn here.
        messages.success(request, _("If that address is waiting for confirmation, a new link is on its way."))
        return redirect("partner:resend_confirmation")
    return render(request, "onboarding/resend_confirmation.html", {"form": form})


@login_required
def status(request):
    """Where people whose company is not (yet) active land: under review, being verified, rejected."""
    membership = membership_for(request)
    if membership is None:
        raise Http404("Not a partner")
    if can_use_portal(membership):
        return redirect("partner:home")
    return render(request, "onboarding/status.html", {"membership": membership, "company": membership.company})
