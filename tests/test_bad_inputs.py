"""Hostile-input corpus (issue 9): every bad file is refused with located messages, never a crash.

The committed corpus lives in ``tests/data/bad/<kind>/`` (written by ``tests/make_bad_corpus.py``);
the big cases (200,000 rows, 1 MB cells, a 60 MB file, a 5,000-task cycle) are generated in a
temporary folder and run in a subprocess with a timeout, so a hang fails the test instead of
stalling the suite. The pages' upload paths are in ``tests/test_bad_input_pages.py``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.make_bad_corpus import BAD, KINDS, big_cases, write_corpus
from tpm_models.cli import main

ROOT = Path(__file__).resolve().parents[1]
VALID_TASKS = ROOT / "sample_data" / "schedule" / "tasks.csv"
#: A generous bound for one big bad file (import + read + refuse); a timeout is a failure.
SUBPROCESS_TIMEOUT_S = 90

CORPUS = sorted(p for p in BAD.glob("*/*") if p.is_file())


def argv_for(kind: str, path: Path) -> list[str]:
    """The ``tpm`` command line that feeds ``path`` in as an input of ``kind``."""
    f = str(path)
    tasks = str(VALID_TASKS)
    return {
        "tasks": ["schedule", f],
        "risks": ["schedule", tasks, "--risks", f],
        "corr": ["schedule", tasks, "--correlations", f],
        "holidays": ["schedule", tasks, "--holidays", f],
        "mspdi": ["schedule", f],
        "jira": ["forecast", f, "--items", "50"],
        "throughput": ["forecast", f, "--items", "50"],
        "bvb": ["build-vs-buy", f],
        "capacity": ["capacity", f],
    }[kind] + ["--iterations", "200", "--seed", "1"]


def assert_located_refusal(code: int | None, out: str, err: str, path: Path) -> None:
    """Exit 2, nothing on stdout, every stderr line ``error: FILE...``, one naming ``path``."""
    lines = err.splitlines()
    assert code == 2, f"exit {code}\nstdout: {out[:500]}\nstderr: {err[:500]}"
    assert "Traceback" not in err
    assert out == ""
    assert lines, "no message"
    assert all(line.startswith("error: ") for line in lines), err[:1000]
    names = (f"error: {path}", f"error: {path.name}")
    assert any(line.startswith(names) for line in lines), err[:1000]


def test_corpus_is_large_varied_and_small_in_bytes() -> None:
    assert len(CORPUS) >= 150
    assert {p.parent.name for p in CORPUS} == set(KINDS)
    assert sum(p.stat().st_size for p in CORPUS) < 1_000_000
    suffixes = {p.suffix for p in CORPUS}
    assert {".csv", ".xlsx", ".xml", ".json"} <= suffixes


def test_corpus_is_what_the_generator_writes(tmp_path: Path) -> None:
    """The committed files are reproducible (xlsx carry a timestamp: compared by name only)."""
    write_corpus(tmp_path)
    fresh = sorted(p.relative_to(tmp_path) for p in tmp_path.glob("*/*"))
    assert fresh == [p.relative_to(BAD) for p in CORPUS]
    for rel in fresh:
        if rel.suffix != ".xlsx":
            assert (tmp_path / rel).read_bytes() == (BAD / rel).read_bytes(), rel


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_cli_refuses_with_located_messages(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(argv_for(path.parent.name, path))
    out, err = capsys.readouterr()
    assert_located_refusal(code, out, err, path)


#: A few corpus files through a real process: no traceback reaches stderr, exit status 2.
SUBPROCESS_SAMPLE = (
    "tasks/binary_junk.csv",
    "tasks/cycle_50.csv",
    "mspdi/billion_laughs.xml",
    "mspdi/xxe_passwd.xml",
    "jira/utf16.csv",
    "bvb/deeply_nested_arrays.json",
    "capacity/deeply_nested_objects.json",
)


def _run(argv: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tpm_models", *argv],
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_TIMEOUT_S,
        cwd=ROOT,
        check=False,
    )


@pytest.mark.parametrize("rel", SUBPROCESS_SAMPLE)
def test_subprocess_refuses_without_traceback(rel: str) -> None:
    path = BAD / rel
    proc = _run(argv_for(path.parent.name, path))
    assert_located_refusal(proc.returncode, proc.stdout, proc.stderr, path)


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    return dict(big_cases(tmp_path_factory.mktemp("big"), VALID_TASKS))


BIG_IDS = [
    "tasks_200k_rows",
    "risks_200k_rows",
    "jira_200k_rows",
    "throughput_200k_rows",
    "tasks_1mb_number_cell",
    "tasks_1mb_predecessor_cell",
    "tasks_1mb_id_cell",
    "tasks_1mb_quoted_cell",
    "tasks_60mb_upload",
    "mspdi_cycle_5000",
    "bvb_1mb_name_wrong_types",
    "capacity_100k_bad_roles",
]


@pytest.mark.parametrize("case", BIG_IDS)
def test_big_input_refused_within_time_bound(case: str, big: dict[str, list[str]]) -> None:
    """Refused in a subprocess within the timeout (``TimeoutExpired`` fails the test)."""
    argv = big[case]
    path = next(Path(a) for a in argv[1:] if "." in a and a != str(VALID_TASKS))
    proc = _run([*argv, "--iterations", "200"])
    assert_located_refusal(proc.returncode, proc.stdout, proc.stderr, path)
    # problems are capped: a user gets a readable list, not 200,000 lines
    assert len(proc.stderr.splitlines()) <= 201


def test_big_cases_cover_every_id(big: dict[str, list[str]]) -> None:
    assert sorted(big) == sorted(BIG_IDS)


def test_cycle_messages_name_the_cycle(capsys: pytest.CaptureFixture[str]) -> None:
    """DESIGN §5: cycles are reported with the cycle's task ids (length 1 to 50)."""
    for n in (2, 3, 5, 10, 25, 50):
        path = BAD / "tasks" / f"cycle_{n}.csv"
        assert main(argv_for("tasks", path)) == 2
        err = capsys.readouterr().err
        assert "cycle" in err
        assert all(f"T{i}" in err for i in range(1, n + 1)), err[:300]
    assert main(argv_for("tasks", BAD / "tasks" / "self_cycle.csv")) == 2
    assert "A" in capsys.readouterr().err
