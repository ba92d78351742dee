//! XML for the XML protocols (restXml, awsQuery, ec2Query): a writer for request bodies and a
//! small element tree read from responses with the `xmlparser` tokenizer.
//!
//! Safety: DTDs are rejected (so no entity is ever declared, fetched or expanded), only the five
//! predefined entities and numeric character references are decoded, and nesting is limited to
//! [`MAX_DEPTH`] so hostile documents cannot exhaust the stack.

use super::error::{DeserializeError, ErrorMetadata, HttpResponse, RequestId};
use super::primitives::{BigDecimal, BigInteger, Blob, DateTime, DateTimeFormat};
use base64::Engine as _;
use std::fmt::Write as _;

/// How deep elements may nest in a response.
pub const MAX_DEPTH: usize = 256;

/// An element of a response document: its name and attribute names as written (with any
/// prefix; namespace declarations left out), and either
/// text or child elements.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Element {
    pub name: String,
    pub attributes: Vec<(String, String)>,
    pub children: Vec<Element>,
    pub text: String,
}

impl Element {
    /// The first child called `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }
    /// Every child called `name`, in order.
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }
    /// An attribute's value by local name.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}


/// `prefix:local`, or `local` without a prefix: names are matched as the model writes them.
fn qualified(prefix: &str, local: &str) -> String {
    if prefix.is_empty() {
        local.to_string()
    } else {
        format!("{prefix}:{local}")
    }
}

/// Parses a document into its root element; an empty body is an empty root.
pub fn parse(body: &[u8]) -> Result<Element, DeserializeError> {
    let text = std::str::from_utf8(body).map_err(|_| DeserializeError::custom("XML body is not UTF-8"))?;
    if text.trim().is_empty() {
        return Ok(Element::default());
    }
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    for token in xmlparser::Tokenizer::from(text) {
        let token = token.map_err(|e| DeserializeError::custom(format!("invalid XML: {e}")))?;
        use xmlparser::Token as T;
        match token {
            T::Declaration { .. } | T::ProcessingInstruction { .. } | T::Comment { .. } => {}
            T::DtdStart { .. } | T::EmptyDtd { .. } | T::EntityDeclaration { .. } | T::DtdEnd { .. } => {
                return Err(DeserializeError::custom("XML with a DTD is not accepted"));
            }
            T::ElementStart { prefix, local, .. } => {
                if stack.len() >= MAX_DEPTH {
                    return Err(DeserializeError::custom(format!("XML nested deeper than {MAX_DEPTH} elements")));
                }
                if root.is_some() && stack.is_empty() {
                    return Err(DeserializeError::custom("XML has more than one root element"));
                }
                stack.push(Element { name: qualified(prefix.as_str(), local.as_str()), ..Default::default() });
            }
            T::Attribute { local, prefix, value, .. } => {
                if prefix.as_str() == "xmlns" || (prefix.as_str().is_empty() && local.as_str() == "xmlns") {
                    continue;
                }
                if let Some(e) = stack.last_mut() {
                    e.attributes.push((qualified(prefix.as_str(), local.as_str()), unescape(value.as_str())?));
                }
            }
            T::ElementEnd { end, .. } => match end {
                xmlparser::ElementEnd::Open => {}
                xmlparser::ElementEnd::Close(_, _) | xmlparser::ElementEnd::Empty => {
                    let done = stack.pop().ok_or_else(|| DeserializeError::custom("invalid XML: unbalanced end tag"))?;
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(done),
                        None => root = Some(done),
                    }
                }
            },
            T::Text { text } => {
                if let Some(e) = stack.last_mut() {
                    e.text.push_str(&unescape(text.as_str())?);
                }
            }
            T::Cdata { text, .. } => {
                if let Some(e) = stack.last_mut() {
                    e.text.push_str(text.as_str());
                }
            }
        }
    }
    if !stack.is_empty() {
        return Err(DeserializeError::custom("invalid XML: unclosed element"));
    }
    root.ok_or_else(|| DeserializeError::custom("XML has no root element"))
}

