"""Attendance events other apps may follow (e.g. opendata's webhooks). Sent after the write, inside
its transaction: a receiver that acts outside the database uses transaction.on_commit."""

from django.dispatch import Signal

# The nightly close of `day` (a date) finished for `officers` officers (close_day, re-runnable).
day_closed = Signal()
# A supervisor accepted or rejected `issue` (an AttendanceIssue).
issue_decided = Signal()
