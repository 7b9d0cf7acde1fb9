def csp_nonce(request) -> dict:
    """Expose django-csp's per-request nonce as `csp_nonce`, the name django-htmx's tag reads.

    Converted to str here: django-csp's lazy nonce is falsy until first used, and the tag tests it
    for truth before using it, so it would otherwise never be rendered."""
    nonce = getattr(request, "csp_nonce", None)
    return {"csp_nonce": str(nonce) if nonce is not None else ""}
