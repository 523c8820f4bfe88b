"""Insights over the events log: counts over time, deflection, content gaps, charts, exports.

    from blogqa.insights import Window, build_report
    report = build_report(events_store, index, Window.last_weeks(4))
"""
from .log import EventLog, Window
from .report import build_report

__all__ = ["EventLog", "Window", "build_report"]
