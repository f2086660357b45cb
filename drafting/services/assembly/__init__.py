"""The Assembly's published files read into plain records: bills, amendments, deputies, groups."""
