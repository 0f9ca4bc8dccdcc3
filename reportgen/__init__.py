"""reportgen: department budget-performance documents from YAML."""

__version__ = "0.1.0"
