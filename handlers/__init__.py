"""Thin Bolt listeners, one module per area (same names as bot/'s areas); each parses, calls bot/, and answers."""
