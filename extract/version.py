"""The version of the extraction rules, stamped on every finding (bump when a rule changes)."""

#: Version of the rule set; part of every :class:`extract.models.Finding`.
EXTRACTOR_VERSION: str = "0.4.0"
