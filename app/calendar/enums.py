"""Named recurrence patterns for the schedule-rule form (staff pick one instead of typing RRULE)."""

from app.core.enums import LabeledEnum


class RecurrencePattern(LabeledEnum):
    __catalog__ = "recurrence_pattern"
    weekly_mon = "weekly_mon"
    weekly_tue = "weekly_tue"
    weekly_wed = "weekly_wed"
    weekly_thu = "weekly_thu"
    weekly_fri = "weekly_fri"
    weekly_mon_wed_fri = "weekly_mon_wed_fri"
    monthly_first_day = "monthly_first_day"
    monthly_first_tue = "monthly_first_tue"
    monthly_first_wed = "monthly_first_wed"
    monthly_last_thu = "monthly_last_thu"
    monthly_last_weekday = "monthly_last_weekday"
    quarterly_last_weekday = "quarterly_last_weekday"
    yearly_january = "yearly_january"
    custom = "custom"


#: pattern → RRULE text (custom: the advanced field is used as typed)
PATTERN_RRULES = {
    RecurrencePattern.weekly_mon: "FREQ=WEEKLY;BYDAY=MO",
    RecurrencePattern.weekly_tue: "FREQ=WEEKLY;BYDAY=TU",
    RecurrencePattern.weekly_wed: "FREQ=WEEKLY;BYDAY=WE",
    RecurrencePattern.weekly_thu: "FREQ=WEEKLY;BYDAY=TH",
    RecurrencePattern.weekly_fri: "FREQ=WEEKLY;BYDAY=FR",
    RecurrencePattern.weekly_mon_wed_fri: "FREQ=WEEKLY;BYDAY=MO,WE,FR",
    RecurrencePattern.monthly_first_day: "FREQ=MONTHLY;BYMONTHDAY=1",
    RecurrencePattern.monthly_first_tue: "FREQ=MONTHLY;BYDAY=1TU",
    RecurrencePattern.monthly_first_wed: "FREQ=MONTHLY;BYDAY=1WE",
    RecurrencePattern.monthly_last_thu: "FREQ=MONTHLY;BYDAY=-1TH",
    RecurrencePattern.monthly_last_weekday: "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
    RecurrencePattern.quarterly_last_weekday: "FREQ=MONTHLY;BYMONTH=3,6,9,12;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
    RecurrencePattern.yearly_january: "FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=1",
}
