"""Hostile-input corpus (issue 9): every bad file is refused with located messages, never a crash.

The committed corpus lives in ``tests/data/bad/<kind>/`` (written by ``tests/make_bad_corpus.py``);
the big cases (200,000 rows, 1 MB cells, a 60 MB file, a 5,000-task cycle) are generated in a
temporary folder and run in a subprocess with a timeout, so a hang fails the test instead of
stalling the suite. The pages' upload paths are tested at the end (AppTest, the real uploader).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

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
    """The committed files are exactly what ``tests/make_bad_corpus.py`` writes."""
    write_corpus(tmp_path)
    fresh = sorted(p.relative_to(tmp_path) for p in tmp_path.glob("*/*"))
    assert fresh == [p.relative_to(BAD) for p in CORPUS]
    for rel in fresh:
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


# --- pages: the upload path shows located problems and the page keeps working ------------------
PAGES_DIR = ROOT / "app_pages" if (ROOT / "app_pages").is_dir() else ROOT / "pages"

#: Corpus files uploaded through each page's file uploader.
PAGE_CASES: dict[str, list[str]] = {
    "schedule_risk": [
        "tasks/cycle_50.csv",
        "tasks/binary_junk.csv",
        "tasks/utf16_le.csv",
        "tasks/low_gt_high.xlsx",
        "tasks/truncated_zip.xlsx",
        "mspdi/billion_laughs.xml",
        "mspdi/xxe_passwd.xml",
        "mspdi/unknown_encoding.xml",
        "risks/prob_above_one.xlsx",
        "corr/rho_nan.csv",
        "holidays/impossible_date.csv",
    ],
    "delivery_forecast": [
        "jira/utf16.csv",
        "jira/truncated_quote.csv",
        "jira/formula_dates.csv",
        "throughput/huge_count.csv",
        "throughput/binary_junk.csv",
    ],
    "build_vs_buy": [
        "bvb/deeply_nested_arrays.json",
        "bvb/latin1.json",
        "bvb/schema_version_99.json",
        "bvb/truncated.json",
        "bvb/top_level_array.json",
        "bvb/horizon_huge.json",
        "bvb/options_empty.json",
    ],
    "team_capacity": [
        "capacity/deeply_nested_arrays.json",
        "capacity/latin1.json",
        "capacity/months_huge.json",
        "capacity/schema_version_99.json",
        "capacity/truncated.json",
    ],
}
PAGE_PARAMS = [
    pytest.param(page, rel, id=f"{page}-{rel}") for page, rels in PAGE_CASES.items() for rel in rels
]


def _schedule_kind(rel: str) -> str:
    folder = rel.split("/")[0]
    return {"mspdi": "tasks", "corr": "correlations"}.get(folder, folder)


def _upload(at: Any, page: str, name: str, data: bytes) -> None:
    if page == "schedule_risk":
        from ui import schedule as sched_ui

        rel_kind = _schedule_kind(name)
        widget = at.file_uploader(key=sched_ui.uploader_key(rel_kind))
        name = name.split("/")[-1]
    elif page == "delivery_forecast":
        widget = at.file_uploader(key="fc_upload")
    elif page == "team_capacity":
        widget = at.file_uploader(key="cap_upload")
    else:
        widget = at.file_uploader[0]
    widget.set_value((name.split("/")[-1], data, "application/octet-stream"))
    at.run()


@pytest.fixture(scope="module")
def page_apps() -> dict[str, Any]:
    """One AppTest per page, shared by its cases (a bad upload must not spoil the next)."""
    from streamlit.testing.v1 import AppTest

    out = {}
    for page in PAGE_CASES:
        at = AppTest.from_file(str(PAGES_DIR / f"{page}.py"), default_timeout=90)
        at.run()
        assert not at.exception, at.exception
        out[page] = at
    return out


def _answer_count(at: Any) -> int:
    """How much of an answer a page shows: metrics + verdicts + tables."""
    return len(at.metric) + len(at.success) + len(at.dataframe)


@pytest.mark.parametrize(("page", "rel"), PAGE_PARAMS)
def test_page_upload_shows_located_errors_and_keeps_working(
    page: str, rel: str, page_apps: dict[str, Any]
) -> None:
    at = page_apps[page]
    answers = _answer_count(at)
    path = BAD / rel
    _upload(at, page, rel, path.read_bytes())
    assert not at.exception, at.exception
    errors = "\n".join(e.value for e in at.error).replace("\\", "")
    assert path.name in errors, errors[:500]
    # the page still answers (the previous good inputs are kept)
    assert _answer_count(at) >= min(answers, 1)


def test_schedule_page_refuses_a_200k_row_upload(tmp_path: Path, page_apps: dict[str, Any]) -> None:
    big = dict(big_cases(tmp_path, VALID_TASKS))["tasks_200k_rows"][1]
    at = page_apps["schedule_risk"]
    _upload(at, "schedule_risk", "tasks/tasks_200k_rows.csv", Path(big).read_bytes())
    assert not at.exception
    assert "200,000 tasks is more than the 10,000 allowed" in "\n".join(e.value for e in at.error)
    assert at.metric


def test_closed_stdout_gives_no_traceback() -> None:
    """``tpm schedule … | head -1``: the reader goes away before the report is written."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "tpm_models", "schedule", str(VALID_TASKS), "--iterations", "200"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    assert proc.stdout is not None
    proc.stdout.close()  # like `head` exiting before the command writes
    _, err = proc.communicate(timeout=SUBPROCESS_TIMEOUT_S)
    assert b"Traceback" not in err, err.decode(errors="replace")[-500:]
