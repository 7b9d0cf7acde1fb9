"""The featured video on the partner home: the provider is asked once, when editors choose the video;
the home renders the stored snapshot without calling it again."""

from types import SimpleNamespace

import pytest

from partner_area.companies.models import Role
from partner_area.materials.models import FeaturedVideo, PartnerHomeSettings
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

PLAYER = '<iframe src="https://www.youtube-nocookie.com/embed/abc" title="Demo"></iframe>'


def test_the_featured_video_is_fetched_once_and_rendered_from_the_snapshot(client, monkeypatch):
    calls = []

    def fake_get_embed(url, max_width=None, max_height=None):
        calls.append(url)
        return SimpleNamespace(html=PLAYER, title="Brello in two minutes", thumbnail_url="", provider_name="YouTube")

    monkeypatch.setattr("wagtail.embeds.embeds.get_embed", fake_get_embed)
    video = FeaturedVideo(url="https://www.youtube.com/watch?v=abc")
    video.save()
    video.save()  # saving again with the same address asks nobody
    assert calls == ["https://www.youtube.com/watch?v=abc"]
    home_settings = PartnerHomeSettings.load()
    home_settings.featured_video = video
    home_settings.save()

    member = MembershipFactory(role=Role.USER)
    client.force_login(member.user)
    html = client.get("/en/partner/").content.decode()
    # The stored player, named by the title (here the provider's, as the editor gave none).
    assert '<iframe title="Brello in two minutes" src="https://www.youtube-nocookie.com/embed/abc"></iframe>' in html
    assert len(calls) == 1


def test_a_video_the_provider_cannot_embed_shows_a_link(client, monkeypatch):
    from wagtail.embeds.exceptions import EmbedNotFoundException

    def failing_get_embed(url, max_width=None, max_height=None):
        raise EmbedNotFoundException

    monkeypatch.setattr("wagtail.embeds.embeds.get_embed", failing_get_embed)
    home_settings = PartnerHomeSettings.load()
    home_settings.featured_video = FeaturedVideo.objects.create(url="https://example.com/video", title="Our video")
    home_settings.save()
    client.force_login(MembershipFactory(role=Role.USER).user)
    html = client.get("/en/partner/").content.decode()
    assert 'href="https://example.com/video"' in html and "Watch the video" in html and "Our video" in html


def test_without_a_chosen_video_the_home_shows_none(client):
    client.force_login(MembershipFactory(role=Role.USER).user)
    assert "home-video-heading" not in client.get("/en/partner/").content.decode()
