//! HTTP bindings shared by the REST protocols: URI labels, query strings and headers written
//! from input members, and headers, prefix headers and status codes read into output members.
//! Text forms follow the Smithy HTTP binding rules (labels and query values percent-encoded,
//! lists in headers comma-separated with quoting, timestamps as date-time in URIs and as
//! http-date in headers unless `@timestampFormat` says otherwise).

use super::error::{BuildError, HttpResponse};
use super::http::RequestParts;
use super::error::DeserializeError;
use super::primitives::{ByteStream, DateTime, DateTimeFormat};
use std::collections::HashMap;
use std::fmt::Write;

/// Percent-encodes everything but RFC 3986 unreserved characters (and `/` when `keep_slash`).
pub fn percent_encode(value: &str, keep_slash: bool) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') || (keep_slash && b == b'/') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// Sets a `@streaming` blob payload: bytes in memory become the (buffered) body, so checksums,
/// compression and retries treat them as any body; a file or stream is sent as it is read
/// (`parts.stream`). With `@requiresLength`, a body of unknown length is a construction error:
/// nothing is sent.
pub fn set_streaming_payload(parts: &mut RequestParts, value: &ByteStream, requires_length: bool, field: &'static str) -> Result<(), BuildError> {
    if let Some(bytes) = value.bytes() {
        parts.body = bytes.to_vec();
        return Ok(());
    }
    if requires_length && value.content_length().is_none() {
        return Err(BuildError::missing_field(
            field,
            "the service requires the length of this streaming body (@requiresLength) and this stream has no known length: use bytes, a file, or a body with an exact size hint",
        ));
    }
    parts.stream = Some(value.clone());
    Ok(())
}

/// Appends a URI label: percent-encoded (a greedy label keeps its `/`s). A missing or empty
/// label is a construction error naming the member: nothing is sent.
pub fn push_label(uri: &mut String, value: Option<&str>, greedy: bool, field: &'static str) -> Result<(), BuildError> {
    let value = value.ok_or_else(|| BuildError::missing_field(field, "it is a URI label and must be set"))?;
    if value.is_empty() {
        return Err(BuildError::missing_field(field, "it is a URI label and cannot be empty"));
    }
    uri.push_str(&percent_encode(value, greedy));
    Ok(())
}

/// Appends query parameters to a URI that may already have a literal query.
pub struct Query<'a> {
    uri: &'a mut String,
    has_query: bool,
}

impl<'a> Query<'a> {
    /// Starts (or continues, if `uri` has a `?`) the query string.
    pub fn new(uri: &'a mut String) -> Self {
        let has_query = uri.contains('?');
        Query { uri, has_query }
    }
    fn sep(&mut self) {
        self.uri.push(if self.has_query { '&' } else { '?' });
        self.has_query = true;
    }
    /// `key=value`, both percent-encoded.
    pub fn push(&mut self, key: &str, value: &str) {
        self.sep();
        self.uri.push_str(&percent_encode(key, false));
        self.uri.push('=');
        self.uri.push_str(&percent_encode(value, false));
    }
    /// A literal `key` or `key=value` from the URI template (already encoded).
    pub fn literal(&mut self, key: &str, value: Option<&str>) {
        self.sep();
        self.uri.push_str(key);
        if let Some(v) = value {
            self.uri.push('=');
            self.uri.push_str(v);
        }
    }
}

