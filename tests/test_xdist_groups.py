"""`--dist loadgroup`, as `make test` runs it: every test of an xdist group runs on the same worker (an ERP test
file and its Tryton servers, the browser tests and their Chromium, the Celery worker tests), with the pinned pytest
and xdist."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SPREAD = """
import os

import pytest


def _record(kind):
    with open(os.environ["WORKERS_SEEN"], "a") as out:
        out.write(f"{kind} {os.environ['PYTEST_XDIST_WORKER']}\\n")


@pytest.mark.xdist_group("together")
@pytest.mark.parametrize("i", range(8))
def test_grouped(i):
    _record("grouped")


@pytest.mark.parametrize("i", range(8))
def test_free(i):
    _record("free")
"""


def test_loadgroup_runs_a_whole_group_on_one_worker(tmp_path):
    (tmp_path / "conftest.py").write_text(
        "from tests.xdist_groups import pytest_collection_modifyitems  # noqa: F401\n"
    )
    (tmp_path / "test_spread.py").write_text(textwrap.dedent(SPREAD))
    seen = tmp_path / "seen.txt"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "WORKERS_SEEN": str(seen)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    command = [sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadgroup", "-p", "no:django"]
    command += ["-p", "no:cacheprovider", "-q", "--rootdir", str(tmp_path), str(tmp_path)]
    result = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)  # noqa: S603
    assert result.returncode == 0, result.stdout + result.stderr
    rows = [line.split() for line in seen.read_text().splitlines()]
    grouped = {worker for kind, worker in rows if kind == "grouped"}
    assert len([1 for kind, _ in rows if kind == "grouped"]) == 8
    assert len(grouped) == 1, f"the group was split over {sorted(grouped)}"
