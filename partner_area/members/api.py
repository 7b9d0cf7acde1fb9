"""/api/v1/members and /api/v1/invitations: the org admin's member management as JSON."""

from django.utils.decorators import method_decorator
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from partner_area.companies.access import IsActivePartner
from partner_area.companies.models import Invitation, Membership, Role
from partner_area.platform.ratelimits import invitation_limits
from partner_area.platform.sections import Section

from . import selectors, services


class MemberOutput(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email")
    first_name = serializers.CharField(source="user.first_name")
    last_name = serializers.CharField(source="user.last_name")
    sections = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = Membership
        fields = ["id", "email", "first_name", "last_name", "role", "sections", "is_active", "created_at"]


class MemberUpdateInput(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)
    sections = serializers.ListField(child=serializers.ChoiceField(choices=Section.choices), default=list)
    is_active = serializers.BooleanField(required=False)


class InvitationOutput(serializers.ModelSerializer):
    sections = serializers.ListField(child=serializers.CharField())
    status = serializers.CharField()

    class Meta:
        model = Invitation
        fields = ["id", "email", "role", "sections", "status", "created_at", "expires_at"]


class InvitationInput(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    role = serializers.ChoiceField(choices=Role.choices, default=Role.USER)
    sections = serializers.ListField(child=serializers.ChoiceField(choices=Section.choices), default=list)


class AdminOnly(APIView):
    permission_classes = [IsActivePartner]
    partner_admin_only = True


class MemberListView(AdminOnly):
    @extend_schema(responses=MemberOutput(many=True))
    def get(self, request):
        return Response(MemberOutput(selectors.member_list(membership=request.membership), many=True).data)


class MemberDetailView(AdminOnly):
    @extend_schema(responses=MemberOutput)
    def get(self, request, member_id: int):
        member = selectors.member_get(membership=request.membership, member_id=member_id)
        return Response(MemberOutput(member).data)

    @extend_schema(request=MemberUpdateInput, responses=MemberOutput)
    def patch(self, request, member_id: int):
        member = selectors.member_get(membership=request.membership, member_id=member_id)
        data = MemberUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        # A service's ValidationError answers 400 through the project's exception handler (platform/api.py).
        member = services.member_update(
            membership=request.membership,
            member=member,
            role=values["role"],
            sections=values["sections"],
            request=request,
        )
        if "is_active" in values and values["is_active"] != member.is_active:
            change = services.member_reactivate if values["is_active"] else services.member_deactivate
            member = change(membership=request.membership, member=member, request=request)
        return Response(MemberOutput(member).data)


@method_decorator(invitation_limits, name="post")  # each one sends an e-mail
class InvitationListView(AdminOnly):
    @extend_schema(responses=InvitationOutput(many=True))
    def get(self, request):
        return Response(InvitationOutput(selectors.invitation_list(membership=request.membership), many=True).data)

    @extend_schema(request=InvitationInput, responses={201: InvitationOutput})
    def post(self, request):
        data = InvitationInput(data=request.data)
        data.is_valid(raise_exception=True)
        invitation = services.invitation_create(membership=request.membership, request=request, **data.validated_data)
        return Response(InvitationOutput(invitation).data, status=status.HTTP_201_CREATED)


class InvitationDetailView(AdminOnly):
    @extend_schema(responses={204: None})
    def delete(self, request, invitation_id: int):
        invitation = selectors.invitation_get(membership=request.membership, invitation_id=invitation_id)
        services.invitation_revoke(membership=request.membership, invitation=invitation, request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)
