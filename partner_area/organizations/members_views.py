"""Org admin: the company's members and invitations. (Being built.)"""

from django.shortcuts import render

from .access import partner_required


@partner_required(admin=True)
def members(request):
    return render(request, "organizations/members.html", {})
