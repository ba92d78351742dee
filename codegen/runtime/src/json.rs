//! JSON for the JSON protocols (awsJson, restJson1): a small allocation-lean writer for request
//! bodies, typed readers over parsed `serde_json::Value`s for responses, and error-type
//! identification.

use super::error::{ErrorMetadata, HttpResponse, RequestId};
use super::primitives::{BigDecimal, BigInteger, Blob, DateTime, DateTimeFormat, Document};
use base64::Engine as _;
use serde_json::Value;
use std::fmt::Write as _;

/// Writes one JSON object into a string: `{"k":v,...}`.
pub struct ObjectWriter<'a> {
    out: &'a mut String,
    first: bool,
}

impl<'a> ObjectWriter<'a> {
    /// Opens an object.
    pub fn new(out: &'a mut String) -> Self {
        out.push('{');
        ObjectWriter { out, first: true }
    }
    /// Starts the value of member `key`.
    pub fn key(&mut self, key: &str) -> ValueWriter<'_> {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        write_string(self.out, key);
        self.out.push(':');
        ValueWriter { out: self.out }
    }
    /// Closes the object.
    pub fn finish(self) {
        self.out.push('}');
    }
}

/// Writes one JSON array into a string.
pub struct ArrayWriter<'a> {
    out: &'a mut String,
    first: bool,
}

impl<'a> ArrayWriter<'a> {
    /// Opens an array.
    pub fn new(out: &'a mut String) -> Self {
        out.push('[');
        ArrayWriter { out, first: true }
    }
    /// Starts the next element.
    pub fn value(&mut self) -> ValueWriter<'_> {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        ValueWriter { out: self.out }
    }
    /// Closes the array.
    pub fn finish(self) {
        self.out.push(']');
    }
}

/// Writes one JSON value.
pub struct ValueWriter<'a> {
    out: &'a mut String,
}

impl<'a> ValueWriter<'a> {
    /// A string.
    pub fn string(self, value: &str) {
        write_string(self.out, value);
    }
    /// A boolean.
    pub fn boolean(self, value: bool) {
        self.out.push_str(if value { "true" } else { "false" });
    }
    /// An integer.
    pub fn integer(self, value: i64) {
        let _ = write!(self.out, "{value}");
    }
    /// A float; NaN and infinities become the strings the protocol defines.
    pub fn float(self, value: f64) {
        if value.is_nan() {
            self.out.push_str("\"NaN\"");
        } else if value.is_infinite() {
            self.out.push_str(if value > 0.0 { "\"Infinity\"" } else { "\"-Infinity\"" });
        } else if value.fract() == 0.0 && value.abs() < 1e15 {
            let _ = write!(self.out, "{}", value as i64);
        } else {
            let _ = write!(self.out, "{value}");
        }
    }
    /// A 32-bit float, written with its shortest round-trip text.
    pub fn float32(self, value: f32) {
        if value.is_finite() && value.fract() != 0.0 {
            let _ = write!(self.out, "{value}");
        } else {
            self.float(value as f64);
        }
    }
    /// Number text that is already valid JSON (bigInteger, bigDecimal).
    pub fn raw_number(self, text: &str) {
        self.out.push_str(text);
    }
    /// A blob, base64-encoded.
    pub fn blob(self, value: &Blob) {
        self.out.push('"');
        base64::engine::general_purpose::STANDARD.encode_string(value.as_ref(), self.out);
        self.out.push('"');
    }
    /// A timestamp in the given format.
    pub fn timestamp(self, value: &DateTime, format: DateTimeFormat) {
        match format {
            DateTimeFormat::EpochSeconds => self.out.push_str(&value.fmt(format)),
            _ => write_string(self.out, &value.fmt(format)),
        }
    }
    /// A document (any JSON value).
    pub fn document(self, value: &Document) {
        self.out.push_str(&value.to_json().to_string());
    }
    /// JSON null (only inside sparse lists and maps).
    pub fn null(self) {
        self.out.push_str("null");
    }
    /// Starts a nested object.
    pub fn object(self) -> ObjectWriter<'a> {
        ObjectWriter::new(self.out)
    }
    /// Starts a nested array.
    pub fn array(self) -> ArrayWriter<'a> {
        ArrayWriter::new(self.out)
    }
}

/// Appends `value` as a JSON string literal.
pub fn write_string(out: &mut String, value: &str) {
    out.reserve(value.len() + 2);
    out.push('"');
    let mut start = 0;
    for (i, b) in value.bytes().enumerate() {
        let escape: Option<&str> = match b {
            b'"' => Some("\\\""),
            b'\\' => Some("\\\\"),
            b'\n' => Some("\\n"),
            b'\r' => Some("\\r"),
            b'\t' => Some("\\t"),
            0x08 => Some("\\b"),
            0x0c => Some("\\f"),
            0..=0x1f => None,
            _ => continue,
        };
        out.push_str(&value[start..i]);
        match escape {
            Some(e) => out.push_str(e),
            None => {
                let _ = write!(out, "\\u{:04x}", b);
            }
        }
        start = i + 1;
    }
    out.push_str(&value[start..]);
    out.push('"');
}

