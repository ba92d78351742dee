//! Presigned requests, as aws-sdk-rust's `presigning` module: a request signed in its query
//! string (SigV4 query parameters, payload `UNSIGNED-PAYLOAD`) that anyone holding the URL can
//! send until it expires, without credentials.
//!
//! ```ignore
//! let presigned = client.get_object().bucket("b").key("k")
//!     .presigned(PresigningConfig::expires_in(Duration::from_secs(900))?).await?;
//! println!("{} {}", presigned.method(), presigned.uri());
//! ```

use std::error::Error as StdError;
use std::fmt;
use std::time::{Duration, SystemTime};

/// The longest a presigned request can be valid: 7 days (SigV4's limit).
pub const MAX_EXPIRES_IN: Duration = Duration::from_secs(super::sigv4::MAX_PRESIGNED_EXPIRY_SECS);

/// When a presigned request starts to be valid and for how long.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PresigningConfig {
    start_time: SystemTime,
    expires_in: Duration,
}

impl PresigningConfig {
    /// Valid from now for `expires_in` (at most 7 days).
    pub fn expires_in(expires_in: Duration) -> Result<PresigningConfig, PresigningConfigError> {
        PresigningConfig::builder().expires_in(expires_in).build()
    }

    /// A builder: `expires_in` is required, `start_time` defaults to now.
    pub fn builder() -> PresigningConfigBuilder {
        PresigningConfigBuilder::default()
    }

    /// How long the request is valid, from its start time.
    pub fn expires(&self) -> Duration {
        self.expires_in
    }

    /// When the request is signed (the validity starts).
    pub fn start_time(&self) -> SystemTime {
        self.start_time
    }
}

/// Builds a [`PresigningConfig`].
#[derive(Clone, Debug, Default)]
pub struct PresigningConfigBuilder {
    start_time: Option<SystemTime>,
    expires_in: Option<Duration>,
}

impl PresigningConfigBuilder {
    /// The signing time (default: now).
    pub fn start_time(mut self, start_time: SystemTime) -> Self {
        self.start_time = Some(start_time);
        self
    }
    /// Sets or clears the signing time.
    pub fn set_start_time(&mut self, start_time: Option<SystemTime>) {
        self.start_time = start_time;
    }
    /// How long the request is valid (required, at most 7 days).
    pub fn expires_in(mut self, expires_in: Duration) -> Self {
        self.expires_in = Some(expires_in);
        self
    }
    /// Sets or clears the validity.
    pub fn set_expires_in(&mut self, expires_in: Option<Duration>) {
        self.expires_in = expires_in;
    }
    /// The configuration, or why it is not valid.
    pub fn build(self) -> Result<PresigningConfig, PresigningConfigError> {
        let expires_in = self.expires_in.ok_or(PresigningConfigError::ExpiresInRequired)?;
        if expires_in > MAX_EXPIRES_IN {
            return Err(PresigningConfigError::ExpiresInDurationTooLong);
        }
        Ok(PresigningConfig { start_time: self.start_time.unwrap_or_else(SystemTime::now), expires_in })
    }
}

/// Why a [`PresigningConfig`] could not be built.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PresigningConfigError {
    /// `expires_in` is longer than 7 days.
    ExpiresInDurationTooLong,
    /// `expires_in` was not set.
    ExpiresInRequired,
}

impl fmt::Display for PresigningConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PresigningConfigError::ExpiresInDurationTooLong => f.write_str("`expires_in` must be no longer than one week (604800 seconds)"),
            PresigningConfigError::ExpiresInRequired => f.write_str("`expires_in` is required"),
        }
    }
}

impl StdError for PresigningConfigError {}

/// A presigned request: its method, URI (with the signature in the query) and the headers that
/// must be sent with it (they are signed). Its `Debug` leaves out the signature and the session
/// token: the URI is a bearer credential until it expires.
#[derive(Clone)]
pub struct PresignedRequest {
    method: http::Method,
    uri: String,
    headers: http::HeaderMap,
}

/// Query parameters of a presigned URI whose values grant access.
const SECRET_QUERY_PARAMS: &[&str] = &["X-Amz-Signature", "X-Amz-Security-Token"];

