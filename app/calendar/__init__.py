"""工作日程: calendars of the recurring mechanisms, month/week views, .ics feeds."""
