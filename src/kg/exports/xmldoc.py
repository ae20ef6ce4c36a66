"""Writing the XML formats (GraphML, GEXF) with the standard library.

Tags are written with literal prefixes (`y:ShapeNode`, `viz:color`) and the namespaces are declared on
the root by hand: ElementTree's own namespace handling cannot give one prefix per element, which the
GEXF 1.3 XSD needs (see gexf.py).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

# Characters XML 1.0 forbids anywhere, even escaped; a literal from a CONSTRUCT could hold them.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """`text` without the characters XML 1.0 cannot carry."""
    return _FORBIDDEN.sub("", text)


def element(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    """A child element with attributes (names with '_' written as '.' or ':') and optional text."""
    child = ET.SubElement(parent, tag, {_attr_name(k): xml_safe(v) for k, v in attrs.items()})
    if text is not None:
        child.text = xml_safe(text)
    return child


def _attr_name(name: str) -> str:
    # attr_name -> attr.name (GraphML), yfiles_type -> yfiles.type, xsi__schemaLocation -> xsi:schemaLocation
    return name.replace("__", ":").replace("_", ".")


def to_bytes(root: ET.Element) -> bytes:
    """The document as UTF-8 bytes with an XML declaration, indented for people reading it."""
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")
