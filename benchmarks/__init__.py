"""The benchmarks of `make bench` (run as `python -m benchmarks.run`; see run.py)."""
