"""A pytest hook for `--dist loadgroup`, kept free of Django so tests/test_xdist_groups.py can run it alone."""

import pytest


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """`--dist loadgroup` again keeps each `xdist_group` on one worker (an ERP test file and its Tryton servers,
    one Chromium, one Celery worker). xdist 3.8 marks a group by appending `@<group>` to the worker's node ids through
    `item._nodeid`, which pytest 9.2 no longer reads (pytest-dev/pytest-xdist#1386), so the controller saw no
    groups and spread them round-robin. Set the suffixed id where pytest 9.2 keeps it."""
    if not getattr(config.option, "loadgroup", False):
        return
    from _pytest.nodeid import NodeId

    for item in items:
        mark = item.get_closest_marker("xdist_group")
        if mark is None or "@" in item.nodeid:
            continue
        name = mark.args[0] if mark.args else mark.kwargs.get("name", "default")
        item._id = NodeId.parse(f"{item.nodeid}@{name}")
