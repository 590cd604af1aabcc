"""The pipelines behind build, plan, check and batch runs."""
