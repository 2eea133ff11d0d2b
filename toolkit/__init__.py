"""toolkit: a static site generator for campaign toolkits."""

__version__ = "0.1.0"
FORMAT = 7
"""Bump when toolkit makes other bytes from the same inputs (how share images are compressed,
how QR codes are drawn, what reads the Markdown, what writes a kit's roster entry): every
output of an earlier build is made again, rather than kept."""
