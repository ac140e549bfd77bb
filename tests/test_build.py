"""build.py: bulk builds that are incremental, crash-safe, locked and reproducible."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reportgen.build import BuildOptions, build, build_lock
from reportgen.errors import BuildError, BuildLocked, InvalidRequest
from reportgen.dataset import load_dataset
from reportgen.periods import Period
from reportgen.testing.synth import generate_dataset

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "datasets" / "hanoi"
REPORTGEN = [sys.executable, "-m", "reportgen"]
DOCX = BuildOptions(formats=("docx",))


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    """A province of 9 units in three levels (root, 2 districts, 6 communes)."""
    return generate_dataset(tmp_path_factory.mktemp("synth") / "small", units=9, indicators=8,
                            periods=3, depth=3, seed=7)


def _load(path: Path):
    result = load_dataset(path)
    assert result.dataset is not None
    return result.dataset


def _all_units(dataset) -> list[str]:
    root = dataset.settings.root
    return [root] + [u.code for u in dataset.descendants(root)]


def _period(dataset) -> Period:
    return dataset.periods()[-1]


def _files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and not p.name.startswith(".")}


def _run(args, **kwargs):
    env = dict(os.environ, REPORTGEN_LANG="en")
    return subprocess.run(REPORTGEN + args, capture_output=True, text=True, env=env, cwd=ROOT, **kwargs)


def test_every_unit_is_built_and_the_manifest_matches_the_files(small, tmp_path):
    dataset = _load(small)
    units = _all_units(dataset)
    summary = build(dataset, _period(dataset), units, tmp_path, options=DOCX)
    assert sorted(o.unit for o in summary.built) == sorted(units) and not summary.failed
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    docx_entries = [e for e in manifest["outputs"] if e["format"] == "docx"]
    assert sorted(e["unit"] for e in docx_entries) == sorted(units)
    for entry in manifest["outputs"]:
        data = (tmp_path / entry["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]


def test_an_unchanged_rerun_rebuilds_nothing(small, tmp_path):
    dataset = _load(small)
    units = _all_units(dataset)
    build(dataset, _period(dataset), units, tmp_path, options=DOCX)
    before = _files(tmp_path)
    again = build(_load(small), _period(dataset), units, tmp_path, options=DOCX)
    assert not again.built and len(again.skipped) == len(units)
    assert _files(tmp_path) == before


def test_one_changed_figure_rebuilds_that_unit_and_its_parents_only(small, tmp_path):
    copy = tmp_path / "ds"
    shutil.copytree(small, copy)
    dataset = _load(copy)
    period = _period(dataset)
    units = _all_units(dataset)
    build(dataset, period, units, tmp_path / "out", options=DOCX)
    leaf = next(u for u in dataset.units.values() if not dataset.children(u.code))
    lines = (copy / "values.csv").read_text(encoding="utf-8").splitlines()
    for index, line in enumerate(lines):
        cells = line.split(",")
        if cells[0] == leaf.code and cells[1] == period.code:
            cells[3] = str(int(cells[3]) + 1)
            lines[index] = ",".join(cells)
            break
    (copy / "values.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    changed = _load(copy)
    ancestors = []
    current = changed.units[leaf.code].parent
    while current:
        ancestors.append(current)
        current = changed.units[current].parent
    summary = build(changed, period, units, tmp_path / "out", options=DOCX)
    assert sorted(o.unit for o in summary.built) == sorted([leaf.code] + ancestors)


def _break_one_unit(small: Path, tmp_path: Path):
    """A copy of the dataset where one unit has a level the settings give no agency for:
    composing that one report must fail, the others not."""
    copy = tmp_path / "ds"
    shutil.copytree(small, copy)
    dataset = _load(copy)
    victim = next(u for u in dataset.units.values() if u.code != dataset.settings.root)
    lines = (copy / "units.csv").read_text(encoding="utf-8").splitlines()
    lines = [l.replace(f",{victim.level},", ",country,") if l.startswith(victim.code + ",") else l
             for l in lines]
    (copy / "units.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return copy, dataset, victim


def test_a_unit_that_cannot_be_composed_fails_alone_with_its_reason(small, tmp_path):
    copy, _dataset, victim = _break_one_unit(small, tmp_path)
    broken = _load(copy)
    units = _all_units(broken)
    summary = build(broken, _period(broken), units, tmp_path / "out", options=DOCX)
    assert [o.unit for o in summary.failed] == [victim.code]
    assert "agency" in summary.failed[0].reason
    assert len(summary.built) == len(units) - 1
    assert not list((tmp_path / "out").rglob(f"{victim.code}.*"))  # no partial output


def test_a_second_build_into_the_same_folder_is_refused(small, tmp_path):
    dataset = _load(small)
    with build_lock(tmp_path):
        with pytest.raises(BuildLocked) as caught:
            build(dataset, _period(dataset), [dataset.settings.root], tmp_path, options=DOCX)
    assert isinstance(caught.value, BuildError)
    assert "another build is writing" in str(caught.value)


def test_progress_is_reported_once_per_report_and_outcomes_list_their_files(small, tmp_path):
    dataset = _load(small)
    units = _all_units(dataset)
    calls = []
    summary = build(dataset, _period(dataset), units, tmp_path, options=DOCX,
                    progress=lambda done, total, outcome: calls.append((done, total, outcome.unit)))
    assert [(done, total) for done, total, _unit in calls] == [(i, len(units)) for i in range(1, len(units) + 1)]
    assert sorted(unit for _d, _t, unit in calls) == sorted(units)
    code = _period(dataset).code
    for outcome in summary.built:
        assert f"{code}/{outcome.unit}.docx" in outcome.written
        assert f"{code}/{outcome.unit}.figures.json" in outcome.written
        assert all((tmp_path / path).is_file() for path in outcome.written)
    again = []
    build(dataset, _period(dataset), units, tmp_path, options=DOCX,
          progress=lambda done, total, outcome: again.append(outcome.status))
    assert again == ["skipped"] * len(units)


def test_an_unknown_executor_is_an_invalid_request_before_anything_is_written(small, tmp_path):
    dataset = _load(small)
    with pytest.raises(InvalidRequest):
        build(dataset, _period(dataset), [dataset.settings.root], tmp_path / "out",
              options=DOCX, executor="ssh://somewhere")
    assert not (tmp_path / "out").exists()


def test_jobs_1_and_jobs_2_give_byte_identical_files(small, tmp_path):
    dataset = _load(small)
    units = _all_units(dataset)
    build(dataset, _period(dataset), units, tmp_path / "one", options=DOCX, jobs=1)
    build(dataset, _period(dataset), units, tmp_path / "two", options=DOCX, jobs=2)
    assert _files(tmp_path / "one") == _files(tmp_path / "two")


def test_workers_are_recycled_without_stalling_the_queue(small, tmp_path):
    """More tasks than jobs × tasks-per-worker: retired workers must be replaced (the
    stdlib ProcessPoolExecutor hangs here on Python 3.11, CPython gh-115634)."""
    import threading

    dataset = _load(small)
    units = _all_units(dataset)
    result = {}
    thread = threading.Thread(target=lambda: result.setdefault("summary", build(
        dataset, _period(dataset), units, tmp_path, options=DOCX, jobs=2, tasks_per_worker=2)),
        daemon=True)
    thread.start()
    thread.join(timeout=120)
    assert not thread.is_alive(), "the build stalled when workers were recycled"
    assert sorted(o.unit for o in result["summary"].built) == sorted(units)


def test_zip_holds_the_period_outputs_and_the_manifest(small, tmp_path):
    import zipfile

    dataset = _load(small)
    period = _period(dataset)
    build(dataset, period, _all_units(dataset), tmp_path, options=DOCX, zip_output=True)
    with zipfile.ZipFile(tmp_path / f"{period.code}.zip") as archive:
        names = archive.namelist()
        assert "manifest.json" in names
        assert f"{period.code}/{dataset.settings.root}.docx" in names
        assert archive.read(f"{period.code}/{dataset.settings.root}.docx") == \
            (tmp_path / period.code / f"{dataset.settings.root}.docx").read_bytes()


@pytest.mark.slow
def test_a_killed_build_resumes_to_the_same_result(tmp_path):
    dataset_path = generate_dataset(tmp_path / "ds", units=24, indicators=10, periods=3, depth=2, seed=3)
    dataset = _load(dataset_path)
    period = _period(dataset).code
    args = ["build", str(dataset_path), "--period", period, "--all", "--format", "docx",
            "--jobs", "1"]
    reference = tmp_path / "reference"
    assert _run(args + ["--out", str(reference)]).returncode == 0
    out = tmp_path / "killed"
    env = dict(os.environ, REPORTGEN_LANG="en")
    process = subprocess.Popen(REPORTGEN + args + ["--out", str(out)], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline:
        if len(list(out.glob(f"{period}/*.docx"))) >= 5:
            break
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    partial = [p for p in out.glob(f"{period}/*.docx")]
    assert 0 < len(partial) < len(dataset.units)
    manifest = json.loads((out / "manifest.json").read_text())  # valid JSON after the kill
    for entry in manifest["outputs"]:
        assert hashlib.sha256((out / entry["path"]).read_bytes()).hexdigest() == entry["sha256"]
    resumed = _run(args + ["--out", str(out)])
    assert resumed.returncode == 0, resumed.stderr
    assert _files(out) == _files(reference)
    assert not list(out.rglob("*.tmp"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_dask_cluster_gives_the_same_bytes_as_one_local_job(small, tmp_path):
    pytest.importorskip("distributed")
    dataset = _load(small)
    units = _all_units(dataset)
    port = _free_port()
    bin_dir = Path(sys.executable).parent
    scheduler = subprocess.Popen([str(bin_dir / "dask"), "scheduler", "--host", "127.0.0.1",
                                  "--port", str(port), "--no-dashboard"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    worker = subprocess.Popen([str(bin_dir / "dask"), "worker", f"tcp://127.0.0.1:{port}",
                               "--nworkers", "2", "--nthreads", "1", "--no-dashboard"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp_path)
    try:
        from distributed import Client

        deadline = time.time() + 60
        while True:
            try:
                with Client(f"tcp://127.0.0.1:{port}", timeout="5s") as client:
                    client.wait_for_workers(2, timeout=30)
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.5)
        build(dataset, _period(dataset), units, tmp_path / "dask", options=DOCX,
              executor=f"dask://127.0.0.1:{port}")
        build(dataset, _period(dataset), units, tmp_path / "local", options=DOCX, jobs=1)
        assert _files(tmp_path / "dask") == _files(tmp_path / "local")
    finally:
        for process in (worker, scheduler):
            process.terminate()
        for process in (worker, scheduler):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.mark.slow
def test_sample_city_and_districts_build_in_docx_and_pdf(tmp_path):
    result = _run(["build", str(SAMPLE), "--period", "2023-H1", "--all", "--out", str(tmp_path),
                   "--jobs", "2"])
    assert result.returncode == 0, result.stderr
    assert "31 built" in result.stdout
    for unit in ("01", "001", "019", "282"):
        assert (tmp_path / "2023-H1" / f"{unit}.docx").stat().st_size > 10_000
        assert (tmp_path / "2023-H1" / f"{unit}.pdf").read_bytes().startswith(b"%PDF")
