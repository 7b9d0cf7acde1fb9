from django.urls import include, path

from . import company_views, members_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("register/", views.register, name="register"),
    path("register/check-your-inbox/", views.register_done, name="register_done"),
    path("terms/", views.partner_terms, name="terms"),
    path("confirm-email/<str:token>/", views.confirm_email, name="confirm_email"),
    path("confirm-email-again/", views.resend_confirmation, name="resend_confirmation"),
    path("status/", views.status, name="status"),
    # Sections; later issues fill them in.
    path("support/", include("partner_area.support.urls")),  # names: support, support_new, support_detail, …
    # Org admin
    path("company/", company_views.company_profile, name="company"),
    path("company/contacts/new/", company_views.company_contact_new, name="company_contact_new"),
    path("company/contacts/<int:contact_id>/", company_views.company_contact_edit, name="company_contact_edit"),
    path("members/", members_views.members, name="members"),
    path("members/invite/", members_views.member_invite, name="member_invite"),
    path("members/<int:member_id>/", members_views.member_edit, name="member_edit"),
    path("members/<int:member_id>/deactivate/", members_views.member_deactivate, name="member_deactivate"),
    path("members/<int:member_id>/reactivate/", members_views.member_reactivate, name="member_reactivate"),
    path("members/invitations/<int:invitation_id>/resend/", members_views.invitation_resend, name="invitation_resend"),
    path("members/invitations/<int:invitation_id>/revoke/", members_views.invitation_revoke, name="invitation_revoke"),
    path("invitations/<str:token>/", members_views.invitation_accept, name="invitation_accept"),
]
