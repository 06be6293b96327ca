"""The editorial calendar: a month of posts by day, and the queue of what comes next."""

import calendar as stdlib_calendar
from datetime import datetime, timedelta

from django import forms
from django.contrib.admin.widgets import AdminSplitDateTime
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

RECENT_DAYS = 14


# The months a calendar shows: its grid reaches into the weeks before and after, and its
# links to the months on either side, none of which may leave what a date can hold.
FIRST_YEAR, LAST_YEAR = 1000, 9998


def parse_month(value):
    """``YYYY-MM`` to the first day of that month; this month when missing, malformed or
    outside the years 1000 to 9998."""
    try:
        month = datetime.strptime(value or "", "%Y-%m").date()
    except ValueError:
        month = None
    if month is None or not FIRST_YEAR <= month.year <= LAST_YEAR:
        return timezone.localdate().replace(day=1)
    return month


def _day_bounds(first, last):
    zone = timezone.get_current_timezone()
    start = datetime.combine(first, datetime.min.time(), tzinfo=zone)
    end = datetime.combine(last + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    return start, end


def month_grid(posts, month):
    """Weeks of days (Monday first) for ``month``, each day with its posts, in local time."""
    weeks = stdlib_calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month)
    start, end = _day_bounds(weeks[0][0], weeks[-1][-1])
    by_day = {}
    for post in posts.filter(publish_at__gte=start, publish_at__lt=end).order_by("publish_at"):
        by_day.setdefault(timezone.localtime(post.publish_at).date(), []).append(post)
    previous = (month - timedelta(days=1)).replace(day=1)
    following = (month + timedelta(days=32)).replace(day=1)
    return {
        "first": month,
        "previous": previous.strftime("%Y-%m"),
        "next": following.strftime("%Y-%m"),
        "today": timezone.localdate(),
        "weeks": [
            [
                {"date": day, "in_month": day.month == month.month, "posts": by_day.get(day, [])}
                for day in week
            ]
            for week in weeks
        ],
    }


def queue(posts):
    """What an editor plans with: undated drafts, scheduled posts, and the recently published."""
    now = timezone.now()
    return {
        "scheduled": list(posts.scheduled().order_by("publish_at")),
        "drafts": list(posts.drafts().filter(publish_at__isnull=True).order_by("-updated")),
        "planned_drafts": list(
            posts.drafts().filter(publish_at__isnull=False).order_by("publish_at")
        ),
        "recent": list(
            posts.published().filter(publish_at__gte=now - timedelta(days=RECENT_DAYS)).newest()
        ),
    }


class RescheduleForm(forms.Form):
    publish_at = forms.SplitDateTimeField(widget=AdminSplitDateTime, label=_("new time"))

    def clean_publish_at(self):
        when = self.cleaned_data["publish_at"]
        if when <= timezone.now():
            raise forms.ValidationError(
                _("pick a time in the future (to publish at once, use “Publish now”).")
            )
        return when
