"""Altair chart builders from result tables (used by pages, notebooks and reports).

One module per tool (``charts.schedule``, ``charts.forecast``, ``charts.build_vs_buy``,
``charts.capacity``) plus shared styling in ``charts.style``. Charts take the small, tidy
frames a result's methods return (pre-binned histograms, percentile tables), never raw trials,
so no 100k-row dataset reaches the browser.
"""
