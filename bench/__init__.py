"""The benchmark: ``make bench`` (or ``.venv/bin/python -m bench --help``). See README, "Reading the benchmark"."""
