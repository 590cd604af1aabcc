"""Every figure: metrics, plan targets, content warnings (pure Decimal)."""
