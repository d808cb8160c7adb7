"""Home: what each tool decides."""

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

st.title("TPM Decision Lab")
st.markdown(
    "Decisions under uncertainty for technical project managers. Every answer is a "
    "distribution, shown as a picture first and then as the three numbers a stakeholder "
    "remembers. Each tool runs on your own files or on bundled sample data."
)

TOOLS = [
    (
        "app_pages/schedule_risk.py",
        "Schedule risk",
        ":material/event:",
        "“Can we promise 1 March?” Monte Carlo over your task network: P50/P80/P90 finish dates, "
        "the chance of meeting a deadline, and the tasks and risks that drive the tail.",
    ),
    (
        "app_pages/delivery_forecast.py",
        "Delivery forecast",
        ":material/trending_up:",
        "“When will these 120 items be done? How many by the release?” Forecasts from your team's "
        "historical throughput (a Jira export), no estimates needed.",
    ),
    (
        "app_pages/build_vs_buy.py",
        "Build vs buy",
        ":material/balance:",
        "“Build it, or buy vendor A or B?” NPV, TCO, ROI and payback per option with uncertainty, "
        "the probability each option is best, what flips the answer, and weighted scoring.",
    ),
    (
        "app_pages/team_capacity.py",
        "Team capacity",
        ":material/groups:",
        "“How many engineers, hired when, to meet the roadmap?” Capacity per month with ramp-up, "
        "attrition and time-to-hire, and the smallest hiring plan that meets demand.",
    ),
]

cols = st.columns(2)
for i, (page, title, icon, text) in enumerate(TOOLS):
    with cols[i % 2].container(border=True):
        st.subheader(title)
        st.write(text)
        try:
            st.page_link(page, label=f"Open {title}", icon=icon)
        except StreamlitPageNotFoundError:
            # this file run on its own (AppTest, `streamlit run app_pages/home.py`) has no router
            st.caption(f"Open {title} from the navigation menu.")
