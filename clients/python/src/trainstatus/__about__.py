"""The package's version, in one place (pyproject.toml reads the same number)."""

version = "0.1.0"
