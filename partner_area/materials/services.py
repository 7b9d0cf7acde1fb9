"""Writes for the materials library: file intake, downloads, visits; and the home's featured video."""

import logging
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.http import HttpResponse
from django.utils import timezone

from partner_area.companies.models import Membership
from partner_area.platform.storage import private_file_response

from .models import FeaturedVideo, Material, MaterialDownload, MaterialsVisit
from .selectors import first_visit_new_since
from .thumbnails import thumbnail_for
from .validators import safe_file_name, validate_material_file

logger = logging.getLogger(__name__)

# A break this long between two openings of the library starts a new visit (badges are kept within one).
VISIT_GAP = timedelta(minutes=30)


def material_file_accept(*, material: Material, uploaded) -> None:
    """Validate an uploaded file and fill the file fields of `material` (name, type, size, thumbnail)."""
    kind = validate_material_file(uploaded)
    extension = uploaded.name.rsplit(".", 1)[-1].lower()
    material.file_name = safe_file_name(uploaded.name, extension=extension)
    material.file_kind = kind.key
    material.content_type = kind.content_type
    material.file_size = uploaded.size
    uploaded.seek(0)
    data = uploaded.read() if kind.key in ("image", "pdf") else b""
    uploaded.seek(0)
    preview = thumbnail_for(data, kind=kind.key) if data else None
    if material.thumbnail:
        material.thumbnail.delete(save=False)
    if preview:
        material.thumbnail.save(f"{material.file_name.rsplit('.', 1)[0]}.webp", ContentFile(preview), save=False)


def material_download_record(*, material: Material, membership: Membership) -> MaterialDownload:
    """Log who downloaded what and when."""
    # unscoped: a write of the acting member's own download, with its company set from that member
    return MaterialDownload.unscoped.create(
        material=material,
        user=membership.user,
        user_email=membership.user.email,
        company=membership.company,
        role=membership.role,
    )


def material_file_response(*, material: Material) -> HttpResponse:
    """The file itself: a redirect to a short-lived presigned URL on S3, else a streamed response."""
    return private_file_response(file=material.file, filename=material.file_name, content_type=material.content_type)


def materials_visit_record(*, membership: Membership) -> datetime:
    """Note this opening of the library; returns the moment after which materials count as new."""
    now = timezone.now()
    visit, created = MaterialsVisit.objects.for_company(membership.company).get_or_create(
        user_id=membership.user_id, defaults={"last_visit_at": now}
    )
    if created:
        return first_visit_new_since()
    if now - visit.last_visit_at > VISIT_GAP:
        visit.previous_visit_at = visit.last_visit_at
    visit.last_visit_at = now
    visit.save(update_fields=["previous_visit_at", "last_visit_at"])
    return visit.previous_visit_at or first_visit_new_since()


def featured_video_snapshot(*, video: FeaturedVideo) -> None:
    """Ask the provider (through Wagtail embeds) once for the video's player; keep what the page needs."""
    from wagtail.embeds.embeds import get_embed
    from wagtail.embeds.exceptions import EmbedException

    video.video_html = video.video_thumbnail_url = video.video_provider = ""
    video.video_fetched_url = video.url
    if not video.url:
        return
    try:
        embed = get_embed(video.url)
    except (EmbedException, OSError) as error:
        logger.warning("Featured video %s could not be embedded: %s", video.url, error)
        return
    video.video_html = embed.html
    video.video_thumbnail_url = (embed.thumbnail_url or "")[:500]
    video.video_provider = (embed.provider_name or "")[:80]
    if not video.title:
        video.title = (embed.title or "")[:120]


def material_create(
    *, title: str, category, uploaded, products=(), audience_companies=(), audience_products=(), **fields
):
    """Add a material from an uploaded file (validated like an editor's upload)."""
    material = Material(title=title, category=category, **fields)
    material_file_accept(material=material, uploaded=uploaded)
    material.file.save(uploaded.name, uploaded, save=False)
    material.products = list(products)
    material.audience_companies = list(audience_companies)
    material.audience_products = list(audience_products)
    material.full_clean()
    material.save()
    return material
