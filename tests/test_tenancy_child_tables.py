"""Child tables are tenant data too: their `objects` follows the tenant path through the parent row to the company
(partner_area/platform/tenancy.py), refuses any query that names no company, and the parent's related managers
(`request.comments`, `invoice.lines`) keep working because `unscoped` stays the default manager."""

import pytest
from django.db.models import Prefetch
from django.utils import timezone

from partner_area.announcements.models import AnnouncementRead
from partner_area.billing.models import Invoice, InvoiceLine
from partner_area.companies.models import Role
from partner_area.materials.models import MaterialsVisit
from partner_area.platform.tenancy import UnscopedQueryError
from partner_area.support.models import SupportAttachment, SupportComment, SupportRequest
from tests.factories import CompanyFactory, InvoiceLineFactory, MembershipFactory

from .announcements.helpers import make_announcement

pytestmark = pytest.mark.django_db

CHILD_MODELS = [SupportComment, SupportAttachment, InvoiceLine, AnnouncementRead, MaterialsVisit]


def _company_with_child_rows(name: str) -> dict:
    company = CompanyFactory(legal_name=f"{name} SIA")
    admin = MembershipFactory(company=company, role=Role.ADMIN)
    request = SupportRequest.unscoped.create(
        company=company, requester=admin.user, subject=f"{name} needs help", description="Please help."
    )
    comment = SupportComment.unscoped.create(support_request=request, author=admin.user, body=f"{name} writes")
    attachment = SupportAttachment.unscoped.create(
        support_request=request, comment=comment, filename=f"{name}.txt", content_type="text/plain", size=3
    )
    line = InvoiceLineFactory(invoice__company=company, description=f"{name} licence")
    read = AnnouncementRead.unscoped.create(announcement=make_announcement(), user=admin.user)
    visit = MaterialsVisit.unscoped.create(user=admin.user, last_visit_at=timezone.now())
    rows = {
        SupportComment: comment, SupportAttachment: attachment, InvoiceLine: line, AnnouncementRead: read,
        MaterialsVisit: visit,
    }  # fmt: skip
    return {"company": company, "request": request, "invoice": line.invoice, "rows": rows}


@pytest.fixture
def two_companies():
    return _company_with_child_rows("Mine"), _company_with_child_rows("Theirs")


@pytest.mark.parametrize("model", CHILD_MODELS, ids=lambda model: model.__name__)
def test_a_child_table_answers_only_for_a_named_company(model, two_companies):
    mine, theirs = two_companies
    assert list(model.objects.for_company(mine["company"])) == [mine["rows"][model]]
    assert list(model.objects.for_company(theirs["company"])) == [theirs["rows"][model]]
    assert not model.objects.for_company(mine["company"]).filter(pk=theirs["rows"][model].pk).exists()


@pytest.mark.parametrize("model", CHILD_MODELS, ids=lambda model: model.__name__)
def test_a_child_table_refuses_queries_and_writes_that_name_no_company(model, two_companies):
    mine, _theirs = two_companies
    with pytest.raises(UnscopedQueryError):
        list(model.objects.all())
    with pytest.raises(UnscopedQueryError):
        model.objects.filter(pk=mine["rows"][model].pk).exists()
    with pytest.raises(UnscopedQueryError):
        model.objects.get(pk=mine["rows"][model].pk)
    with pytest.raises(UnscopedQueryError):
        model.objects.count()
    with pytest.raises(UnscopedQueryError):
        model.objects.for_company(None)


def test_an_already_scoped_parent_still_reaches_its_children(two_companies):
    mine, theirs = two_companies
    request = SupportRequest.objects.for_company(mine["company"]).get()
    assert [comment.body for comment in request.comments.all()] == ["Mine writes"]
    assert [attachment.filename for attachment in request.attachments.all()] == ["Mine.txt"]
    (invoice,) = Invoice.objects.for_company(mine["company"]).prefetch_related("lines")
    assert [line.description for line in invoice.lines.all()] == ["Mine licence"]
    comments = SupportComment.objects.for_company(mine["company"]).prefetch_related(
        Prefetch("attachments", queryset=request.attachments.all())
    )
    assert [[a.filename for a in comment.attachments.all()] for comment in comments] == [["Mine.txt"]]
    # Deleting a parent cascades through the default manager to its children, whatever the company scope.
    theirs["request"].delete()
    assert not SupportComment.unscoped.filter(support_request_id=theirs["request"].pk).exists()