impl fmt::Debug for PresignedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let uri = match self.uri.split_once('?') {
            Some((path, query)) => {
                let params: Vec<String> = query
                    .split('&')
                    .map(|p| match p.split_once('=') {
                        Some((k, _)) if SECRET_QUERY_PARAMS.iter().any(|s| s.eq_ignore_ascii_case(k)) => format!("{k}=** redacted **"),
                        _ => p.to_string(),
                    })
                    .collect();
                format!("{path}?{}", params.join("&"))
            }
            None => self.uri.clone(),
        };
        let headers: Vec<(&str, &str)> = self
            .headers()
            .map(|(k, v)| if k.eq_ignore_ascii_case("x-amz-security-token") { (k, "** redacted **") } else { (k, v) })
            .collect();
        f.debug_struct("PresignedRequest").field("method", &self.method).field("uri", &uri).field("headers", &headers).finish()
    }
}

impl PresignedRequest {
    pub(crate) fn new(method: http::Method, uri: String, headers: http::HeaderMap) -> Self {
        PresignedRequest { method, uri, headers }
    }

    /// The HTTP method.
    pub fn method(&self) -> &str {
        self.method.as_str()
    }

    /// The presigned URI.
    pub fn uri(&self) -> &str {
        &self.uri
    }

    /// The headers to send with the request, as `(name, value)`.
    pub fn headers(&self) -> impl Iterator<Item = (&str, &str)> {
        self.headers.iter().filter_map(|(k, v)| Some((k.as_str(), v.to_str().ok()?)))
    }

    /// An `http` 1.x request with this method, URI and headers, and `body`.
    pub fn into_http_1x_request<B>(self, body: B) -> http::Request<B> {
        let mut request = http::Request::new(body);
        *request.method_mut() = self.method;
        // The URI came from a parsed `http::Uri`.
        *request.uri_mut() = self.uri.parse().unwrap_or_default();
        *request.headers_mut() = self.headers;
        request
    }

    /// [`into_http_1x_request`](Self::into_http_1x_request) without consuming this value.
    pub fn make_http_1x_request<B>(&self, body: B) -> http::Request<B> {
        self.clone().into_http_1x_request(body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_limits() {
        assert_eq!(PresigningConfig::expires_in(Duration::from_secs(604_801)), Err(PresigningConfigError::ExpiresInDurationTooLong));
        assert_eq!(PresigningConfig::builder().build(), Err(PresigningConfigError::ExpiresInRequired));
        let start = SystemTime::UNIX_EPOCH + Duration::from_secs(1_369_353_600);
        let c = PresigningConfig::builder().expires_in(MAX_EXPIRES_IN).start_time(start).build().unwrap();
        assert_eq!((c.expires(), c.start_time()), (MAX_EXPIRES_IN, start));
        assert!(PresigningConfig::expires_in(Duration::from_secs(60)).unwrap().start_time() <= SystemTime::now());
    }

    #[test]
    fn request_conversion() {
        let mut headers = http::HeaderMap::new();
        headers.insert("x-amz-meta-a", http::HeaderValue::from_static("1"));
        let p = PresignedRequest::new(http::Method::PUT, "https://b.s3.amazonaws.com/k?X-Amz-Signature=ab".into(), headers);
        assert_eq!((p.method(), p.uri()), ("PUT", "https://b.s3.amazonaws.com/k?X-Amz-Signature=ab"));
        assert_eq!(p.headers().collect::<Vec<_>>(), vec![("x-amz-meta-a", "1")]);
        let r = p.into_http_1x_request(());
        assert_eq!((r.method(), r.uri().query()), (&http::Method::PUT, Some("X-Amz-Signature=ab")));
        assert_eq!(r.headers()["x-amz-meta-a"], "1");
    }

    #[test]
    fn debug_leaves_out_the_signature_and_the_token() {
        let mut headers = http::HeaderMap::new();
        headers.insert("x-amz-security-token", http::HeaderValue::from_static("tok3n"));
        let uri = "https://b.s3.amazonaws.com/k?X-Amz-Credential=AKID%2Fx&X-Amz-Security-Token=tok3n&X-Amz-Signature=5ecret";
        let debug = format!("{:?}", PresignedRequest::new(http::Method::GET, uri.into(), headers));
        assert!(!debug.contains("5ecret") && !debug.contains("tok3n"), "{debug}");
        assert!(debug.contains("X-Amz-Credential=AKID%2Fx") && debug.contains("X-Amz-Signature=** redacted **"), "{debug}");
    }
}
