"""The core-data tables (核心数据) printed with two year columns."""
