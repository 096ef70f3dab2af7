"""What every area stands on: settings, clock, Slack, people, roles, dates, text, delivery."""
