"""Make `--dist loadgroup` keep each `@pytest.mark.xdist_group` on one worker, and prove it at the end of a run.

pytest-xdist 3.8 groups tests by a `@<group>` suffix on the node id, which its worker writes to `item._nodeid`
(xdist/remote.py, pytest_collection_modifyitems). Since pytest 9 an item's `nodeid` is read from `item._id` (a
NodeId), so the suffix is lost and every grouped test is scheduled on its own: Tryton and browser tests land on
both workers (pytest-dev/pytest-xdist#1386). The hook below sets the suffix where pytest reads it; once xdist
does that itself, the suffix is already there and the hook leaves the item alone.

On the controller, `pytest_runtest_logreport` notes which worker ran each grouped test (the group travels in the
report's user_properties, whatever the node id says); the terminal summary says
where each group ran, and a group that ran on two workers fails the run.
"""

from __future__ import annotations

from collections import defaultdict

import pytest
from _pytest.nodeid import NodeId


def group_of(nodeid: str) -> str | None:
    """The xdist group in a node id's suffix, as xdist's LoadGroupScheduling reads it."""
    if nodeid.rfind("@") > nodeid.rfind("]"):
        return nodeid.split("@")[-1]
    return None


def group_names(item) -> list[str]:
    return sorted({str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
                   for mark in item.iter_markers("xdist_group")})  # fmt: skip


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    for item in items:
        names = group_names(item)
        if not names:
            continue
        # Travels with the test's reports to the controller, whatever the node id says.
        item.user_properties.append(("xdist_group", "_".join(names)))
        if getattr(config.option, "loadgroup", False) and group_of(item.nodeid) is None:  # an xdist worker
            item._id = NodeId.parse(f"{item.nodeid}@{'_'.join(names)}")


_workers_by_group: dict[str, set[str]] = defaultdict(set)
_loadgroup = False


def pytest_configure(config):
    global _loadgroup
    _loadgroup = config.getoption("dist", default="no") == "loadgroup"


def pytest_runtest_logreport(report):
    worker = getattr(getattr(report, "node", None), "gateway", None)  # only on the xdist controller
    group = dict(report.user_properties).get("xdist_group")
    if worker is not None and group and report.when == "call":
        _workers_by_group[group].add(worker.id)


def split_groups() -> dict[str, set[str]]:
    if not _loadgroup:
        return {}
    return {group: workers for group, workers in _workers_by_group.items() if len(workers) > 1}


def pytest_terminal_summary(terminalreporter):
    if not _workers_by_group:
        return
    where = ", ".join(f"{group} on {'+'.join(sorted(w))}" for group, w in sorted(_workers_by_group.items()))
    terminalreporter.write_line(f"xdist groups: {where}")
    if split_groups():
        terminalreporter.write_line(f"xdist groups ran on more than one worker: {sorted(split_groups())}", red=True)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session):
    if split_groups() and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
