"""The benchmarks: each prints one JSON object with its figures on stdout.

Run each as a module from the repository root, so that the services' packages import as
installed and no script shadows one: `.venv/bin/python -m bench.outbox --quick`. What they
share is in bench.harness."""
