"""Scoring methods: normalisations, weightings and aggregations for scorecards."""
