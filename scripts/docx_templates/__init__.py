"""The generator of the bundled Word templates, split by concern (see scripts/make_docx_templates.py).

base: page, languages and XML snippets; styles: paragraph, character and table styles
and numbering; tables: table XML and the columns taken from opsreport.present.layout;
report, plan: the two documents' bodies; document: section, settings, properties and
the deterministic package.
"""
