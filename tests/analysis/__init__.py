"""Tests of the analysis stage (issue 4)."""
