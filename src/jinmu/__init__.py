"""Jinmu (金木): a county industrial-development platform."""
