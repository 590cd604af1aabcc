"""Reading workbooks safely and writing output files atomically."""
