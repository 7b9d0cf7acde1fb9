"""The versioned partner API: /api/v1/… — each feature's endpoints; names under the "api" namespace for
accounts, companies and members, and each other feature's own namespace."""

from django.urls import include, path

from partner_area.accounts import api as accounts_api
from partner_area.companies import api as companies_api
from partner_area.members import api as members_api

core_patterns = [
    path("auth/token", accounts_api.TokenView.as_view(), name="token"),
    path("auth/tokens", accounts_api.TokenListView.as_view(), name="tokens"),
    path("auth/tokens/<int:token_id>", accounts_api.TokenDetailView.as_view(), name="token_detail"),
    path("me", companies_api.MeView.as_view(), name="me"),
    path("company", companies_api.CompanyView.as_view(), name="company"),
    path("members", members_api.MemberListView.as_view(), name="members"),
    path("members/<int:member_id>", members_api.MemberDetailView.as_view(), name="member"),
    path("invitations", members_api.InvitationListView.as_view(), name="invitations"),
    path("invitations/<int:invitation_id>", members_api.InvitationDetailView.as_view(), name="invitation"),
]

urlpatterns = [
    path("", include((core_patterns, "api"))),
    path("", include("partner_area.performance.api_urls")),
    path("", include("partner_area.billing.api_urls")),
]
