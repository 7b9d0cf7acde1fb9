"""Every StreamField block an editor can use renders for visitors, and rejects bad input."""

import json

import pytest
from wagtail import blocks
from wagtail.images import get_image_model

from cms_pages.blocks import LinkBlock, VideoBlock, video_embed_url
from cms_pages.models import ContentPage
from cms_pages.seed import _demo_image

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_with_every_block(public_site):
    image = _demo_image("hero")
    logo = _demo_image("logo-nordlink")
    faq = ContentPage.objects.get(slug="faq", locale__language_code="en")
    body = [
        {
            "type": "hero",
            "value": {
                "heading": "Hero heading",
                "text": "Hero text",
                "image": image.pk,
                "buttons": [{"label": "Hero button", "page": faq.pk, "url": ""}],
            },
        },
        {"type": "rich_text", "value": "<p>Some <b>rich</b> text</p>"},
        {
            "type": "feature_grid",
            "value": {
                "heading": "Features",
                "intro": "",
                "features": [{"icon": "chart", "title": "Feature one", "text": "F1"}],
            },
        },
        {
            "type": "benefit_list",
            "value": {"heading": "Benefits", "benefits": [{"icon": "star", "title": "Benefit one", "text": "B1"}]},
        },
        {
            "type": "image_text",
            "value": {"image": image.pk, "heading": "Image and text", "text": "<p>IT</p>", "image_position": "right"},
        },
        {
            "type": "call_to_action",
            "value": {
                "heading": "Act now",
                "text": "",
                "button": {"label": "External", "page": None, "url": "https://brello.example/apply"},
            },
        },
        {"type": "video", "value": {"url": "https://youtu.be/aqz-KE-bpKQ", "title": "Intro video", "caption": "Cap"}},
        {"type": "faq", "value": {"heading": "Questions", "items": [{"question": "Q1?", "answer": "<p>A1</p>"}]}},
        {
            "type": "logo_strip",
            "value": {"heading": "Logos", "logos": [{"image": logo.pk, "name": "Nordlink", "url": ""}]},
        },
    ]
    page = ContentPage(title="Every block", slug="every-block", body=json.dumps(body))
    public_site.add_child(instance=page)
    page.save_revision().publish()
    return page


def test_each_block_type_renders(client, page_with_every_block):
    html = client.get("/en/every-block/").content.decode()
    assert '<h1 class="hero__heading">Hero heading</h1>' in html
    assert '<a class="button" href="/en/faq/">Hero button</a>' in html
    assert "<p>Some <b>rich</b> text</p>" in html
    assert '<h3 class="feature__title">Feature one</h3>' in html
    assert '<h3 class="benefit__title">Benefit one</h3>' in html
    assert "image-text--right" in html
    assert 'href="https://brello.example/apply">External</a>' in html
    assert 'src="https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ" title="Intro video"' in html
    assert "<summary>Q1?</summary>" in html
    assert 'alt="Nordlink"' in html
    # The hero carries the page's only h1: no second heading from the page header.
    assert html.count("<h1") == 1


def test_every_block_type_is_offered_to_editors():
    from cms_pages.blocks import PageBodyBlock

    assert set(PageBodyBlock.base_blocks) == {
        "hero", "rich_text", "feature_grid", "benefit_list", "image_text",
        "call_to_action", "video", "faq", "logo_strip",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.youtube.com/watch?v=aqz-KE-bpKQ", "https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ"),
        ("https://youtu.be/aqz-KE-bpKQ", "https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ"),
        ("https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871?dnt=1"),
        ("https://evil.example/watch?v=aqz-KE-bpKQ", None),
        ("javascript:alert(1)", None),
    ],
)
def test_video_links_become_privacy_friendly_players(url, expected):
    assert video_embed_url(url) == expected


def test_video_block_refuses_a_link_that_is_not_a_video():
    with pytest.raises(blocks.StructBlockValidationError) as error:
        VideoBlock().clean({"url": "https://evil.example/clip", "title": "Clip", "caption": ""})
    assert "url" in error.value.block_errors


def test_button_needs_a_page_or_an_address():
    with pytest.raises(blocks.StructBlockValidationError):
        LinkBlock().clean({"label": "Go", "page": None, "url": ""})


def test_demo_images_are_real_images():
    image = _demo_image("finance")
    assert (image.width, image.height) == (600, 320)
    assert get_image_model().objects.filter(title="Brello Finance").count() == 1
