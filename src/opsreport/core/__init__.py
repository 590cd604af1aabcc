"""Records and value parsing: what a workbook's cells mean, with no I/O."""
