//! `aws.protocols#httpChecksum` flexible checksums: a request checksum in
//! `x-amz-checksum-<algorithm>` (base64 of the big-endian digest) with the algorithm named in
//! `x-amz-sdk-checksum-algorithm`, and validation of the checksum a response carries.
//!
//! Algorithms: CRC32 (`crc32fast`, feature `checksum-crc32`), SHA1 (`sha1`, feature
//! `checksum-sha1`), SHA256 (`sha2`, always present), CRC32C and CRC64NVME (small table-driven
//! implementations here, no dependency). A generated crate turns the features on by default
//! only when a selected operation has the trait; an algorithm compiled out is a
//! construction error naming the feature.

use super::http::RequestParts;
use base64::Engine;
use std::fmt;

/// The `aws.protocols#httpChecksum` facts of an operation.
#[derive(Debug)]
pub struct ChecksumSpec {
    /// `requestChecksumRequired`, or a `requestAlgorithmMember`: a request checksum is sent
    /// (CRC32 when the caller chose no algorithm), as aws-sdk-rust does by default.
    pub request_checksum: bool,
    /// `responseAlgorithms`, upper case, in the model's order of preference.
    pub response_algorithms: &'static [&'static str],
}

/// A checksum algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Algorithm {
    Crc32,
    Crc32c,
    Crc64Nvme,
    Sha1,
    Sha256,
}

impl Algorithm {
    /// The algorithm of a name as the models spell it (`CRC32`, `crc32c`, `CRC64NVME`...).
    pub fn from_name(name: &str) -> Option<Algorithm> {
        Some(match name.to_ascii_uppercase().as_str() {
            "CRC32" => Algorithm::Crc32,
            "CRC32C" => Algorithm::Crc32c,
            "CRC64NVME" => Algorithm::Crc64Nvme,
            "SHA1" => Algorithm::Sha1,
            "SHA256" => Algorithm::Sha256,
            _ => return None,
        })
    }

    /// The name in `x-amz-sdk-checksum-algorithm`.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Crc32 => "CRC32",
            Algorithm::Crc32c => "CRC32C",
            Algorithm::Crc64Nvme => "CRC64NVME",
            Algorithm::Sha1 => "SHA1",
            Algorithm::Sha256 => "SHA256",
        }
    }

    /// The header carrying the checksum.
    pub fn header(self) -> &'static str {
        match self {
            Algorithm::Crc32 => "x-amz-checksum-crc32",
            Algorithm::Crc32c => "x-amz-checksum-crc32c",
            Algorithm::Crc64Nvme => "x-amz-checksum-crc64nvme",
            Algorithm::Sha1 => "x-amz-checksum-sha1",
            Algorithm::Sha256 => "x-amz-checksum-sha256",
        }
    }

    /// The big-endian digest of `data`, or why this build cannot compute it.
    pub fn digest(self, data: &[u8]) -> Result<Vec<u8>, String> {
        match self {
            Algorithm::Crc32 => crc32(data).map(|c| c.to_be_bytes().to_vec()),
            Algorithm::Crc32c => Ok(crc32c(data).to_be_bytes().to_vec()),
            Algorithm::Crc64Nvme => Ok(crc64nvme(data).to_be_bytes().to_vec()),
            Algorithm::Sha1 => sha1(data),
            Algorithm::Sha256 => {
                use sha2::Digest;
                Ok(sha2::Sha256::digest(data).to_vec())
            }
        }
    }

    /// The header value: base64 of the digest.
    pub fn checksum(self, data: &[u8]) -> Result<String, String> {
        Ok(base64::engine::general_purpose::STANDARD.encode(self.digest(data)?))
    }
}

#[cfg(feature = "checksum-crc32")]
fn crc32(data: &[u8]) -> Result<u32, String> {
    Ok(crc32fast::hash(data))
}

#[cfg(not(feature = "checksum-crc32"))]
fn crc32(_: &[u8]) -> Result<u32, String> {
    Err("CRC32 checksums need the crate's `checksum-crc32` feature".into())
}

#[cfg(feature = "checksum-sha1")]
fn sha1(data: &[u8]) -> Result<Vec<u8>, String> {
    use sha1::Digest;
    Ok(sha1::Sha1::digest(data).to_vec())
}

