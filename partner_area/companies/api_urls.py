from django.urls import path

from partner_area.accounts import api as accounts_api

from . import api, api_members

app_name = "api"

urlpatterns = [
    path("auth/token", accounts_api.TokenView.as_view(), name="token"),
    path("auth/tokens", accounts_api.TokenListView.as_view(), name="tokens"),
    path("auth/tokens/<int:token_id>", accounts_api.TokenDetailView.as_view(), name="token_detail"),
    path("me", api.MeView.as_view(), name="me"),
    path("company", api.CompanyView.as_view(), name="company"),
    path("members", api_members.MemberListView.as_view(), name="members"),
    path("members/<int:member_id>", api_members.MemberDetailView.as_view(), name="member"),
    path("invitations", api_members.InvitationListView.as_view(), name="invitations"),
    path("invitations/<int:invitation_id>", api_members.InvitationDetailView.as_view(), name="invitation"),
]
