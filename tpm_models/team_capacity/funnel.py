"""Hiring funnel: how many applicants, screens, interviews and offers a hiring plan needs,
and when each requisition must open.

Stage counts for ``k`` hires are expected values rounded up stage by stage, from the last stage
back: ``offers = ⌈k / offer_to_accept⌉``, ``interviews = ⌈offers / interview_to_offer⌉``,
``screens = ⌈interviews / screen_to_interview⌉``, ``applicants = ⌈screens / applicant_to_screen⌉``.

Timing follows the engine's convention (see :mod:`tpm_models.team_capacity.scenario`): a hire
is *needed at full productivity* from ``target + ramp`` ("need date"), so its requisition must
open by ``need date − ⌈likely time to hire⌉ − ramp = target − ⌈likely time to hire⌉``. The
"open by for 80% on time" column uses the time to hire's P80 instead of its likely value.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from tpm_models.team_capacity.scenario import CapacityScenario, FunnelRates, Hire, add_months
from tpm_models.team_capacity.simulate import monthly_hazard

__all__ = ["FUNNEL_STAGES", "funnel_counts", "hiring_funnel"]

#: Funnel stages from the top.
FUNNEL_STAGES = ("applicants", "screens", "interviews", "offers")


def funnel_counts(hires: int, rates: FunnelRates) -> dict[str, int]:
    """Applicants, screens, interviews and offers needed for ``hires`` accepted offers.

    Examples
    --------
    >>> funnel_counts(3, FunnelRates())
    {'applicants': 117, 'screens': 35, 'interviews': 14, 'offers': 4}
    """
    if hires <= 0:
        return dict.fromkeys(FUNNEL_STAGES, 0)
    offers = math.ceil(hires / rates.offer_to_accept - 1e-9)
    interviews = math.ceil(offers / rates.interview_to_offer - 1e-9)
    screens = math.ceil(interviews / rates.screen_to_interview - 1e-9)
    applicants = math.ceil(screens / rates.applicant_to_screen - 1e-9)
    return {
        "applicants": applicants,
        "screens": screens,
        "interviews": interviews,
        "offers": offers,
    }


def hiring_funnel(
    scenario: CapacityScenario,
    hires: Sequence[Hire] | None = None,
    *,
    include_backfills: bool = True,
) -> pd.DataFrame:
    """One row per hire line (and expected backfills per role): timing and funnel counts.

    Columns: ``role, kind`` (``planned``/``backfill (expected)`` or the hire's label),
    ``hires, wanted_start, open_requisition_by, open_by_for_80pct_on_time,
    fully_productive_from, applicants, screens, interviews, offers``.
    Expected backfills are ``N0·(1 − (1 − r)^(months/12))`` per role (leavers among today's
    roster over the horizon, rounded up; replacements that leave again are not counted).

    Examples
    --------
    >>> from tpm_models.team_capacity.scenario import RosterLine
    >>> sc = CapacityScenario(start_month="2027-01", months=12,
    ...     roles=[RosterLine(role="QA", headcount=4)],
    ...     hires=[Hire(role="QA", count=2, target_month="2027-05")])
    >>> row = hiring_funnel(sc).iloc[0]
    >>> row["open_requisition_by"], row["fully_productive_from"], int(row["applicants"])
    ('2027-03', '2027-08', 84)
    """
    plan = scenario.hires if hires is None else hires
    lead = scenario.requisition_lead_months
    lead80 = math.ceil(float(scenario.time_to_hire_months.ppf(0.8)) - 1e-9)
    rows = []
    for h in plan:
        ramp = scenario.ramp_months if h.ramp_months is None else h.ramp_months
        rows.append(
            {
                "role": h.role,
                "kind": h.label or "planned",
                "hires": h.count,
                "wanted_start": h.target_month,
                "open_requisition_by": add_months(h.target_month, -lead),
                "open_by_for_80pct_on_time": add_months(h.target_month, -lead80),
                "fully_productive_from": add_months(h.target_month, ramp),
                **funnel_counts(h.count, scenario.funnel),
            }
        )
    if include_backfills and scenario.backfill.enabled and scenario.attrition_annual > 0:
        survive = (1 - monthly_hazard(scenario.attrition_annual)) ** scenario.months
        for role in scenario.role_names:
            n0 = sum(r.headcount for r in scenario.roles if r.role == role and r.end_month is None)
            expected = math.ceil(n0 * (1 - survive) - 1e-9)
            if expected <= 0:
                continue
            rows.append(
                {
                    "role": role,
                    "kind": "backfill (expected)",
                    "hires": expected,
                    "wanted_start": "as people leave",
                    "open_requisition_by": "when notice is given",
                    "open_by_for_80pct_on_time": "",
                    "fully_productive_from": "",
                    **funnel_counts(expected, scenario.funnel),
                }
            )
    columns = [
        "role",
        "kind",
        "hires",
        "wanted_start",
        "open_requisition_by",
        "open_by_for_80pct_on_time",
        "fully_productive_from",
        *FUNNEL_STAGES,
    ]
    return pd.DataFrame(rows, columns=columns)