#[cfg(not(feature = "checksum-sha1"))]
fn sha1(_: &[u8]) -> Result<Vec<u8>, String> {
    Err("SHA1 checksums need the crate's `checksum-sha1` feature".into())
}

/// CRC-32C (Castagnoli; reflected polynomial 0x82F63B78), bytewise with a table.
pub fn crc32c(data: &[u8]) -> u32 {
    static TABLE: std::sync::OnceLock<[u32; 256]> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut t = [0u32; 256];
        for (i, entry) in t.iter_mut().enumerate() {
            let mut c = i as u32;
            for _ in 0..8 {
                c = if c & 1 != 0 { (c >> 1) ^ 0x82F6_3B78 } else { c >> 1 };
            }
            *entry = c;
        }
        t
    });
    !data.iter().fold(!0u32, |c, &b| table[((c ^ u32::from(b)) & 0xff) as usize] ^ (c >> 8))
}

/// CRC-64/NVME (reflected polynomial 0x9A6C9329AC4BC9B5), bytewise with a table.
pub fn crc64nvme(data: &[u8]) -> u64 {
    static TABLE: std::sync::OnceLock<[u64; 256]> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut t = [0u64; 256];
        for (i, entry) in t.iter_mut().enumerate() {
            let mut c = i as u64;
            for _ in 0..8 {
                c = if c & 1 != 0 { (c >> 1) ^ 0x9A6C_9329_AC4B_C9B5 } else { c >> 1 };
            }
            *entry = c;
        }
        t
    });
    !data.iter().fold(!0u64, |c, &b| table[((c ^ u64::from(b)) & 0xff) as usize] ^ (c >> 8))
}

/// Adds the request checksum: the algorithm the caller chose (`parts.checksum_algorithm`, or
/// an `x-amz-sdk-checksum-algorithm` header already set), else CRC32 when the operation
/// sends one by default. Nothing is added when the request already carries an
/// `x-amz-checksum-*` header (the caller computed it) or the body is a stream.
pub fn add_request_checksum(spec: &ChecksumSpec, parts: &mut RequestParts) -> Result<(), String> {
    if parts.stream.is_some() || parts.headers.keys().any(|k| k.as_str().starts_with("x-amz-checksum-")) {
        return Ok(());
    }
    let chosen = parts
        .checksum_algorithm
        .clone()
        .or_else(|| parts.headers.get("x-amz-sdk-checksum-algorithm").and_then(|v| v.to_str().ok()).map(str::to_string));
    let algorithm = match chosen {
        Some(name) => Algorithm::from_name(&name).ok_or_else(|| format!("unsupported checksum algorithm {name:?}"))?,
        None if spec.request_checksum => Algorithm::Crc32,
        None => return Ok(()),
    };
    let value = algorithm.checksum(&parts.body)?;
    parts.headers.insert(algorithm.header(), http::HeaderValue::from_str(&value).map_err(|e| e.to_string())?);
    parts.headers.insert("x-amz-sdk-checksum-algorithm", http::HeaderValue::from_static(algorithm.name()));
    Ok(())
}

/// A response body whose checksum is not the one its `x-amz-checksum-*` header gives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChecksumMismatch {
    /// The algorithm (`CRC32`...).
    pub algorithm: &'static str,
    /// The checksum the response header gives.
    pub expected: String,
    /// The checksum of the body received.
    pub actual: String,
}

impl fmt::Display for ChecksumMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "response body {} checksum mismatch: the response says {}, the body has {}", self.algorithm, self.expected, self.actual)
    }
}

impl std::error::Error for ChecksumMismatch {}

