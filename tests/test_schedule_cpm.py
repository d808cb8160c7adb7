"""Deterministic CPM: a published textbook network, a PSPLIB instance and link semantics."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from tests.reference_data import REFERENCE_DIR, needs_reference
from tpm_models.estimates import Estimate
from tpm_models.schedule_risk import ScheduleInputs, Task, compute_cpm
from tpm_models.schedule_risk.network import Dependency

PSPLIB = REFERENCE_DIR / "psplib" / "j9041_6.sm"


def _net(spec: dict[str, tuple[float, str]]) -> ScheduleInputs:
    """``{id: (duration, "P1; P2:SS+2")}`` → network with fixed durations."""
    tasks = []
    for tid, (dur, preds) in spec.items():
        deps = []
        for item in filter(None, (p.strip() for p in preds.split(";"))):
            m = re.fullmatch(r"(\w+)(?::(FS|SS|FF|SF)([+-]\d+(?:\.\d+)?)?)?", item)
            assert m, item
            deps.append(
                Dependency(
                    predecessor=m.group(1),
                    type=m.group(2) or "FS",  # type: ignore[arg-type]
                    lag_days=float(m.group(3) or 0),
                )
            )
        tasks.append(Task(id=tid, duration=Estimate.fixed(dur), predecessors=tuple(deps)))
    return ScheduleInputs(tasks=tuple(tasks))


# Hillier & Lieberman, "Introduction to Operations Research" (9th ed., McGraw-Hill, 2010),
# §10.3–10.4: the Reliable Construction Co. project (durations in weeks). Published results:
# project duration 44 weeks, critical path A-B-C-E-F-J-L-N, and the slack table
# (Table 10.3): D, G, H, M have slack 4; I has 2; K has 1; all others 0.
RELIABLE = {
    "A": (2, ""),
    "B": (4, "A"),
    "C": (10, "B"),
    "D": (6, "C"),
    "E": (4, "C"),
    "F": (5, "E"),
    "G": (7, "D"),
    "H": (9, "E; G"),
    "I": (7, "C"),
    "J": (8, "F; I"),
    "K": (4, "J"),
    "L": (5, "J"),
    "M": (2, "H"),
    "N": (6, "K; L"),
}
RELIABLE_ES = dict(A=0, B=2, C=6, D=16, E=16, F=20, G=22, H=29, I=16, J=25, K=33, L=33, M=38, N=38)
RELIABLE_LS = dict(A=0, B=2, C=6, D=20, E=16, F=20, G=26, H=33, I=18, J=25, K=34, L=33, M=42, N=38)
RELIABLE_SLACK = dict(A=0, B=0, C=0, D=4, E=0, F=0, G=4, H=4, I=2, J=0, K=1, L=0, M=4, N=0)


def test_textbook_network_reliable_construction() -> None:
    cpm = compute_cpm(_net(RELIABLE))
    ids = list(cpm.task_ids)
    assert cpm.finish_days == 44.0
    assert cpm.critical_path == ["A", "B", "C", "E", "F", "J", "L", "N"]
    for k, tid in enumerate(ids):
        dur = RELIABLE[tid][0]
        assert cpm.early_start_days[k] == RELIABLE_ES[tid], tid
        assert cpm.early_finish_days[k] == RELIABLE_ES[tid] + dur, tid
        assert cpm.late_start_days[k] == RELIABLE_LS[tid], tid
        assert cpm.late_finish_days[k] == RELIABLE_LS[tid] + dur, tid
        assert cpm.total_float_days[k] == RELIABLE_SLACK[tid], tid
    frame = cpm.to_frame()
    assert list(frame.columns[:2]) == ["id", "early_start_days"]
    assert frame["critical"].sum() == 8


def _read_psplib(path: Path) -> tuple[int, dict[int, list[int]], dict[int, int]]:
    text = path.read_text()
    mpm = int(re.search(r"MPM-Time\s*\n\s*(\d+(?:\s+\d+)*)", text).group(1).split()[-1])  # type: ignore[union-attr]
    prec = text.split("PRECEDENCE RELATIONS:")[1].split("****")[0].strip().splitlines()[1:]
    successors = {}
    for line in prec:
        nums = [int(x) for x in line.split()]
        successors[nums[0]] = nums[3 : 3 + nums[2]]
    req = text.split("REQUESTS/DURATIONS:")[1].split("****")[0].strip().splitlines()[2:]
    durations = {int(line.split()[0]): int(line.split()[2]) for line in req}
    return mpm, successors, durations


@needs_reference
def test_psplib_instance_critical_path_length_equals_mpm_time() -> None:
    # PSPLIB (Kolisch & Sprecher 1996), instance j9041_6: the header's MPM-Time is the
    # critical-path length ignoring resources.
    mpm, successors, durations = _read_psplib(PSPLIB)
    assert mpm == 86
    preds: dict[int, list[int]] = {j: [] for j in durations}
    for i, succ in successors.items():
        for j in succ:
            preds[j].append(i)
    tasks = tuple(
        Task(
            id=str(j),
            duration=Estimate.fixed(durations[j]),
            predecessors=tuple(Dependency(predecessor=str(i)) for i in preds[j]),
        )
        for j in sorted(durations)
    )
    cpm = compute_cpm(ScheduleInputs(tasks=tasks))
    assert len(tasks) == 92
    assert cpm.finish_days == mpm
    assert cpm.critical_path[0] == "1"
    assert cpm.critical_path[-1] == "92"
    assert np.all(cpm.total_float_days >= 0)


@pytest.mark.parametrize(
    ("spec", "es_b", "ef_b", "finish"),
    [
        # A 5 days then B 3 days: FS, FS+2 lag, FS−2 lead
        ({"A": (5, ""), "B": (3, "A")}, 5, 8, 8),
        ({"A": (5, ""), "B": (3, "A:FS+2")}, 7, 10, 10),
        ({"A": (5, ""), "B": (3, "A:FS-2")}, 3, 6, 6),
        # SS: B starts 2 days after A starts; project ends with A
        ({"A": (5, ""), "B": (3, "A:SS+2")}, 2, 5, 5),
        ({"A": (5, ""), "B": (6, "A:SS+2")}, 2, 8, 8),
        # FF: B finishes at least 1 day after A finishes: start = 5 + 1 − 3
        ({"A": (5, ""), "B": (3, "A:FF+1")}, 3, 6, 6),
        # FF with a long successor: start would be 5 − 8 < 0, clamped to the project start
        ({"A": (5, ""), "B": (8, "A:FF")}, 0, 8, 8),
        # SF: B finishes at least 4 days after A starts: start = 0 + 4 − 3
        ({"A": (5, ""), "B": (3, "A:SF+4")}, 1, 4, 5),
        # a lead larger than the predecessor cannot start B before day 0
        ({"A": (2, ""), "B": (3, "A:FS-5")}, 0, 3, 3),
        ({"A": (2, ""), "B": (3, "A:SS-1")}, 0, 3, 3),
    ],
)
def test_link_semantics(
    spec: dict[str, tuple[float, str]], es_b: float, ef_b: float, finish: float
) -> None:
    cpm = compute_cpm(_net(spec))
    assert cpm.early_start_days[1] == es_b
    assert cpm.early_finish_days[1] == ef_b
    assert cpm.finish_days == finish
    assert np.all(cpm.total_float_days >= 0)


def test_backward_pass_through_ss_ff_sf_links() -> None:
    # hand-checked: A(4); B(6) SS+1 after A; C(2) FF+2 after B; D(3) SF+5 after A; E(1) after C, D
    # forward: A 0-4; B 1-7; C finish ≥ 9 → 7-9; D finish ≥ 5 → 2-5; E 9-10. Project 10.
    # backward: E LF 10, LS 9; C LF 9; D LF 9 (float 4); B LF ≤ LF_C − 2 = 7 (float 0);
    # A: via B (SS+1) LS_A ≤ LS_B − 1 = 0 → LF 4; via D (SF+5) LS_A ≤ LF_D − 5 = 4 → LF 8.
    spec = {
        "A": (4, ""),
        "B": (6, "A:SS+1"),
        "C": (2, "B:FF+2"),
        "D": (3, "A:SF+5"),
        "E": (1, "C; D"),
    }
    cpm = compute_cpm(_net(spec))
    assert cpm.early_start_days.tolist() == [0, 1, 7, 2, 9]
    assert cpm.early_finish_days.tolist() == [4, 7, 9, 5, 10]
    assert cpm.late_finish_days.tolist() == [4, 7, 9, 9, 10]
    assert cpm.total_float_days.tolist() == [0, 0, 0, 4, 0]
    assert cpm.critical_path == ["A", "B", "C", "E"]


def test_ss_successor_does_not_push_late_finish_past_project_end() -> None:
    # B hangs off A by SS; A alone sets the project finish and stays critical
    cpm = compute_cpm(_net({"A": (10, ""), "B": (2, "A:SS")}))
    assert cpm.finish_days == 10
    assert cpm.late_finish_days.tolist() == [10, 10]
    assert cpm.total_float_days.tolist() == [0, 8]


def test_explicit_durations_and_milestones() -> None:
    net = _net({"A": (5, ""), "M": (0, "A"), "B": (2, "M")})
    assert compute_cpm(net).finish_days == 7
    assert compute_cpm(net, [1.0, 0.0, 1.0]).finish_days == 2
    with pytest.raises(ValueError, match="3 values"):
        compute_cpm(net, [1.0])
    with pytest.raises(ValueError, match=">= 0"):
        compute_cpm(net, [1.0, -1.0, 1.0])


def test_default_durations_are_most_likely() -> None:
    tasks = (
        Task(id="A", duration=Estimate(low=1, likely=4, high=10)),
        Task(
            id="B",
            duration=Estimate(low=1, likely=2, high=3),
            predecessors=(Dependency(predecessor="A"),),
        ),
    )
    assert compute_cpm(ScheduleInputs(tasks=tasks)).finish_days == 6.0
