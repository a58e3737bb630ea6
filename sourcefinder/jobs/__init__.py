"""Scheduled jobs: the jobs file, cron schedules, the per-job lock, running a job, and price alerts."""