/// Decodes the predefined entities and character references; anything else is an error.
fn unescape(raw: &str) -> Result<String, DeserializeError> {
    if !raw.contains('&') {
        return Ok(raw.to_string());
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let end = after.find(';').ok_or_else(|| DeserializeError::custom("invalid XML: unterminated entity"))?;
        let entity = &after[..end];
        match entity {
            "lt" => out.push('<'),
            "gt" => out.push('>'),
            "amp" => out.push('&'),
            "quot" => out.push('"'),
            "apos" => out.push('\''),
            _ => {
                let code = if let Some(hex) = entity.strip_prefix("#x").or_else(|| entity.strip_prefix("#X")) {
                    u32::from_str_radix(hex, 16).ok()
                } else if let Some(dec) = entity.strip_prefix('#') {
                    dec.parse().ok()
                } else {
                    None
                };
                let c = code
                    .and_then(char::from_u32)
                    .ok_or_else(|| DeserializeError::custom(format!("XML entity `&{entity};` is not supported")))?;
                out.push(c);
            }
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Escapes text for an element or attribute value (also `\r`, `\n` and other controls as
/// character references, so they survive a round trip).
pub fn escape(value: &str, out: &mut String) {
    for c in value.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 || c == '\u{85}' || c == '\u{2028}' => {
                let _ = write!(out, "&#x{:X};", c as u32);
            }
            c => out.push(c),
        }
    }
}

/// Writes an XML document into a string.
#[derive(Default)]
pub struct XmlWriter {
    out: String,
}

impl XmlWriter {
    /// An empty document.
    pub fn new() -> Self {
        XmlWriter { out: String::with_capacity(256) }
    }
    /// `<name attr="..">`: call [`Start::finish`] or add attributes first.
    pub fn start(&mut self, name: &str) -> Start<'_> {
        self.out.push('<');
        self.out.push_str(name);
        Start { w: self }
    }
    /// `</name>`.
    pub fn end(&mut self, name: &str) {
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
    }
    /// Escaped text content.
    pub fn text(&mut self, value: &str) {
        escape(value, &mut self.out);
    }
    /// `<name>text</name>`.
    pub fn element(&mut self, name: &str, value: &str) {
        self.start(name).finish();
        self.text(value);
        self.end(name);
    }
    /// The document.
    pub fn into_string(self) -> String {
        self.out
    }
    /// Whether nothing was written.
    pub fn is_empty(&self) -> bool {
        self.out.is_empty()
    }
}

/// Opens `<name>` with an optional namespace declaration `(attribute, uri)`; add attributes to
/// the returned tag, then finish it.
pub fn start<'a>(w: &'a mut XmlWriter, name: &str, ns: Option<(&str, &str)>) -> Start<'a> {
    let s = w.start(name);
    match ns {
        Some((attr, uri)) => s.attribute(attr, uri),
        None => s,
    }
}

/// Writes `<name>` (with an optional namespace declaration).
pub fn open(w: &mut XmlWriter, name: &str, ns: Option<(&str, &str)>) {
    start(w, name, ns).finish();
}

/// An open start tag.
pub struct Start<'a> {
    w: &'a mut XmlWriter,
}

impl Start<'_> {
    /// Adds `name="value"`.
    pub fn attribute(self, name: &str, value: &str) -> Self {
        self.w.out.push(' ');
        self.w.out.push_str(name);
        self.w.out.push_str("=\"");
        escape(value, &mut self.w.out);
        self.w.out.push('"');
        self
    }
    /// Closes the start tag.
    pub fn finish(self) {
        self.w.out.push('>');
    }
}

/// Text forms of scalars in XML and query strings.
pub mod text {
    use super::*;
    /// A float: `NaN`, `Infinity`, `-Infinity` or the number.
    pub fn f64(value: f64) -> String {
        if value.is_nan() {
            "NaN".into()
        } else if value == f64::INFINITY {
            "Infinity".into()
        } else if value == f64::NEG_INFINITY {
            "-Infinity".into()
        } else {
            value.to_string()
        }
    }
    /// A 32-bit float.
    pub fn f32(value: f32) -> String {
        if value.is_finite() {
            value.to_string()
        } else {
            f64(f64::from(value))
        }
    }
    /// Base64.
    pub fn blob(value: &Blob) -> String {
        base64::engine::general_purpose::STANDARD.encode(value.as_ref())
    }
    /// A timestamp.
    pub fn timestamp(value: &DateTime, format: DateTimeFormat) -> String {
        value.fmt(format)
    }
}

