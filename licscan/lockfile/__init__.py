"""The approval workflow around a manifest: its lock (document), reusing a locked entry
(reuse: facts only, verdicts always recomputed), writing a lock (build), finding drift
(drift), the pre-commit hooks' offline checks (precommit), the scanner of code, notebooks
and configs behind `check-refs` (code_refs), and `licscan add` / `waive` (edit).

It sits above the engine: it runs scans and judges recorded facts; the engine never
imports it (the command line wraps a scan with lock reuse).
"""
