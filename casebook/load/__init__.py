"""Load: read case, vocabulary and reading-path files into Documents (plain data with lines)."""

from .document import Body, Diagram, Document, Section
from .files import MAX_FILE_BYTES, load_document, load_yaml_file
from .markdown_body import CITATION, map_prose, parse_body, read_lines

__all__ = ["Body", "CITATION", "Diagram", "Document", "MAX_FILE_BYTES", "Section", "load_document",
           "load_yaml_file", "map_prose", "parse_body", "read_lines"]
