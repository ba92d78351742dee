//! Request compression (`@requestCompression`): operations that accept compressed requests get
//! their body gzip-encoded when it is at least the configured minimum size, unless compression
//! is disabled, with `gzip` appended to `Content-Encoding`. Settings as in the AWS SDKs:
//! `disable_request_compression` / `AWS_DISABLE_REQUEST_COMPRESSION` (default false) and
//! `request_min_compression_size_bytes` / `AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES`
//! (0..=10485760, default 10240).
//!
//! The encoder needs the `request-compression` feature (flate2, pure Rust); the generator turns
//! it on for crates with an operation that has the trait. Without it nothing is compressed.

use super::http::RequestParts;

/// The default minimum body size, in bytes, for a request to be compressed.
pub const DEFAULT_MIN_COMPRESSION_SIZE_BYTES: u32 = 10_240;
/// The largest valid minimum size (10 MiB).
pub const MAX_MIN_COMPRESSION_SIZE_BYTES: u32 = 10_485_760;

/// The encodings this build can apply, in order of preference.
pub fn supported_encodings() -> &'static [&'static str] {
    if cfg!(feature = "request-compression") {
        &["gzip"]
    } else {
        &[]
    }
}

/// The encoding to apply to a body of `body_len` bytes, if any: the first of `accepted` (the
/// operation's `@requestCompression` encodings) that this build supports, unless compression is
/// `disabled` or the body is smaller than `min_size`.
pub fn choose_encoding(accepted: &[&'static str], disabled: bool, min_size: u32, body_len: usize) -> Option<&'static str> {
    if disabled || (body_len as u64) < u64::from(min_size) {
        return None;
    }
    accepted.iter().copied().find(|e| supported_encodings().contains(e))
}

/// Appends `encoding` to the request's `Content-Encoding` (after any encodings already there,
/// as one comma-separated value).
pub fn append_content_encoding(headers: &mut http::HeaderMap, encoding: &str) -> Result<(), String> {
    let mut value: String = headers
        .get_all(http::header::CONTENT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    if !value.is_empty() {
        value.push_str(", ");
    }
    value.push_str(encoding);
    let value = http::HeaderValue::try_from(value).map_err(|_| "invalid Content-Encoding header value".to_string())?;
    headers.insert(http::header::CONTENT_ENCODING, value);
    Ok(())
}

/// Compresses `parts` in place when [`choose_encoding`] picks an encoding; returns it.
pub fn compress_request(
    parts: &mut RequestParts,
    accepted: &[&'static str],
    disabled: bool,
    min_size: u32,
) -> Result<Option<&'static str>, String> {
    let Some(encoding) = choose_encoding(accepted, disabled, min_size, parts.body.len()) else { return Ok(None) };
    parts.body = encode(encoding, &parts.body)?;
    append_content_encoding(&mut parts.headers, encoding)?;
    Ok(Some(encoding))
}

/// Reads a minimum compression size setting; `source` names where it came from, for the error.
pub fn parse_min_size(value: &str, source: &str) -> Result<u32, String> {
    match value.trim().parse::<u32>() {
        Ok(n) if n <= MAX_MIN_COMPRESSION_SIZE_BYTES => Ok(n),
        _ => Err(format!("{source}: {value:?} is not a request minimum compression size (0 to {MAX_MIN_COMPRESSION_SIZE_BYTES} bytes)")),
    }
}

#[cfg(feature = "request-compression")]
fn encode(encoding: &str, body: &[u8]) -> Result<Vec<u8>, String> {
    use std::io::Write;
    match encoding {
        "gzip" => {
            let mut encoder = flate2::write::GzEncoder::new(Vec::with_capacity(body.len() / 2), flate2::Compression::default());
            encoder.write_all(body).and_then(|()| encoder.finish()).map_err(|e| format!("gzip request compression failed: {e}"))
        }
        other => Err(format!("request compression with {other:?} is not supported")),
    }
}

#[cfg(not(feature = "request-compression"))]
fn encode(encoding: &str, _body: &[u8]) -> Result<Vec<u8>, String> {
    Err(format!("request compression with {encoding:?} needs the `request-compression` feature"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GZIP: &[&str] = &["gzip"];

    fn parts(body: &[u8]) -> RequestParts {
        let mut p = RequestParts::new(http::Method::POST, "/");
        p.body = body.to_vec();
        p
    }

    #[test]
    fn threshold_is_inclusive() {
        let enabled = cfg!(feature = "request-compression");
        assert_eq!(choose_encoding(GZIP, false, 10, 9), None);
        assert_eq!(choose_encoding(GZIP, false, 10, 10), enabled.then_some("gzip"));
        assert_eq!(choose_encoding(GZIP, false, 0, 0), enabled.then_some("gzip"));
        assert_eq!(choose_encoding(GZIP, false, DEFAULT_MIN_COMPRESSION_SIZE_BYTES, 10_239), None);
    }

    #[test]
    fn disabled_or_unsupported_never_compresses() {
        assert_eq!(choose_encoding(GZIP, true, 0, 1_000_000), None);
        assert_eq!(choose_encoding(&[], false, 0, 1_000_000), None);
        assert_eq!(choose_encoding(&["br"], false, 0, 1_000_000), None);
        let mut p = parts(b"hello");
        assert_eq!(compress_request(&mut p, GZIP, true, 0), Ok(None));
        assert_eq!(p.body, b"hello");
        assert!(p.headers.get(http::header::CONTENT_ENCODING).is_none());
    }

    #[test]
    fn content_encoding_is_appended() {
        let mut headers = http::HeaderMap::new();
        append_content_encoding(&mut headers, "gzip").unwrap();
        assert_eq!(headers.get(http::header::CONTENT_ENCODING).unwrap(), "gzip");
        let mut headers = http::HeaderMap::new();
        headers.insert(http::header::CONTENT_ENCODING, http::HeaderValue::from_static("custom"));
        append_content_encoding(&mut headers, "gzip").unwrap();
        assert_eq!(headers.get_all(http::header::CONTENT_ENCODING).iter().collect::<Vec<_>>(), ["custom, gzip"]);
    }

    #[test]
    fn min_size_is_validated() {
        assert_eq!(parse_min_size(" 0 ", "x"), Ok(0));
        assert_eq!(parse_min_size("10485760", "x"), Ok(10_485_760));
        assert!(parse_min_size("10485761", "x").is_err());
        assert!(parse_min_size("-1", "x").is_err());
        assert!(parse_min_size("ten", "AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES").unwrap_err().contains("AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES"));
    }

    #[cfg(feature = "request-compression")]
    #[test]
    fn gzip_round_trips_and_marks_the_request() {
        use std::io::Read;
        let body = b"{\"data\":\"".iter().chain([b'a'; 20_000].iter()).chain(b"\"}".iter()).copied().collect::<Vec<u8>>();
        let mut p = parts(&body);
        assert_eq!(compress_request(&mut p, GZIP, false, DEFAULT_MIN_COMPRESSION_SIZE_BYTES), Ok(Some("gzip")));
        assert!(p.body.len() < body.len());
        assert_eq!(&p.body[..2], &[0x1f, 0x8b], "gzip magic");
        let mut decoded = Vec::new();
        flate2::read::GzDecoder::new(p.body.as_slice()).read_to_end(&mut decoded).unwrap();
        assert_eq!(decoded, body);
        assert_eq!(p.headers.get(http::header::CONTENT_ENCODING).unwrap(), "gzip");
    }

    #[cfg(not(feature = "request-compression"))]
    #[test]
    fn without_the_feature_bodies_stay_as_they_are() {
        let mut p = parts(&[b'a'; 20_000]);
        assert_eq!(compress_request(&mut p, GZIP, false, 0), Ok(None));
        assert_eq!(p.body.len(), 20_000);
    }
}
