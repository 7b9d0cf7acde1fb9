def only_portal_api_paths(endpoints):
    """drf-spectacular preprocessing hook: the schema documents our versioned API (/api/v1/) only,
    not Wagtail's own admin API or the headless CMS API."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]
