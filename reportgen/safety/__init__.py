"""Hardening primitives: the trust boundary between reportgen and the files it is given.

Nothing in a dataset, a workbook, a DOCX, a manifest or an upload is trusted. These
modules check such input *before* a parser sees it (size, count, depth, names) and
refuse it with a located, translated message that names the limit and how to raise it:

- limits:   the operator's limits (environment / --limit), the refusal exceptions
- archives: ZIP (xlsx, docx, upload zip) inspection, bounded reading, safe extraction
- yamlsafe: bounded YAML on SafeLoader: sizes, alias expansions, depth, tags, duplicates
- jsonsafe: bounded JSON (manifest.json, *.figures.json)
- sandbox:  settings strings with Jinja rendered by a whitelisted, loop-free sandbox
- paths:    the code grammar, safe_join, open_inside (no symlinks), the lock, temp names
- formulas: the OWASP rule for CSV/XLSX cells (text that could be a formula stays text)

The package imports nothing from the rest of reportgen except `reportgen.i18n` (and,
lazily, `reportgen.problems` to turn a refusal into a Problem), so it can be wired into
the loader, the build and the diff wherever they live.
"""