/// Text of a float in URIs and headers (`NaN`, `Infinity`, `-Infinity` spelled out).
pub fn fmt_f64(value: f64) -> String {
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

/// Text of a 32-bit float in URIs and headers.
pub fn fmt_f32(value: f32) -> String {
    if value.is_finite() {
        value.to_string()
    } else {
        fmt_f64(f64::from(value))
    }
}

/// Text of a timestamp.
pub fn fmt_timestamp(value: &DateTime, format: DateTimeFormat) -> String {
    value.fmt(format)
}

/// One string item of a header list: quoted (with `"` and `\` escaped) when it contains a comma
/// or a double quote, so the list can be split again.
pub fn quote_list_item(item: &str) -> String {
    if item.contains(',') || item.contains('"') {
        let mut out = String::with_capacity(item.len() + 2);
        out.push('"');
        for c in item.chars() {
            if c == '"' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
        out.push('"');
        out
    } else {
        item.to_string()
    }
}

/// Sets a header on a request; a value that cannot be a header value is a construction error.
pub fn set_header(parts: &mut RequestParts, name: &'static str, value: &str, field: &'static str) -> Result<(), BuildError> {
    let header = http::HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| BuildError::missing_field(field, format!("`{name}` is not a valid header name")))?;
    let v = http::HeaderValue::from_str(value)
        .map_err(|_| BuildError::missing_field(field, format!("the value for header `{name}` contains characters a header cannot carry")))?;
    parts.headers.insert(header, v);
    Ok(())
}

/// Sets `prefix + key` headers from a map member (`@httpPrefixHeaders`).
pub fn set_prefix_headers<'v>(
    parts: &mut RequestParts,
    prefix: &str,
    entries: impl IntoIterator<Item = (&'v str, &'v str)>,
    field: &'static str,
) -> Result<(), BuildError> {
    for (k, v) in entries {
        let name = format!("{prefix}{k}");
        let header = http::HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| BuildError::missing_field(field, format!("`{name}` is not a valid header name")))?;
        let value = http::HeaderValue::from_str(v)
            .map_err(|_| BuildError::missing_field(field, format!("the value for header `{name}` contains characters a header cannot carry")))?;
        parts.headers.insert(header, value);
    }
    Ok(())
}

/// All values of a response header joined as one list text (repeated headers count as list
/// items), or `None` when absent.
pub fn header(response: &HttpResponse, name: &str) -> Result<Option<String>, DeserializeError> {
    let mut values = response.headers().get_all(name).iter().peekable();
    if values.peek().is_none() {
        return Ok(None);
    }
    let mut out = String::new();
    for (i, v) in values.enumerate() {
        let text = v.to_str().map_err(|_| DeserializeError::custom(format!("header `{name}` is not valid text")))?;
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(text);
    }
    Ok(Some(out))
}

/// Splits a header list into items: commas separate, double-quoted items may contain commas
/// and escaped quotes; surrounding whitespace is trimmed.
pub fn split_list(value: &str) -> Vec<String> {
    let chars: Vec<char> = value.chars().collect();
    let n = chars.len();
    let mut items = Vec::new();
    let mut i = 0;
    loop {
        while i < n && chars[i].is_whitespace() {
            i += 1;
        }
        let mut item = String::new();
        if i < n && chars[i] == '"' {
            i += 1;
            while i < n {
                match chars[i] {
                    '\\' if i + 1 < n => {
                        item.push(chars[i + 1]);
                        i += 2;
                    }
                    '"' => {
                        i += 1;
                        break;
                    }
                    c => {
                        item.push(c);
                        i += 1;
                    }
                }
            }
            while i < n && chars[i] != ',' {
                i += 1;
            }
            items.push(item);
        } else {
            while i < n && chars[i] != ',' {
                item.push(chars[i]);
                i += 1;
            }
            items.push(item.trim().to_string());
        }
        if i >= n {
            break;
        }
        i += 1;
    }
    items
}

/// Splits a list of http-date timestamps, which contain commas themselves: every second comma
/// separates items.
pub fn split_http_dates(value: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut start = 0;
    let mut commas = 0;
    for (i, c) in value.char_indices() {
        if c == ',' {
            commas += 1;
            if commas % 2 == 0 {
                items.push(value[start..i].trim().to_string());
                start = i + 1;
            }
        }
    }
    let last = value[start..].trim();
    if !last.is_empty() {
        items.push(last.to_string());
    }
    items
}

/// A boolean header value.
pub fn parse_bool(text: &str, name: &str) -> Result<bool, DeserializeError> {
    match text.trim() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(DeserializeError::new(name, "true or false")),
    }
}

/// An integer header value.
pub fn parse_int<T: std::str::FromStr>(text: &str, name: &str) -> Result<T, DeserializeError> {
    text.trim().parse().map_err(|_| DeserializeError::new(name, "an integer in range"))
}

