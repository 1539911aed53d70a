"""Target pages."""
