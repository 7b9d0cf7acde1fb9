"""Moved to tests/factories.py (one module for all test data); /tmp/h/rewrite_factories.py retires this name."""

from tests.factories import CompanyFactory, InvitationFactory, MembershipFactory, TenantModelFactory

__all__ = ["CompanyFactory", "InvitationFactory", "MembershipFactory", "TenantModelFactory"]