/// Checks a buffered response body against the first `x-amz-checksum-*` header of
/// `spec.response_algorithms` it carries. Composite checksums of multipart objects (`...-N`)
/// and algorithms this build lacks are not checked.
pub fn validate_response(spec: &ChecksumSpec, headers: &http::HeaderMap, body: &[u8]) -> Result<(), ChecksumMismatch> {
    for name in spec.response_algorithms {
        let Some(algorithm) = Algorithm::from_name(name) else { continue };
        let Some(expected) = headers.get(algorithm.header()).and_then(|v| v.to_str().ok()) else { continue };
        if expected.contains('-') {
            return Ok(());
        }
        let Ok(actual) = algorithm.checksum(body) else { continue };
        if actual != expected.trim() {
            return Err(ChecksumMismatch { algorithm: algorithm.name(), expected: expected.to_string(), actual });
        }
        return Ok(());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_values() {
        // The catalogue check values of "123456789".
        assert_eq!(crc32c(b"123456789"), 0xE306_9283);
        assert_eq!(crc64nvme(b"123456789"), 0xAE8B_1486_0A79_9888);
        assert_eq!(crc32c(b""), 0);
        #[cfg(feature = "checksum-crc32")]
        assert_eq!(crc32(b"123456789").unwrap(), 0xCBF4_3926);
        // Values as S3 shows them for "Hello world".
        #[cfg(feature = "checksum-crc32")]
        assert_eq!(Algorithm::Crc32.checksum(b"Hello world").unwrap(), "i9aeUg==");
        assert_eq!(Algorithm::Crc32c.checksum(b"Hello world").unwrap(), "crUfeA==");
        assert_eq!(Algorithm::Sha256.checksum(b"Hello world").unwrap(), "ZOyIygCyaOW6GjVnihtTFtIS9PNmskdyMlNKiuyjfzw=");
        #[cfg(feature = "checksum-sha1")]
        assert_eq!(Algorithm::Sha1.checksum(b"Hello world").unwrap(), "e1AsOh9IyGCa4hLN+2Od7jlnP14=");
    }

    const SPEC: ChecksumSpec = ChecksumSpec { request_checksum: true, response_algorithms: &["CRC32C", "CRC32", "SHA1", "SHA256"] };

    #[test]
    fn request_checksum_chosen_default_or_given() {
        let mut parts = RequestParts::new(http::Method::PUT, "/k");
        parts.body = b"Hello world".to_vec();
        parts.checksum_algorithm = Some("sha256".into());
        add_request_checksum(&SPEC, &mut parts).unwrap();
        assert_eq!(parts.headers["x-amz-checksum-sha256"], "ZOyIygCyaOW6GjVnihtTFtIS9PNmskdyMlNKiuyjfzw=");
        assert_eq!(parts.headers["x-amz-sdk-checksum-algorithm"], "SHA256");
        // Already there: left alone.
        add_request_checksum(&SPEC, &mut parts).unwrap();
        assert_eq!(parts.headers.len(), 2);
        let mut parts = RequestParts::new(http::Method::PUT, "/k");
        parts.body = b"Hello world".to_vec();
        parts.headers.insert("x-amz-sdk-checksum-algorithm", http::HeaderValue::from_static("CRC32C"));
        add_request_checksum(&SPEC, &mut parts).unwrap();
        assert_eq!(parts.headers["x-amz-checksum-crc32c"], "crUfeA==");
        let mut parts = RequestParts::new(http::Method::PUT, "/k");
        parts.checksum_algorithm = Some("MD4".into());
        assert!(add_request_checksum(&SPEC, &mut parts).unwrap_err().contains("MD4"));
        // Not required and not chosen: nothing.
        let optional = ChecksumSpec { request_checksum: false, response_algorithms: &[] };
        let mut parts = RequestParts::new(http::Method::PUT, "/k");
        add_request_checksum(&optional, &mut parts).unwrap();
        assert!(parts.headers.is_empty());
    }

    #[test]
    fn response_validation() {
        let mut headers = http::HeaderMap::new();
        assert_eq!(validate_response(&SPEC, &headers, b"anything"), Ok(()));
        headers.insert("x-amz-checksum-crc32c", http::HeaderValue::from_static("crUfeA=="));
        assert_eq!(validate_response(&SPEC, &headers, b"Hello world"), Ok(()));
        let err = validate_response(&SPEC, &headers, b"Hello world!").unwrap_err();
        assert_eq!((err.algorithm, err.expected.as_str()), ("CRC32C", "crUfeA=="));
        assert!(err.to_string().contains("mismatch"));
        headers.insert("x-amz-checksum-crc32c", http::HeaderValue::from_static("crUfeA==-2"));
        assert_eq!(validate_response(&SPEC, &headers, b"other"), Ok(()), "composite checksums are not checked");
    }
}
