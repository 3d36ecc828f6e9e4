"""The six appendix tables every quality report ends with (2023 template)."""
