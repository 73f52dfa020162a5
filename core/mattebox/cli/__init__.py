"""The ``mattebox`` command line: a thin layer over :mod:`mattebox.api` and the job store."""
