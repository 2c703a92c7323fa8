"""The benchmark (bench/run.py); a package so the small-size test can import it."""
