"""Turn handbook data into Markdown for one page, citing every fact's source as it goes.

`context` holds what a page's macros share and the small pieces every part uses; the other modules
render one part of the handbook each: steps and checklists, roles, routines and the children's page,
sources and the glossary, and the edition's own systems, contacts and rules.
"""
