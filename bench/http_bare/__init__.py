"""A bare Django project: the baseline page of the over-the-wire benchmark (bench/wire.py)."""
