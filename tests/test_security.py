"""Security review as tests (issue 9): escaping of user text, formula-safe exports, no pickle
of user data, no unsafe HTML, XML only through defusedxml, a hardened server config.

The running server's XSRF, CORS and Host checks are tested against a real server in
``tests/e2e/test_security_server.py``; the DOM check for injected images/links is there too.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import app_test as app_test_module

from tpm_models.io import to_csv_bytes, to_excel_bytes

ROOT = Path(__file__).resolve().parents[1]
PAGES_DIR = ROOT / "app_pages" if (ROOT / "app_pages").is_dir() else ROOT / "pages"
SAMPLES = ROOT / "sample_data"
SOURCE_DIRS = [ROOT / "tpm_models", ROOT / "ui", PAGES_DIR]

#: Names an attacker would give a task, option or role.
XSS = "<img src=x onerror=alert(1)>"
MD_IMAGE = "![](http://evil.example/x.png)"
MD_LINK = "[click](javascript:alert(1))"
FORMULA = "=cmd|' /C calc'!A0"
HOSTILE = (XSS, MD_IMAGE, MD_LINK, FORMULA, "@SUM(1+1)*cmd", "+1+1")
#: Markdown that must never reach the page unescaped (what would become HTML, an image, a link).
LIVE_MARKUP = (XSS, MD_IMAGE, MD_LINK, "](javascript:", "](http://evil")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _py_files() -> Iterator[Path]:
    for d in SOURCE_DIRS:
        yield from d.rglob("*.py")
    yield ROOT / "app.py"


def _code(path: Path) -> str:
    """Source without comments and docstring lines that merely *mention* a name."""
    return "\n".join(
        ln
        for ln in path.read_text(encoding="utf-8").splitlines()
        if not ln.lstrip().startswith("#")
    )


# --- static review ----------------------------------------------------------------------------
def test_no_raw_html_is_rendered() -> None:
    pattern = re.compile(r"unsafe_allow_html\s*=\s*True|\bst\.html\(|components\.v1\.html|\.html\(")
    hits = [str(p) for p in _py_files() if pattern.search(_code(p))]
    assert hits == []


def test_no_pickle_of_user_data() -> None:
    """Nothing unpickles bytes; the caches are in memory and keyed by JSON text."""
    pattern = re.compile(
        r"\bimport (pickle|cPickle|dill|cloudpickle|shelve|joblib|marshal)\b|"
        r"\bfrom (pickle|dill|cloudpickle|shelve|joblib|marshal) import|"
        r"read_pickle|to_pickle|allow_pickle\s*=\s*True|\bst\.cache_resource\b|persist\s*="
    )
    hits = [f"{p}: {m.group(0)}" for p in _py_files() for m in pattern.finditer(_code(p))]
    assert hits == []


def test_every_cache_is_bounded_and_lives_in_ui() -> None:
    """``st.cache_data`` (pickles its return values in memory) only in ``ui/``, with max_entries."""
    decorators = []
    for p in _py_files():
        for m in re.finditer(r"@st\.cache_data(\([^)]*\))?", _code(p)):
            decorators.append((p.relative_to(ROOT).parts[0], m.group(0)))
    assert decorators, "expected the engines' runs to be cached"
    assert {folder for folder, _ in decorators} == {"ui"}
    assert all("max_entries=" in d for _, d in decorators), decorators


def test_xml_is_parsed_only_with_defusedxml() -> None:
    pattern = re.compile(
        r"^\s*(import|from)\s+(xml\.(etree|dom|sax)|lxml|xmltodict|html5lib)\b", re.MULTILINE
    )
    hits = [str(p) for p in _py_files() if pattern.search(_code(p))]
    assert hits == []
    assert "defusedxml" in (ROOT / "tpm_models" / "schedule_risk" / "mspdi.py").read_text()


def test_no_shell_or_eval_on_inputs() -> None:
    pattern = re.compile(r"\beval\(|\bexec\(|shell\s*=\s*True|os\.system\(|__import__\(")
    hits = [str(p) for p in _py_files() if pattern.search(_code(p))]
    assert hits == []


# --- exports ----------------------------------------------------------------------------------
def _cells_csv(data: bytes) -> list[str]:
    return [c for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for c in row]


def _cells_xlsx(data: bytes) -> list[object]:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row]


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def assert_formula_safe(cells: list[Any]) -> None:
    """No text cell a spreadsheet would run: numbers (even negative) are numbers, not text."""
    bad = [
        c for c in cells if isinstance(c, str) and c.startswith(FORMULA_START) and not _is_number(c)
    ]
    assert bad == [], bad[:5]


def test_csv_and_xlsx_exports_neutralise_formulas() -> None:
    import pandas as pd

    df = pd.DataFrame({"name": list(HOSTILE), "value": [-1.5, 2, 3, -4, 5, 6]})
    assert_formula_safe(_cells_csv(to_csv_bytes(df)))
    xlsx = _cells_xlsx(to_excel_bytes({"sheet": df}))
    assert_formula_safe(xlsx)
    assert -1.5 in xlsx  # numbers stay numbers


# --- pages with hostile names -----------------------------------------------------------------
@pytest.fixture
def media(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every in-memory media store AppTest creates, so download bytes can be read back."""
    stores: list[Any] = []
    original = app_test_module.MemoryMediaFileStorage

    class Recording(original):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            stores.append(self)

    monkeypatch.setattr(app_test_module, "MemoryMediaFileStorage", Recording)
    return stores


