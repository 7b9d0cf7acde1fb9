"""Demo announcements for different audiences, with Latvian versions, and the editors' approval workflow.
Idempotent; runs after the materials seed (one announcement is about its CRM product)."""

from datetime import timedelta

from django.utils import timezone
from wagtail.models import Locale

from partner_area.materials.selectors import product_by_slug
from partner_area.platform.tiers import Tier

from .editors import announcement_editor_setup
from .models import Announcement
from .selectors import announcements_of_record


def _latvian_version(announcement: Announcement, latvian: dict) -> None:
    """Publish the announcement's Latvian translation unless it has one (the editors' may differ from ours)."""
    locale, _ = Locale.objects.get_or_create(language_code="lv")
    if announcement.has_translation(locale):
        return
    translation = announcement.copy_for_translation(locale)
    for name, value in latvian.items():
        setattr(translation, name, value)
    translation.full_clean()
    translation.save()
    translation.save_revision().publish()


def _announcement(
    title: str, *, summary: str, body: str, latvian: dict, days_ago: int, companies=(), products=(), **fields
):
    announcement = announcements_of_record().filter(title=title).first()
    if announcement is None:
        announcement = Announcement(title=title, summary=summary, body=body, live=False, **fields)
        announcement.audience_companies = list(companies)
        announcement.audience_products = list(products)
        announcement.save()
        announcement.save_revision().publish()
        published = timezone.now() - timedelta(days=days_ago)
        Announcement.objects.filter(pk=announcement.pk).update(
            first_published_at=published, last_published_at=published
        )
    _latvian_version(announcement, latvian)
    return announcement


def announcements_seed() -> None:
    announcement_editor_setup()
    crm = product_by_slug(slug="crm")
    _announcement(
        "Welcome to the new partner portal",
        summary="Invoices, materials and support for your company, in one place.",
        body="<p>Everything you need from Brello is now in the partner portal. Start with the Materials library.</p>",
        latvian={
            "title": "Laipni lūdzam jaunajā partneru portālā",
            "summary": "Rēķini, materiāli un atbalsts jūsu uzņēmumam — vienuviet.",
            "body": "<p>Viss, kas jums vajadzīgs no Brello, tagad ir partneru portālā. "
            "Sāciet ar materiālu bibliotēku.</p>",
        },
        days_ago=10,
        pinned=True,
    )
    _announcement(
        "Brello CRM 6.0 is out",
        summary="Quotes with e-signature and a faster mobile app. Updated brochure in Materials.",
        body="<h2>What is new</h2><ul><li>Quotes with e-signature</li><li>A faster mobile app</li></ul>",
        latvian={
            "title": "Iznācis Brello CRM 6.0",
            "summary": "Piedāvājumi ar e-parakstu un ātrāka mobilā lietotne. Atjaunotā brošūra ir sadaļā “Materiāli”.",
            "body": "<h2>Kas jauns</h2><ul><li>Piedāvājumi ar e-parakstu</li><li>Ātrāka mobilā lietotne</li></ul>",
        },
        days_ago=3,
        product=crm,
        audience_all=False,
        products=[crm],
    )
    _announcement(
        "Gold and Platinum: spring incentive",
        summary="An extra 5% margin on Analytics deals closed before 31 May.",
        body="<p>Register your deals in the portal to qualify.</p>",
        latvian={
            "title": "Gold un Platinum partneriem: pavasara bonuss",
            "summary": "Papildu 5 % peļņas norma par Analytics darījumiem, kas noslēgti līdz 31. maijam.",
            "body": "<p>Lai saņemtu bonusu, reģistrējiet savus darījumus portālā.</p>",
        },
        days_ago=2,
        audience_all=False,
        audience_tiers=[Tier.GOLD, Tier.PLATINUM],
    )
    _announcement(
        "New partner terms for 2026",
        summary="Org admins: please review the updated partner programme terms.",
        body="<p>The new terms apply from 1 March 2026. Find them in Materials under Other.</p>",
        latvian={
            "title": "Jauni partneru programmas noteikumi 2026. gadam",
            "summary": "Organizāciju administratoriem: lūdzu, iepazīstieties ar atjauninātajiem "
            "partneru programmas noteikumiem.",
            "body": "<p>Jaunie noteikumi ir spēkā no 2026. gada 1. marta. "
            "Tie atrodami sadaļā “Materiāli”, kategorijā “Citi”.</p>",
        },
        days_ago=1,
        admins_only=True,
    )
