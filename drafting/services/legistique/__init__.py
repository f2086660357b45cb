"""Légistique in the application: dispositifs written from an edit and applied to an article,
the linter on amendments, identical and competing amendments, the amended text.

The rules are the pure `workflows.legistique`; these services load what they need (an article's
alinéas, a parent amendment's paragraphs, the amendments of a set) and check who may ask.
"""
