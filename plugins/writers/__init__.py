"""Writers: the output formats, each streaming a result to a binary stream."""
