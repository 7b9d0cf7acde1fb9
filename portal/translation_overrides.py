"""Messages of Django, its auth app and Django REST framework whose Latvian translation the project words itself.
The strings listed here stay in the project's catalogue, which is searched before the libraries' own
(LOCALE_PATHS), where makemessages would otherwise drop them as unused.

- filesizeformat's "%(size)d byte" and timesince's "%(num)d minute" etc.: Django's lv catalogue has the three
  plural forms in the wrong order ("45 baits", "5 minūte").
- Wagtail's "%(time_period)s ago", untranslated in its lv catalogue (the admin's "5 minutes ago").
- Form and API messages the libraries word informally ("Ievadi…", "Tev nav…", "Pārliecinies…"), while the
  portal addresses partners formally ("Ievadiet…").
"""

from django.utils.translation import gettext_lazy, ngettext_lazy

OVERRIDES = [
    ngettext_lazy("%(size)d byte", "%(size)d bytes", 1),
    ngettext_lazy("%(num)d year", "%(num)d years", 1),
    ngettext_lazy("%(num)d month", "%(num)d months", 1),
    ngettext_lazy("%(num)d week", "%(num)d weeks", 1),
    ngettext_lazy("%(num)d day", "%(num)d days", 1),
    ngettext_lazy("%(num)d hour", "%(num)d hours", 1),
    ngettext_lazy("%(num)d minute", "%(num)d minutes", 1),
    gettext_lazy("%(time_period)s ago"),
    gettext_lazy("Enter a valid email address."),
    gettext_lazy("Enter a valid URL."),
    gettext_lazy("Upload a valid image. The file you uploaded was either not an image or a corrupted image."),
    gettext_lazy("You do not have permission to perform this action."),
    gettext_lazy("Enter the same password as before, for verification."),
    gettext_lazy("Please enter a correct %(username)s and password. Note that both fields may be case-sensitive."),
    gettext_lazy("Your old password was entered incorrectly. Please enter it again."),
    gettext_lazy("Ensure this field has no more than {max_length} characters."),
    gettext_lazy("Ensure this field has at least {min_length} characters."),
    gettext_lazy("Ensure this value is greater than or equal to {min_value}."),
    gettext_lazy("Ensure this value is less than or equal to {max_value}."),
]
