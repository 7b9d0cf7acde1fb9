"""JSON twins of the partner pages: /api/v1/me, /api/v1/company (members and invitations: partner_area/members/api.py;
API tokens: partner_area/accounts/api.py)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .access import IsActivePartner, membership_for
from .models import Company


class CompanyOutput(serializers.ModelSerializer):
    upline = serializers.CharField(source="parent.legal_name", default=None, allow_null=True)

    class Meta:
        model = Company
        fields = [
            "id", "legal_name", "registration_number", "vat_number", "country", "address", "city",
            "postal_code", "phone", "email", "website", "status", "tier", "upline", "created_at",
        ]  # fmt: skip


class MeOutput(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    preferred_language = serializers.CharField()
    role = serializers.CharField(allow_null=True)
    sections = serializers.ListField(child=serializers.CharField())
    company = serializers.DictField(allow_null=True)


class MeView(APIView):
    """The logged-in person, their role, the sections they may open and their company's status."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeOutput)
    def get(self, request):
        membership = membership_for(request)
        user = request.user
        data = {
            "id": user.pk,
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "preferred_language": user.preferred_language,
            "role": membership.role if membership else None,
            "sections": membership.sections if membership and membership.is_active else [],
            "company": (
                {"id": membership.company_id, "legal_name": membership.company.legal_name,
                 "status": membership.company.status}
                if membership else None
            ),
        }  # fmt: skip
        return Response(MeOutput(data).data)


class CompanyView(APIView):
    """The acting member's own company."""

    permission_classes = [IsActivePartner]

    @extend_schema(responses=CompanyOutput)
    def get(self, request):
        company = Company.objects.select_related("parent").get(pk=request.membership.company_id)
        return Response(CompanyOutput(company).data)
