"""Date and number formats for the portal's languages (settings.FORMAT_MODULE_PATH).

Only English is overridden: Django's own "en" formats are American (m/d/Y), and the partners are
Latvian and European companies. Latvian uses Django's own lv formats.
"""
