"""The schedule, for `rq cron app/jobs/cron.py --url $REDIS_URL` (RQ's built-in cron scheduler).

The scheduler only enqueues; an `rq worker jiedao` runs the jobs. Running two schedulers (or a
cron job besides) is harmless: every sweep takes a lock (app/maintenance/locks.py) and a second
run at the same time reports itself skipped; escalations are also unique per stage.
RQ evaluates the cron expressions in UTC (08:05 in Beijing is 00:05 UTC).
"""

from rq import cron

from app.jobs import QUEUE, tasks

# the 督办预警 sweep: reminders (提醒), 督办 and 通报 of every register's time rules
cron.register(tasks.escalate, QUEUE, cron="*/15 * * * *", name="escalate", job_timeout=1800)
# the month's empty 团长 monthly checks (TR-13): the 1st, 08:05 Beijing time (idempotent)
cron.register(tasks.open_month, QUEUE, cron="5 0 1 * *", name="open-month", job_timeout=1800)
