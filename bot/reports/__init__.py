"""Program reports: measures per cohort and ISO week, small-group suppression, charts and exports."""
