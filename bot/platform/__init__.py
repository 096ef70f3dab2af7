"""What every area stands on: settings, clock, Slack, people, dates, text, delivery."""