def _downloads(at: AppTest, stores: list[Any]) -> dict[str, bytes]:
    out = {}
    for button in at.get("download_button"):
        url = button.proto.url
        for store in reversed(stores):
            try:
                out[button.proto.label] = bytes(store.get_file(url.rsplit("/", 1)[-1]).content)
                break
            except Exception:
                continue
    return out


#: Element types whose text is rendered as (GitHub-flavoured) markdown by Streamlit.
_PLAIN_TYPES = {
    "arrow_data_frame",
    "dataframe",
    "table",
    "arrow_vega_lite_chart",
    "vega_lite_chart",
    "code",
    "text",
    "json",
    "text_input",
    "text_area",
    "number_input",
    "date_input",
    "selectbox",
    "multiselect",
    "select_slider",
    "download_button",
    "file_uploader",
    "data_editor",
}


def _markdown_texts(at: AppTest) -> list[str]:
    """Text of every element that Streamlit renders as markdown (labels included)."""
    texts: list[str] = []

    def walk(node: Any) -> None:
        kind = getattr(node, "type", "")
        proto = getattr(node, "proto", None)
        if proto is not None and kind not in _PLAIN_TYPES:
            texts.append(str(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return texts


def assert_no_live_markup(at: AppTest) -> None:
    for text in _markdown_texts(at):
        for payload in LIVE_MARKUP:
            assert payload not in text, f"unescaped {payload!r} in: {text[:300]}"


def _hostile_tasks_csv() -> bytes:
    rows = ["id,name,low,likely,high,distribution,predecessors,owner,phase"]
    for i, name in enumerate(HOSTILE):
        pred = f"T{i - 1}" if i else ""
        rows.append(f'T{i},"{name.replace(chr(34), chr(34) * 2)}",1,2,4,pert,{pred},"{name}",{i}')
    return ("\n".join(rows) + "\n").encode()


def _hostile_risks_csv() -> bytes:
    rows = ["id,name,probability,impact_low,impact_likely,impact_high,impact_unit,tasks"]
    rows += [f'R{i},"{n}",0.5,1,2,3,days,T{i}' for i, n in enumerate(HOSTILE)]
    return ("\n".join(rows) + "\n").encode()


def _run_upload(at: AppTest, key: str | None, name: str, data: bytes) -> None:
    widget = at.file_uploader(key=key) if key else at.file_uploader[0]
    widget.set_value((name, data, "application/octet-stream"))
    at.run()


def test_schedule_page_escapes_names_and_exports_are_formula_safe(media: list[Any]) -> None:
    from ui import schedule as ui

    at = AppTest.from_file(str(PAGES_DIR / "schedule_risk.py"), default_timeout=90)
    at.run()
    _run_upload(at, ui.uploader_key("tasks"), "tasks.csv", _hostile_tasks_csv())
    _run_upload(at, ui.uploader_key("risks"), "risks.csv", _hostile_risks_csv())
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert at.metric, "the hostile project should run"
    assert_no_live_markup(at)
    files = _downloads(at, media)
    exports = {k: v for k, v in files.items() if not v.lstrip().startswith(b"{")}
    assert exports, files.keys()
    defused = 0
    for data in exports.values():
        cells = _cells_xlsx(data) if data[:2] == b"PK" else _cells_csv(data)
        assert_formula_safe(cells)
        defused += any("cmd|" in str(c) for c in cells)
    assert defused, "no export carried the hostile task names"


def _hostile_jira() -> bytes:
    rows = ["Issue key,Issue Type,Status,Created,Resolved,Summary"]
    for i in range(40):
        kind = HOSTILE[i % len(HOSTILE)]
        day = 1 + i % 28
        rows.append(
            f'K-{i},"{kind}",Done,{day:02d}/Oct/26 9:00 AM,{day:02d}/Nov/26 5:00 PM,"{kind}"'
        )
    return ("\n".join(rows) + "\n").encode()


def test_forecast_page_escapes_issue_types_and_file_name(media: list[Any]) -> None:
    at = AppTest.from_file(str(PAGES_DIR / "delivery_forecast.py"), default_timeout=90)
    at.run()
    _run_upload(at, "fc_upload", "jira.csv", _hostile_jira())
    assert not at.exception, at.exception
    assert_no_live_markup(at)
    for data in _downloads(at, media).values():
        if not data.lstrip().startswith(b"{"):
            cells = _cells_xlsx(data) if data[:2] == b"PK" else _cells_csv(data)
            assert_formula_safe(cells)


def _hostile_bvb() -> bytes:
    doc = json.loads((SAMPLES / "build_vs_buy" / "observability_platform.json").read_text())
    names = [XSS, MD_IMAGE, MD_LINK, FORMULA]
    renames = {}
    for opt, name in zip(doc["options"], names, strict=False):
        renames[opt["name"]] = name
        opt["name"] = name
        for line in opt["lines"]:
            line["name"] = f"{name} line"
    if doc.get("scoring"):
        sc = doc["scoring"]
        sc["criteria"] = [f"{MD_LINK} {i}" for i in range(len(sc["criteria"]))]
        sc["scores"] = {renames.get(k, k): v for k, v in sc["scores"].items()}
    return json.dumps(doc).encode()


def test_build_vs_buy_page_escapes_option_names(media: list[Any]) -> None:
    at = AppTest.from_file(str(PAGES_DIR / "build_vs_buy.py"), default_timeout=90)
    at.run()
    _run_upload(at, None, "scenario.json", _hostile_bvb())
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert_no_live_markup(at)
    for data in _downloads(at, media).values():
        if not data.lstrip().startswith(b"{"):
            cells = _cells_xlsx(data) if data[:2] == b"PK" else _cells_csv(data)
            assert_formula_safe(cells)


def _hostile_capacity() -> bytes:
    doc = json.loads((SAMPLES / "capacity" / "engineering_org.json").read_text())
    text = json.dumps(doc)
    roles = list(dict.fromkeys(r["role"] for r in doc["roles"]))
    for i, role in enumerate(roles):
        new = f"{HOSTILE[i % len(HOSTILE)]} {i}"
        text = text.replace(f'"role": {json.dumps(role)}', f'"role": {json.dumps(new)}')
    doc = json.loads(text)
    doc["name"] = MD_LINK
    return json.dumps(doc).encode()


@pytest.fixture
def capacity_app(media: list[Any]) -> AppTest:
    at = AppTest.from_file(str(PAGES_DIR / "team_capacity.py"), default_timeout=90)
    at.run()
    _run_upload(at, "cap_upload", "team.json", _hostile_capacity())
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


def test_capacity_page_escapes_role_names(capacity_app: AppTest) -> None:
    assert_no_live_markup(capacity_app)


def test_capacity_page_exports_are_formula_safe(capacity_app: AppTest, media: list[Any]) -> None:
    exports = [d for d in _downloads(capacity_app, media).values() if not d.startswith(b"{")]
    assert exports
    for data in exports:
        assert_formula_safe(_cells_xlsx(data) if data[:2] == b"PK" else _cells_csv(data))


def test_capacity_page_escapes_everything_but_the_role_selector(capacity_app: AppTest) -> None:
    """The rest of the page (tables' captions, messages, metrics) is escaped today."""
    texts = [t for t in _markdown_texts(capacity_app) if "segmented_control" not in t]
    texts = [t for t in texts if "options {" not in t]
    for text in texts:
        for payload in LIVE_MARKUP:
            assert payload not in text, text[:300]


def _uploads() -> dict[str, tuple[str | None, bytes, str]]:
    from ui import schedule as ui

    return {
        "schedule_risk": (
            ui.uploader_key("tasks"),
            (SAMPLES / "schedule" / "tasks.csv").read_bytes(),
            ".csv",
        ),
        "delivery_forecast": (
            "fc_upload",
            (SAMPLES / "forecast" / "jira-export.csv").read_bytes(),
            ".csv",
        ),
        "build_vs_buy": (
            None,
            (SAMPLES / "build_vs_buy" / "observability_platform.json").read_bytes(),
            ".json",
        ),
        "team_capacity": (
            "cap_upload",
            (SAMPLES / "capacity" / "engineering_org.json").read_bytes(),
            ".json",
        ),
    }


@pytest.mark.parametrize(
    "page", ["schedule_risk", "delivery_forecast", "build_vs_buy", "team_capacity"]
)
def test_hostile_upload_file_name_is_escaped(page: str) -> None:
    """A file's *name* is user text too: uploaded as ``![](http://evil…)<img…>.csv``."""
    key, data, suffix = _uploads()[page]
    at = AppTest.from_file(str(PAGES_DIR / f"{page}.py"), default_timeout=90)
    at.run()
    _run_upload(at, key, f"{MD_IMAGE}{XSS}{MD_LINK}{suffix}", data)
    assert not at.exception, at.exception
    assert_no_live_markup(at)


# --- .ci/audit: fails on a vulnerability, never on an unreachable service -----------------------
_FAKE_AUDIT = """
import json, sys
args = sys.argv[1:]
out = args[args.index("--output") + 1]
mode = {mode!r}
if mode == "network":
    sys.stderr.write("ConnectionError: Max retries exceeded (Failed to resolve 'pypi.org')\\n")
    sys.exit(1)
deps = {{
    "clean": [{{"name": "numpy", "version": "2.4.0", "vulns": []}}],
    "vulnerable": [{{"name": "jinja2", "version": "2.0", "vulns": [
        {{"id": "GHSA-xxxx", "fix_versions": ["3.1.5"]}}]}}],
    "all_skipped": [{{"name": "numpy", "skip_reason": "Dependency not found on PyPI: numpy"}}],
}}[mode]
json.dump({{"dependencies": deps, "fixes": []}}, open(out, "w"))
sys.exit(1 if mode == "vulnerable" else 0)
"""


@pytest.mark.parametrize(
    ("mode", "code", "says"),
    [
        ("clean", 0, "no known vulnerabilities in 1 audited"),
        ("vulnerable", 1, "jinja2 2.0: GHSA-xxxx (fixed in: 3.1.5)"),
        ("all_skipped", 0, "NOTICE: the vulnerability audit was NOT performed"),
        ("network", 0, "NOTICE: the vulnerability audit was NOT performed"),
    ],
)
def test_ci_audit_fails_only_on_a_vulnerability(
    mode: str, code: int, says: str, tmp_path: Path
) -> None:
    import os
    import subprocess
    import sys

    fake = tmp_path / "fake_pip_audit.py"
    fake.write_text(_FAKE_AUDIT.format(mode=mode), encoding="utf-8")
    env = {**os.environ, "TPM_AUDIT_CMD": f"{sys.executable} {fake}", "PYTHON": sys.executable}
    proc = subprocess.run(
        ["bash", str(ROOT / ".ci" / "audit")],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert proc.returncode == code, proc.stdout + proc.stderr
    assert says in proc.stdout


# --- HTML reports (`tpm report`): user names are escaped, nothing injected --------------------
class _Tags:
    """The <img src> and <a href> values of an HTML document."""

    def __init__(self, html: str) -> None:
        from html.parser import HTMLParser

        self.imgs: list[str] = []
        self.links: list[str] = []
        outer = self

        class Parser(HTMLParser):
            def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
                values = dict(attrs)
                if tag == "img":
                    outer.imgs.append(values.get("src") or "")
                if tag == "a":
                    outer.links.append(values.get("href") or "")

        Parser().feed(html)


@pytest.mark.parametrize("tool", ["schedule", "build-vs-buy", "capacity"])
def test_html_reports_escape_hostile_names(
    tool: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tpm_models.cli import main

    files = {
        "schedule": [("tasks.csv", _hostile_tasks_csv()), ("risks.csv", _hostile_risks_csv())],
        "build-vs-buy": [("scenario.json", _hostile_bvb())],
        "capacity": [("team.json", _hostile_capacity())],
    }[tool]
    paths = []
    for name, data in files:
        (tmp_path / name).write_bytes(data)
        paths.append(str(tmp_path / name))
    argv = ["report", tool, paths[0]]
    if tool == "schedule":
        argv += ["--risks", paths[1]]
    out = tmp_path / "report.html"
    assert main([*argv, "--iterations", "500", "--seed", "1", "--out", str(out)]) == 0
    capsys.readouterr()
    html = out.read_text(encoding="utf-8")
    tags = _Tags(html)
    assert [s for s in tags.imgs if s == "x" or "evil" in s] == []
    assert [h for h in tags.links if h.lower().startswith("javascript:") or "evil" in h] == []
    assert XSS not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html  # shown, as text


# --- the shared scenario library: hostile scenario names stay text ---------------------------
def test_scenarios_page_escapes_saved_scenario_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tpm_models.library import ENV_VAR, Library
    from tpm_models.schedule_risk.readers import load_schedule, schedule_to_json

    path = tmp_path / "library.sqlite3"
    monkeypatch.setenv(ENV_VAR, str(path))
    inputs = load_schedule(SAMPLES / "schedule" / "tasks.csv", start_date="2027-01-04")
    lib = Library(path)
    for name in (XSS, MD_IMAGE, MD_LINK):
        lib.save_scenario("schedule", name, schedule_to_json(inputs))
    at = AppTest.from_file(str(PAGES_DIR / "scenarios.py"), default_timeout=90)
    at.run()
    assert not at.exception, at.exception
    assert any("evil" in t or "javascript" in t for t in _markdown_texts(at))  # shown, escaped
    assert_no_live_markup(at)
