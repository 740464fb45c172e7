"""PDF extraction: findings with provenance (see :mod:`extract.models`)."""
