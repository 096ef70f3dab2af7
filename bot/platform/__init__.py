"""What every area stands on: settings, clock, Slack, dates, people, roles, text and delivery."""
