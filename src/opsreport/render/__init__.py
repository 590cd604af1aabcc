"""Renderers: each lays out the report context in one format and computes nothing."""
