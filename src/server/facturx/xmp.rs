//! The Factur-X entries of the XMP metadata. krilla writes the PDF/A
//! metadata (`pdfaid:part`, `pdfaid:conformance`, dates, title) but cannot
//! add custom XMP yet (krilla issue #209): after it has written the file,
//! [`with_facturx_metadata`] opens the PDF with `lopdf`, takes the catalog's
//! `/Metadata` stream, inserts two `rdf:Description`s (the PDF/A extension
//! schema that declares the `fx` namespace, as PDF/A requires for any
//! non-standard property, and the four `fx` values) before `</rdf:RDF>`,
//! stores the packet uncompressed (PDF/A forbids filters on metadata) and
//! writes the whole file again. Nothing else in the file changes.
use crate::server::pdf::PdfError;

/// The namespace of the Factur-X XMP properties.
pub const FX_NAMESPACE: &str = "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#";

fn property(name: &str, description: &str) -> String {
    format!(
        "<rdf:li rdf:parseType=\"Resource\"><pdfaProperty:name>{name}</pdfaProperty:name>\
<pdfaProperty:valueType>Text</pdfaProperty:valueType>\
<pdfaProperty:category>external</pdfaProperty:category>\
<pdfaProperty:description>{description}</pdfaProperty:description></rdf:li>"
    )
}

/// The two descriptions to add: the extension schema and the values.
pub fn facturx_descriptions(file_name: &str, level: &str) -> String {
    let properties = [
        property("DocumentFileName", "The name of the embedded XML document"),
        property(
            "DocumentType",
            "The type of the hybrid document in capital letters, e.g. INVOICE or ORDER",
        ),
        property(
            "Version",
            "The actual version of the standard applying to the embedded XML document",
        ),
        property(
            "ConformanceLevel",
            "The conformance level of the embedded XML document",
        ),
    ]
    .concat();
    format!(
        "<rdf:Description rdf:about=\"\" \
xmlns:pdfaExtension=\"http://www.aiim.org/pdfa/ns/extension/\" \
xmlns:pdfaSchema=\"http://www.aiim.org/pdfa/ns/schema#\" \
xmlns:pdfaProperty=\"http://www.aiim.org/pdfa/ns/property#\">\
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType=\"Resource\">\
<pdfaSchema:schema>Factur-X PDFA Extension Schema</pdfaSchema:schema>\
<pdfaSchema:namespaceURI>{FX_NAMESPACE}</pdfaSchema:namespaceURI>\
<pdfaSchema:prefix>fx</pdfaSchema:prefix>\
<pdfaSchema:property><rdf:Seq>{properties}</rdf:Seq></pdfaSchema:property>\
</rdf:li></rdf:Bag></pdfaExtension:schemas></rdf:Description>\
<rdf:Description rdf:about=\"\" xmlns:fx=\"{FX_NAMESPACE}\">\
<fx:DocumentType>INVOICE</fx:DocumentType>\
<fx:DocumentFileName>{file_name}</fx:DocumentFileName>\
<fx:Version>1.0</fx:Version>\
<fx:ConformanceLevel>{level}</fx:ConformanceLevel>\
</rdf:Description>"
    )
}

/// The XMP packet with the Factur-X descriptions added, or `None` when it
/// has no `</rdf:RDF>` to add them before.
pub fn splice(xmp: &str, file_name: &str, level: &str) -> Option<String> {
    let at = xmp.rfind("</rdf:RDF>")?;
    let mut out = String::with_capacity(xmp.len() + 2048);
    out.push_str(&xmp[..at]);
    out.push_str(&facturx_descriptions(file_name, level));
    out.push_str(&xmp[at..]);
    Some(out)
}

fn write_error(e: impl std::fmt::Display) -> PdfError {
    PdfError::Write(format!("Factur-X metadata: {e}"))
}

/// The PDF with the Factur-X entries in its XMP metadata.
pub fn with_facturx_metadata(
    pdf: &[u8],
    file_name: &str,
    level: &str,
) -> Result<Vec<u8>, PdfError> {
    let mut doc = lopdf::Document::load_mem(pdf).map_err(write_error)?;
    let id = doc
        .catalog()
        .and_then(|c| c.get(b"Metadata"))
        .and_then(|m| m.as_reference())
        .map_err(write_error)?;
    let stream = doc
        .get_object_mut(id)
        .and_then(|o| o.as_stream_mut())
        .map_err(write_error)?;
    let packet = match stream.dict.get(b"Filter") {
        Ok(_) => stream.decompressed_content().map_err(write_error)?,
        Err(_) => stream.content.clone(),
    };
    let xmp = String::from_utf8(packet).map_err(write_error)?;
    let spliced = splice(&xmp, file_name, level).ok_or_else(|| write_error("no rdf:RDF"))?;
    stream.dict.remove(b"Filter");
    stream.dict.remove(b"DecodeParms");
    stream.set_content(spliced.into_bytes());
    let mut out = Vec::with_capacity(pdf.len() + 4096);
    doc.save_to(&mut out).map_err(write_error)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_factur_x_descriptions_go_inside_the_rdf_element() {
        let xmp = "<x:xmpmeta><rdf:RDF><rdf:Description rdf:about=\"\"/></rdf:RDF></x:xmpmeta>";
        let out = splice(xmp, "factur-x.xml", "EN 16931").expect("spliced");
        let fx = out.find("<fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>");
        let end = out.find("</rdf:RDF>");
        assert!(fx.is_some() && end.is_some() && fx < end);
        assert!(out.contains("<pdfaSchema:prefix>fx</pdfaSchema:prefix>"));
        assert!(out.contains(&format!("<pdfaSchema:namespaceURI>{FX_NAMESPACE}")));
        assert!(out.starts_with("<x:xmpmeta><rdf:RDF><rdf:Description rdf:about=\"\"/>"));
        assert!(out.ends_with("</rdf:RDF></x:xmpmeta>"));
    }

    #[test]
    fn a_packet_without_rdf_is_refused_rather_than_half_written() {
        assert_eq!(splice("<x:xmpmeta/>", "factur-x.xml", "EN 16931"), None);
    }
}
