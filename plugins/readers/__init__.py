"""Readers: the input formats, each turning a file or frame into columns of figures."""
