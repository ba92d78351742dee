//! The awsQuery and ec2Query protocols: `POST /` with a form-urlencoded body of
//! `Action`, `Version` and the input flattened into dotted keys; responses and errors are XML
//! (see [`super::xml`]).

use super::http::RequestParts;

/// Builds the form body of a query request.
pub struct QueryWriter {
    out: String,
}

impl QueryWriter {
    /// A body starting with `Action=<action>&Version=<version>`.
    pub fn new(action: &str, version: &str) -> Self {
        let mut w = QueryWriter { out: String::with_capacity(128) };
        w.push("Action", action);
        w.push("Version", version);
        w
    }
    /// Appends `key=value`, both form-encoded.
    pub fn push(&mut self, key: &str, value: &str) {
        if !self.out.is_empty() {
            self.out.push('&');
        }
        encode(key, &mut self.out);
        self.out.push('=');
        encode(value, &mut self.out);
    }
    /// The request: `POST /` with the form body.
    pub fn into_request(self) -> RequestParts {
        let mut parts = RequestParts::new(http::Method::POST, "/");
        parts.headers.insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("application/x-www-form-urlencoded"));
        parts.body = self.out.into_bytes();
        parts
    }
    /// The body so far.
    pub fn as_str(&self) -> &str {
        &self.out
    }
}

/// `prefix.name`, or `name` at the top level.
pub fn key(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        let mut k = String::with_capacity(prefix.len() + name.len() + 1);
        k.push_str(prefix);
        k.push('.');
        k.push_str(name);
        k
    }
}

/// Percent-encodes all but RFC 3986 unreserved characters (spaces as `%20`).
fn encode(value: &str, out: &mut String) {
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(char::from(b"0123456789ABCDEF"[(b >> 4) as usize]));
            out.push(char::from(b"0123456789ABCDEF"[(b & 0xf) as usize]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_bodies() {
        let mut w = QueryWriter::new("Op", "2020-01-08");
        w.push("A.member.1", "x y&z=");
        w.push(&key("", "B"), "");
        w.push(&key("C", "D"), "é");
        assert_eq!(w.as_str(), "Action=Op&Version=2020-01-08&A.member.1=x%20y%26z%3D&B=&C.D=%C3%A9");
        let parts = w.into_request();
        assert_eq!(parts.headers["content-type"], "application/x-www-form-urlencoded");
        assert_eq!(parts.method, http::Method::POST);
    }
}
