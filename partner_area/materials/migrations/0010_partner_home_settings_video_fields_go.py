"""The featured video becomes a translatable snippet, step 3 of 3: the video lives in FeaturedVideo (0009), so
the setting's own video columns go."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("materials", "0009_featured_video_from_settings"),
    ]

    operations = [
        migrations.RemoveField(model_name="partnerhomesettings", name=name)
        for name in (
            "featured_video_url",
            "featured_video_title",
            "featured_video_title_lv",
            "video_html",
            "video_thumbnail_url",
            "video_provider",
            "video_fetched_url",
        )
    ]
