"""TPM Decision Lab models: schedule risk, delivery forecasts, build vs buy, team capacity.

Pure, typed, vectorised engines. This package never imports Streamlit.
"""

from tpm_models.calendar import WorkCalendar
from tpm_models.errors import InputError, Problem
from tpm_models.estimates import Estimate, sample_estimates

__version__ = "0.1.0"

__all__ = ["Estimate", "InputError", "Problem", "WorkCalendar", "__version__", "sample_estimates"]
