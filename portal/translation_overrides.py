"""Django messages whose Latvian translation the project words itself: strings listed here stay in the
project's catalogue (LOCALE_PATHS is searched before Django's own), where makemessages would otherwise drop them.

- filesizeformat's "%(size)d byte": Django's lv catalogue has the three plural forms in the wrong order
  ("1 baitu", "45 baits").
"""

from django.utils.translation import ngettext_lazy

OVERRIDES = [
    ngettext_lazy("%(size)d byte", "%(size)d bytes", 1),
]