pub use super::error::DeserializeError;

/// Parses a response body; an empty body counts as `{}`.
pub fn parse_body(body: &[u8]) -> Result<Value, DeserializeError> {
    if body.iter().all(|b| b.is_ascii_whitespace()) {
        return Ok(Value::Object(serde_json::Map::new()));
    }
    serde_json::from_slice(body).map_err(|e| DeserializeError::custom(format!("invalid JSON: {e}")))
}

/// The members of an object, or an error naming `path`.
pub fn object<'v>(v: &'v Value, path: &str) -> Result<&'v serde_json::Map<String, Value>, DeserializeError> {
    v.as_object().ok_or_else(|| DeserializeError::new(path, "an object"))
}

/// The elements of an array.
pub fn array<'v>(v: &'v Value, path: &str) -> Result<&'v [Value], DeserializeError> {
    v.as_array().map(Vec::as_slice).ok_or_else(|| DeserializeError::new(path, "an array"))
}

/// A string.
pub fn string(v: &Value, path: &str) -> Result<String, DeserializeError> {
    v.as_str().map(str::to_owned).ok_or_else(|| DeserializeError::new(path, "a string"))
}

/// A boolean.
pub fn boolean(v: &Value, path: &str) -> Result<bool, DeserializeError> {
    v.as_bool().ok_or_else(|| DeserializeError::new(path, "a boolean"))
}

/// An integer of any width, range-checked.
pub fn integer<T: TryFrom<i64>>(v: &Value, path: &str) -> Result<T, DeserializeError> {
    let n = match v {
        Value::Number(n) => n.as_i64().or_else(|| {
            // Accept integral floats such as 3.0, as the SDKs do.
            n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9.2e18).map(|f| f as i64)
        }),
        _ => None,
    };
    n.and_then(|n| T::try_from(n).ok())
        .ok_or_else(|| DeserializeError::new(path, "an integer in range"))
}

/// A float; accepts the strings NaN, Infinity and -Infinity.
pub fn float(v: &Value, path: &str) -> Result<f64, DeserializeError> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => match s.as_str() {
            "NaN" => Some(f64::NAN),
            "Infinity" => Some(f64::INFINITY),
            "-Infinity" => Some(f64::NEG_INFINITY),
            _ => None,
        },
        _ => None,
    }
    .ok_or_else(|| DeserializeError::new(path, "a number"))
}

/// A 32-bit float (values outside its range become infinities, as in the SDKs).
pub fn float32(v: &Value, path: &str) -> Result<f32, DeserializeError> {
    float(v, path).map(|f| f as f32)
}

/// A base64 blob.
pub fn blob(v: &Value, path: &str) -> Result<Blob, DeserializeError> {
    let s = v.as_str().ok_or_else(|| DeserializeError::new(path, "a base64 string"))?;
    base64::engine::general_purpose::STANDARD
        .decode(s)
        .map(Blob::new)
        .map_err(|_| DeserializeError::new(path, "valid base64"))
}

/// A timestamp in the given format (epoch seconds may also arrive as a string).
pub fn timestamp(v: &Value, path: &str, format: DateTimeFormat) -> Result<DateTime, DeserializeError> {
    let parsed = match (v, format) {
        (Value::Number(n), _) => DateTime::from_str(&n.to_string(), DateTimeFormat::EpochSeconds).ok(),
        (Value::String(s), f) => DateTime::from_str(s, f).ok(),
        _ => None,
    };
    parsed.ok_or_else(|| DeserializeError::new(path, "a timestamp"))
}

/// A document: any JSON value.
pub fn document(v: &Value) -> Document {
    Document::from_json(v)
}

/// A bigInteger.
pub fn big_integer(v: &Value, path: &str) -> Result<BigInteger, DeserializeError> {
    match v {
        Value::Number(n) => BigInteger::new(n.to_string()),
        _ => None,
    }
    .ok_or_else(|| DeserializeError::new(path, "a number"))
}

/// A bigDecimal.
pub fn big_decimal(v: &Value, path: &str) -> Result<BigDecimal, DeserializeError> {
    match v {
        Value::Number(n) => BigDecimal::new(n.to_string()),
        _ => None,
    }
    .ok_or_else(|| DeserializeError::new(path, "a number"))
}

/// Code and message of an error response, found the way the awsJson protocols define.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ErrorParts {
    /// The sanitised error type (`ns#Name:http...` -> `Name`).
    pub code: Option<String>,
    /// The message from `message`, `Message` or `errorMessage`.
    pub message: Option<String>,
}