/// A float header value (`NaN`, `Infinity`, `-Infinity` accepted).
pub fn parse_f64(text: &str, name: &str) -> Result<f64, DeserializeError> {
    match text.trim() {
        "NaN" => Ok(f64::NAN),
        "Infinity" => Ok(f64::INFINITY),
        "-Infinity" => Ok(f64::NEG_INFINITY),
        t => t.parse().map_err(|_| DeserializeError::new(name, "a number")),
    }
}

/// A timestamp header value.
pub fn parse_timestamp(text: &str, format: DateTimeFormat, name: &str) -> Result<DateTime, DeserializeError> {
    DateTime::from_str(text.trim(), format).map_err(|_| DeserializeError::new(name, "a timestamp"))
}

/// A base64 header value (`@mediaType` strings travel base64-encoded in headers).
pub fn decode_base64(text: &str, name: &str) -> Result<Vec<u8>, DeserializeError> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(text.trim()).map_err(|_| DeserializeError::new(name, "base64"))
}

/// Base64 text, for `@mediaType` strings and blobs in headers.
pub fn encode_base64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Headers starting with `prefix` (case-insensitive), keyed by the rest of their name as the
/// response spelled it (lowercase, as HTTP/1.1 stacks normalise).
pub fn prefix_headers(response: &HttpResponse, prefix: &str) -> Result<HashMap<String, String>, DeserializeError> {
    let prefix = prefix.to_ascii_lowercase();
    let mut out = HashMap::new();
    for (name, value) in response.headers() {
        if let Some(rest) = name.as_str().strip_prefix(&prefix) {
            let text = value.to_str().map_err(|_| DeserializeError::custom(format!("header `{name}` is not valid text")))?;
            out.insert(rest.to_string(), text.to_string());
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_query() {
        let mut uri = String::from("/a/");
        push_label(&mut uri, Some("b c/d%"), false, "x").unwrap();
        uri.push('/');
        push_label(&mut uri, Some("e/f g"), true, "y").unwrap();
        assert_eq!(uri, "/a/b%20c%2Fd%25/e/f%20g");
        assert!(push_label(&mut String::new(), Some(""), false, "x").is_err());
        assert!(push_label(&mut String::new(), None, false, "x").is_err());
        let mut uri = String::from("/p?lit");
        let mut q = Query::new(&mut uri);
        q.push("k y", "v&=/");
        q.push("k", "2");
        assert_eq!(uri, "/p?lit&k%20y=v%26%3D%2F&k=2");
        let mut uri = String::from("/p");
        Query::new(&mut uri).push("a", "");
        assert_eq!(uri, "/p?a=");
    }

    #[test]
    fn header_lists() {
        assert_eq!(quote_list_item("a,b"), "\"a,b\"");
        assert_eq!(quote_list_item("say \"hi\""), "\"say \\\"hi\\\"\"");
        assert_eq!(quote_list_item("plain"), "plain");
        assert_eq!(split_list("a, b ,c"), vec!["a", "b", "c"]);
        assert_eq!(split_list("\"a,b\", c, \"d\\\"e\""), vec!["a,b", "c", "d\"e"]);
        assert_eq!(split_list("\"b,c\""), vec!["b,c"]);
        assert_eq!(split_list(""), vec![""]);
        assert_eq!(
            split_http_dates("Mon, 16 Dec 2019 23:48:18 GMT, Tue, 17 Dec 2019 23:48:18 GMT"),
            vec!["Mon, 16 Dec 2019 23:48:18 GMT", "Tue, 17 Dec 2019 23:48:18 GMT"]
        );
        assert_eq!(fmt_f64(f64::NAN), "NaN");
        assert_eq!(fmt_f64(f64::NEG_INFINITY), "-Infinity");
        assert_eq!(fmt_f64(1.5), "1.5");
        assert_eq!(parse_f64("Infinity", "h").unwrap(), f64::INFINITY);
        assert!(parse_bool("yes", "h").is_err());
    }
}