/// Readers of scalars from element text; `path` names the member for errors.
pub mod read {
    use super::*;
    /// A string.
    pub fn string(e: &Element) -> String {
        e.text.clone()
    }
    /// A boolean.
    pub fn boolean(e: &Element, path: &str) -> Result<bool, DeserializeError> {
        match e.text.trim() {
            "true" => Ok(true),
            "false" => Ok(false),
            _ => Err(DeserializeError::new(path, "true or false")),
        }
    }
    /// An integer of any width.
    pub fn integer<T: std::str::FromStr>(e: &Element, path: &str) -> Result<T, DeserializeError> {
        e.text.trim().parse().map_err(|_| DeserializeError::new(path, "an integer in range"))
    }
    /// A float (`NaN`, `Infinity`, `-Infinity` accepted).
    pub fn float(e: &Element, path: &str) -> Result<f64, DeserializeError> {
        match e.text.trim() {
            "NaN" => Ok(f64::NAN),
            "Infinity" => Ok(f64::INFINITY),
            "-Infinity" => Ok(f64::NEG_INFINITY),
            t => t.parse().map_err(|_| DeserializeError::new(path, "a number")),
        }
    }
    /// A base64 blob.
    pub fn blob(e: &Element, path: &str) -> Result<Blob, DeserializeError> {
        base64::engine::general_purpose::STANDARD
            .decode(e.text.trim())
            .map(Blob::new)
            .map_err(|_| DeserializeError::new(path, "base64"))
    }
    /// A timestamp in `format`.
    pub fn timestamp(e: &Element, path: &str, format: DateTimeFormat) -> Result<DateTime, DeserializeError> {
        DateTime::from_str(e.text.trim(), format).map_err(|_| DeserializeError::new(path, "a timestamp"))
    }
    /// A bigInteger.
    pub fn big_integer(e: &Element, path: &str) -> Result<BigInteger, DeserializeError> {
        BigInteger::new(e.text.trim()).ok_or_else(|| DeserializeError::new(path, "a number"))
    }
    /// A bigDecimal.
    pub fn big_decimal(e: &Element, path: &str) -> Result<BigDecimal, DeserializeError> {
        BigDecimal::new(e.text.trim()).ok_or_else(|| DeserializeError::new(path, "a number"))
    }
}

/// The `<Error>` element of an error response: `<ErrorResponse><Error>` (restXml, awsQuery),
/// `<Response><Errors><Error>` (ec2Query) or a bare `<Error>` (S3).
pub fn error_element(root: &Element) -> Option<&Element> {
    match root.name.as_str() {
        "Error" => Some(root),
        // `<ErrorResponse><Errors><Error>`: moto's authentication errors for Query services.
        "ErrorResponse" => root.child("Error").or_else(|| root.child("Errors").and_then(|e| e.child("Error"))),
        "Response" => root.child("Errors").and_then(|e| e.child("Error")),
        _ => None,
    }
}

/// Code, message, status and request id of an XML error response (the code from the body's
/// `<Code>`, else the `X-Amzn-Errortype` header).
pub fn error_metadata(response: &HttpResponse) -> ErrorMetadata {
    let root = parse(response.body()).ok();
    let error = root.as_ref().and_then(error_element);
    let field = |name: &str| error.and_then(|e| e.child(name)).map(|c| c.text.trim().to_string()).filter(|t| !t.is_empty());
    let code = field("Code").or_else(|| response.header("x-amzn-errortype").map(super::json::sanitize_error_code));
    let mut meta = ErrorMetadata::builder().status(response.status().as_u16());
    if let Some(code) = code {
        meta = meta.code(code);
    }
    if let Some(message) = field("Message") {
        meta = meta.message(message);
    }
    let body_request_id = root.as_ref().and_then(|r| {
        r.child("RequestId").or_else(|| r.child("RequestID")).or_else(|| error.and_then(|e| e.child("RequestId"))).map(|e| e.text.trim().to_string())
    });
    if let Some(id) = response.request_id().map(str::to_string).or(body_request_id) {
        meta = meta.request_id(id);
    }
    meta.build()
}