/// Finds the error code (header `X-Amzn-Errortype`, then body `code`, then body `__type`) and message.
pub fn error_parts(error_type_header: Option<&str>, body: Option<&Value>) -> ErrorParts {
    let top = body.and_then(Value::as_object);
    let field = |name: &str| top.and_then(|o| o.get(name)).and_then(Value::as_str);
    let code = error_type_header
        .filter(|h| !h.is_empty())
        .or_else(|| field("code"))
        .or_else(|| field("__type"))
        .map(sanitize_error_code)
        .filter(|c| !c.is_empty());
    let message = field("message")
        .or_else(|| field("Message"))
        .or_else(|| field("errorMessage"))
        .map(str::to_owned);
    ErrorParts { code, message }
}

/// `ns#Name:http://...` -> `Name`.
pub fn sanitize_error_code(raw: &str) -> String {
    let before_colon = raw.split(':').next().unwrap_or(raw);
    let after_hash = match before_colon.split_once('#') {
        Some((_, name)) => name,
        None => before_colon,
    };
    after_hash.trim().to_string()
}

/// Code, message, status and request id of a JSON protocol's error response: the code from
/// `X-Amzn-Errortype`, then the body's `code` or `__type` (namespace and `:` suffix removed).
pub fn error_metadata(response: &HttpResponse) -> ErrorMetadata {
    let body = parse_body(response.body()).ok();
    let parts = error_parts(response.header("x-amzn-errortype"), body.as_ref());
    build_metadata(response, parts.code, parts.message)
}

/// Error metadata from a code and message found in a response.
pub fn build_metadata(response: &HttpResponse, code: Option<String>, message: Option<String>) -> ErrorMetadata {
    let mut meta = ErrorMetadata::builder().status(response.status().as_u16());
    if let Some(code) = code {
        meta = meta.code(code);
    }
    if let Some(message) = message {
        meta = meta.message(message);
    }
    if let Some(id) = response.request_id() {
        meta = meta.request_id(id);
    }
    meta.build()
}

/// Reads an output structure from a successful response's JSON body.
pub fn read_output<T>(response: &HttpResponse, read: fn(&Value) -> Result<T, DeserializeError>) -> Result<T, DeserializeError> {
    read(&parse_body(response.body())?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_nested_json_with_escapes() {
        let mut out = String::new();
        let mut o = ObjectWriter::new(&mut out);
        o.key("A").string("q\"\\\n\u{1}é");
        {
            let mut arr = o.key("B").array();
            arr.value().integer(-3);
            arr.value().float(f64::NAN);
            arr.value().float(2.5);
            arr.value().null();
            arr.finish();
        }
        o.key("C").object().finish();
        o.key("D").blob(&Blob::new(b"hi".to_vec()));
        o.finish();
        assert_eq!(out, r#"{"A":"q\"\\\n\u0001é","B":[-3,"NaN",2.5,null],"C":{},"D":"aGk="}"#);
        let parsed: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(parsed["A"], "q\"\\\n\u{1}é");
    }

    #[test]
    fn error_code_sources_and_sanitising() {
        let body: Value = serde_json::json!({"__type": "aws.protocoltests#FooError:http://internal", "Message": "m"});
        let parts = error_parts(None, Some(&body));
        assert_eq!(parts.code.as_deref(), Some("FooError"));
        assert_eq!(parts.message.as_deref(), Some("m"));
        let parts = error_parts(Some("HeaderError:http://x"), Some(&body));
        assert_eq!(parts.code.as_deref(), Some("HeaderError"));
        let body: Value = serde_json::json!({"code": "CodeError", "__type": "TypeError", "errorMessage": "e"});
        let parts = error_parts(None, Some(&body));
        assert_eq!(parts.code.as_deref(), Some("CodeError"));
        assert_eq!(parts.message.as_deref(), Some("e"));
        let nested: Value = serde_json::json!({"Inner": {"__type": "Nope"}});
        assert_eq!(error_parts(None, Some(&nested)).code, None);
        for (raw, want) in [("FooError", "FooError"), ("ns#FooError:http://a:b", "FooError"), ("a.b#C", "C")] {
            assert_eq!(sanitize_error_code(raw), want);
        }
    }

    #[test]
    fn readers_reject_wrong_types_without_panicking() {
        let v = serde_json::json!({"n": 300, "f": "Infinity", "s": 1});
        assert!(integer::<u8>(&v["n"], "n").is_err());
        assert_eq!(integer::<i32>(&v["n"], "n"), Ok(300));
        assert_eq!(float(&v["f"], "f"), Ok(f64::INFINITY));
        assert!(string(&v["s"], "s").is_err());
        assert!(parse_body(b"  ").is_ok());
        assert!(parse_body(b"{not json").is_err());
    }
}
