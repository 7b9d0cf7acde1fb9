"""`--dist loadgroup` keeps each xdist group on one worker (tests/xdist_groups.py), in a real two-worker run."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

GROUPED_MODULE = """
import os, time
import pytest

pytestmark = pytest.mark.xdist_group({group!r})

@pytest.mark.parametrize("n", range(4))
def test_{group}(n):
    time.sleep(0.1)
    with open({log!r}, "a") as log:
        log.write("{group} " + os.environ["PYTEST_XDIST_WORKER"] + "\\n")
"""


def run_two_workers(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    log = tmp_path / "workers.log"
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    (tmp_path / "conftest.py").write_text("from tests.xdist_groups import *  # noqa: F403\n")
    for group in ("tryton", "chromium"):
        for part in ("a", "b"):  # a group spread over two modules, as tests/browser is
            source = GROUPED_MODULE.format(group=group, log=str(log))
            (tmp_path / f"test_{group}_{part}.py").write_text(source.replace(f"def test_{group}(", f"def test_{part}("))
    ungrouped = "import pytest\n\n@pytest.mark.parametrize('n', range(8))\ndef test_free(n):\n    pass\n"
    (tmp_path / "test_free.py").write_text(ungrouped)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_SETTINGS"))}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:django", "-p", "no:cacheprovider", "-n", "2", *args, str(tmp_path)],
        cwd=tmp_path, env={**env, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def workers_by_group(tmp_path: Path) -> dict[str, set[str]]:
    seen: dict[str, set[str]] = {}
    for line in (tmp_path / "workers.log").read_text().splitlines():
        group, worker = line.split()
        seen.setdefault(group, set()).add(worker)
    return seen


def test_each_xdist_group_runs_on_one_worker_with_dist_loadgroup(tmp_path):
    result = run_two_workers(tmp_path, "--dist", "loadgroup")
    assert result.returncode == 0, result.stdout + result.stderr
    seen = workers_by_group(tmp_path)
    assert set(seen) == {"tryton", "chromium"} and all(len(workers) == 1 for workers in seen.values()), seen
    assert "xdist groups: chromium on gw" in result.stdout and "tryton on gw" in result.stdout