/// As [`error_metadata`], for S3: a response without a body (HeadObject's and HeadBucket's
/// 404, which S3 cannot give a body to) gets the code `NotFound` when its status is 404, as
/// aws-sdk-rust's S3 customisation does, so `is_not_found()` classifies it.
pub fn error_metadata_s3(response: &HttpResponse) -> ErrorMetadata {
    let meta = error_metadata(response);
    if meta.code().is_none() && response.body().is_empty() && response.status().as_u16() == 404 {
        let mut b = ErrorMetadata::builder().status(404).code("NotFound");
        if let Some(id) = meta.request_id() {
            b = b.request_id(id);
        }
        return b.build();
    }
    meta
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_response_with_errors_wrapper() {
        let body = br#"<?xml version="1.0" encoding="utf-8"?>
<ErrorResponse><Errors><Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match</Message><Type>Sender</Type></Error></Errors></ErrorResponse>"#;
        let r = HttpResponse::new(403, http::HeaderMap::new(), body.to_vec());
        let meta = error_metadata(&r);
        assert_eq!(meta.code(), Some("SignatureDoesNotMatch"));
        assert_eq!(meta.message(), Some("The request signature we calculated does not match"));
    }

    #[test]
    fn s3_empty_404_is_not_found() {
        let mut headers = http::HeaderMap::new();
        headers.insert("x-amz-request-id", http::HeaderValue::from_static("R1"));
        let r = HttpResponse::new(404, headers, Vec::new());
        let meta = error_metadata_s3(&r);
        assert_eq!((meta.code(), meta.request_id(), meta.status()), (Some("NotFound"), Some("R1"), Some(404)));
        assert_eq!(error_metadata(&r).code(), None, "only S3 reads it so");
        let r = HttpResponse::new(403, http::HeaderMap::new(), Vec::new());
        assert_eq!(error_metadata_s3(&r).code(), None);
        let r = HttpResponse::new(404, http::HeaderMap::new(), b"<Error><Code>NoSuchKey</Code></Error>".to_vec());
        assert_eq!(error_metadata_s3(&r).code(), Some("NoSuchKey"));
    }

    #[test]
    fn parses_elements_attributes_entities() {
        let doc = br#"<?xml version="1.0"?><a xmlns="urn:x" xmlns:p="urn:p" p:k="v&amp;w"><b>1 &lt; 2 &#x41;&#66;</b><c/><b><![CDATA[<raw>]]></b></a>"#;
        let root = parse(doc).unwrap();
        assert_eq!(root.name, "a");
        // Attributes keep their prefix, as `@xmlName` spells them (`xsi:type`).
        assert_eq!(root.attribute("p:k"), Some("v&w"));
        assert_eq!(root.attribute("k"), None);
        let bs: Vec<&str> = root.children_named("b").map(|b| b.text.as_str()).collect();
        assert_eq!(bs, vec!["1 < 2 AB", "<raw>"]);
        assert!(root.child("c").is_some());
        assert_eq!(parse(b"").unwrap(), Element::default());
    }

    #[test]
    fn rejects_dtds_deep_nesting_and_unknown_entities() {
        let laughs = br#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><lolz>&lol2;</lolz>"#;
        assert!(parse(laughs).is_err());
        let xxe = br#"<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>"#;
        assert!(parse(xxe).is_err());
        assert!(parse(b"<a>&nope;</a>").is_err());
        let deep = format!("{}{}", "<a>".repeat(MAX_DEPTH + 1), "</a>".repeat(MAX_DEPTH + 1));
        assert!(parse(deep.as_bytes()).is_err());
        assert!(parse(b"<a><b></a>").is_err());
        assert!(parse(b"<a></a><b></b>").is_err());
    }

    #[test]
    fn writes_escaped_documents() {
        let mut w = XmlWriter::new();
        w.start("Root").attribute("xmlns", "urn:x").attribute("a", "\"q\"").finish();
        w.element("Text", "a<b&c\r\n");
        w.end("Root");
        let doc = w.into_string();
        assert_eq!(doc, r#"<Root xmlns="urn:x" a="&quot;q&quot;"><Text>a&lt;b&amp;c&#xD;&#xA;</Text></Root>"#);
        let back = parse(doc.as_bytes()).unwrap();
        assert_eq!(back.child("Text").unwrap().text, "a<b&c\r\n");
    }

    #[test]
    fn error_shapes() {
        let wrapped = HttpResponse::new(400, Default::default(), b"<ErrorResponse><Error><Type>Sender</Type><Code>InvalidGreeting</Code><Message>Hi</Message></Error><RequestId>foo-id</RequestId></ErrorResponse>".to_vec());
        let meta = error_metadata(&wrapped);
        assert_eq!((meta.code(), meta.message(), meta.request_id()), (Some("InvalidGreeting"), Some("Hi"), Some("foo-id")));
        let ec2 = HttpResponse::new(400, Default::default(), b"<Response><Errors><Error><Code>E</Code></Error></Errors><RequestID>r</RequestID></Response>".to_vec());
        assert_eq!((error_metadata(&ec2).code(), error_metadata(&ec2).request_id()), (Some("E"), Some("r")));
        let s3 = HttpResponse::new(404, Default::default(), b"<Error><Code>NoSuchKey</Code><Message>m</Message><RequestId>x</RequestId></Error>".to_vec());
        assert_eq!(error_metadata(&s3).code(), Some("NoSuchKey"));
    }
}
