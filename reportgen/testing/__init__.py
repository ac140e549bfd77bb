"""Support for tests and benchmarks that ships with the package (as sphinx.testing does).

Nothing in the library imports it.
"""
