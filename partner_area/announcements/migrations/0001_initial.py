"""Announcements move out of the materials app with their tables: this migration only tells Django's state
that the models now live here (same table names, db_table); materials 0003 removes them from the materials
state. Nothing is created, dropped or copied in the database."""

import django.db.models.deletion
import django.utils.timezone
import modelcluster.fields
import partner_area.platform.audience
import wagtail.fields
import wagtail.models.preview
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('materials', '0003_announcements_move_out'),
        ('organizations', '0005_unverified_companies_leave_the_erp'),
        ('wagtailcore', '0098_apitoken'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Announcement',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('live', models.BooleanField(default=True, editable=False, verbose_name='live')),
                        ('has_unpublished_changes', models.BooleanField(default=False, editable=False, verbose_name='has unpublished changes')),
                        ('first_published_at', models.DateTimeField(blank=True, db_index=True, null=True, verbose_name='first published at')),
                        ('last_published_at', models.DateTimeField(editable=False, null=True, verbose_name='last published at')),
                        ('go_live_at', models.DateTimeField(blank=True, null=True, verbose_name='go live date/time')),
                        ('expire_at', models.DateTimeField(blank=True, null=True, verbose_name='expiry date/time')),
                        ('expired', models.BooleanField(default=False, editable=False, verbose_name='expired')),
                        ('locked', models.BooleanField(default=False, editable=False, verbose_name='locked')),
                        ('locked_at', models.DateTimeField(editable=False, null=True, verbose_name='locked at')),
                        ('audience_all', models.BooleanField(default=True, help_text='Untick to choose tiers, countries, products or companies.', verbose_name='all partners')),
                        ('audience_tiers', partner_area.platform.audience.ChoiceListField(blank=True, default='', item_choices=[('standard', 'Standard'), ('silver', 'Silver'), ('gold', 'Gold'), ('platinum', 'Platinum')], max_length=255, verbose_name='tiers')),
                        ('audience_countries', partner_area.platform.audience.ChoiceListField(blank=True, default='', item_choices=[('AT', 'Austria'), ('BE', 'Belgium'), ('BG', 'Bulgaria'), ('HR', 'Croatia'), ('CY', 'Cyprus'), ('CZ', 'Czechia'), ('DK', 'Denmark'), ('EE', 'Estonia'), ('FI', 'Finland'), ('FR', 'France'), ('DE', 'Germany'), ('GR', 'Greece'), ('HU', 'Hungary'), ('IE', 'Ireland'), ('IT', 'Italy'), ('LV', 'Latvia'), ('LT', 'Lithuania'), ('LU', 'Luxembourg'), ('MT', 'Malta'), ('NL', 'Netherlands'), ('NO', 'Norway'), ('PL', 'Poland'), ('PT', 'Portugal'), ('RO', 'Romania'), ('SK', 'Slovakia'), ('SI', 'Slovenia'), ('ES', 'Spain'), ('SE', 'Sweden')], max_length=200, verbose_name='countries')),
                        ('admins_only', models.BooleanField(default=False, help_text='Only the organisation admins of the chosen companies.', verbose_name='org admins only')),
                        ('title', models.CharField(max_length=200, verbose_name='title')),
                        ('summary', models.TextField(help_text='Shown in lists and in the e-mail.', max_length=400, verbose_name='summary')),
                        ('body', wagtail.fields.RichTextField(blank=True, verbose_name='body')),
                        ('title_lv', models.CharField(blank=True, max_length=200, verbose_name='title in Latvian')),
                        ('summary_lv', models.TextField(blank=True, max_length=400, verbose_name='summary in Latvian')),
                        ('body_lv', wagtail.fields.RichTextField(blank=True, verbose_name='body in Latvian')),
                        ('pinned', models.BooleanField(default=False, help_text='Pinned announcements come first.', verbose_name='pinned')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                        ('audience_companies', modelcluster.fields.ParentalManyToManyField(blank=True, help_text='Always included, whatever the other parts say.', related_name='+', to='organizations.company', verbose_name='specific companies')),
                        ('audience_products', modelcluster.fields.ParentalManyToManyField(blank=True, help_text='Companies that sell at least one of these products.', related_name='+', to='materials.product', verbose_name='partners of products')),
                        ('latest_revision', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='wagtailcore.revision', verbose_name='latest revision')),
                        ('live_revision', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='wagtailcore.revision', verbose_name='live revision')),
                        ('locked_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='locked_%(class)ss', to=settings.AUTH_USER_MODEL, verbose_name='locked by')),
                        ('product', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='materials.product', verbose_name='product')),
                    ],
                    options={
                        'verbose_name': 'announcement',
                        'verbose_name_plural': 'announcements',
                        'db_table': 'materials_announcement',
                        'ordering': ['-pinned', '-first_published_at', '-pk'],
                    },
                    bases=(wagtail.models.preview.PreviewableMixin, models.Model),
                ),
                migrations.CreateModel(
                    name='AnnouncementDelivery',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('email', models.EmailField(max_length=254, verbose_name='e-mail')),
                        ('status', models.CharField(choices=[('queued', 'Queued'), ('sending', 'Sending'), ('sent', 'Sent'), ('failed', 'Failed'), ('skipped', 'Skipped (opted out)')], db_index=True, default='queued', max_length=8, verbose_name='status')),
                        ('error', models.CharField(blank=True, max_length=255, verbose_name='error')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='queued')),
                        ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='sent')),
                        ('announcement', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='deliveries', to='announcements.announcement')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'announcement e-mail',
                        'verbose_name_plural': 'announcement e-mails',
                        'db_table': 'materials_announcementdelivery',
                        'indexes': [models.Index(fields=['announcement', 'status'], name='delivery_announcement_status')],
                        'constraints': [models.UniqueConstraint(fields=('announcement', 'user'), name='announcement_delivery_once')],
                    },
                ),
                migrations.CreateModel(
                    name='AnnouncementRead',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('read_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='read')),
                        ('announcement', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reads', to='announcements.announcement')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'announcement read',
                        'verbose_name_plural': 'announcement reads',
                        'db_table': 'materials_announcementread',
                        'constraints': [models.UniqueConstraint(fields=('announcement', 'user'), name='announcement_read_once')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
