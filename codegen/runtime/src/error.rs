//! Error types shared by every operation: `SdkError`, error metadata and the traits that expose it.
//!
//! Names follow aws-sdk-rust (`SdkError`, `ErrorMetadata`, `ProvideErrorMetadata`, `RequestId`,
//! `DisplayErrorContext`, `BuildError`, `ConnectorError`) so code written for the official SDK
//! moves over. Where the official SDK hides information (its `Display` for `SdkError` is only
//! "service error", and non-service errors carry no metadata), ours keeps it: every variant
//! displays its cause and answers `meta()` with whatever the response told us.

use std::error::Error as StdError;
use std::fmt;

/// A boxed error that can cross threads.
pub type BoxError = ::std::boxed::Box<dyn StdError + Send + Sync + 'static>;

/// Code, message, request id and HTTP status of an error, as far as they are known.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ErrorMetadata {
    code: Option<String>,
    message: Option<String>,
    request_id: Option<String>,
    status: Option<u16>,
    attempts: Option<u32>,
}

impl ErrorMetadata {
    /// A builder for error metadata.
    pub fn builder() -> ErrorMetadataBuilder {
        ErrorMetadataBuilder::default()
    }
    /// The error code (the sanitised error type name), if known.
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }
    /// The error message, if the service sent one.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }
    /// The request id from the `x-amzn-RequestId` header, if present.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
    /// The HTTP status of the response, if there was one.
    pub fn status(&self) -> Option<u16> {
        self.status
    }
    /// How many attempts the call made before this error (retries included).
    pub fn attempts(&self) -> Option<u32> {
        self.attempts
    }
    /// The same metadata with the attempt count set.
    pub fn with_attempts(mut self, attempts: u32) -> Self {
        self.attempts = Some(attempts);
        self
    }
}

impl fmt::Display for ErrorMetadata {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut sep = "";
        if let Some(code) = &self.code {
            write!(f, "code: {code}")?;
            sep = ", ";
        }
        if let Some(message) = &self.message {
            write!(f, "{sep}message: {message}")?;
            sep = ", ";
        }
        if let Some(status) = self.status {
            write!(f, "{sep}status: {status}")?;
            sep = ", ";
        }
        if let Some(id) = &self.request_id {
            write!(f, "{sep}request id: {id}")?;
            sep = ", ";
        }
        if let Some(n) = self.attempts.filter(|n| *n > 1) {
            write!(f, "{sep}attempts: {n}")?;
        }
        Ok(())
    }
}

/// Builder for [`ErrorMetadata`].
#[derive(Clone, Debug, Default)]
pub struct ErrorMetadataBuilder {
    inner: ErrorMetadata,
}

impl ErrorMetadataBuilder {
    /// Sets the error code.
    pub fn code(mut self, code: impl Into<String>) -> Self {
        self.inner.code = Some(code.into());
        self
    }
    /// Sets the error message.
    pub fn message(mut self, message: impl Into<String>) -> Self {
        self.inner.message = Some(message.into());
        self
    }
    /// Sets the request id.
    pub fn request_id(mut self, request_id: impl Into<String>) -> Self {
        self.inner.request_id = Some(request_id.into());
        self
    }
    /// Sets the HTTP status.
    pub fn status(mut self, status: u16) -> Self {
        self.inner.status = Some(status);
        self
    }
    /// Builds the metadata.
    pub fn build(self) -> ErrorMetadata {
        self.inner
    }
}

/// Access to the code, message and metadata of an error.
pub trait ProvideErrorMetadata {
    /// The error's metadata.
    fn meta(&self) -> &ErrorMetadata;
    /// The error code, if known.
    fn code(&self) -> Option<&str> {
        self.meta().code()
    }
    /// The error message, if known.
    fn message(&self) -> Option<&str> {
        self.meta().message()
    }
}

/// Access to the AWS request id (`x-amzn-RequestId`) of a response or error.
pub trait RequestId {
    /// The request id, if the service sent one.
    fn request_id(&self) -> Option<&str>;
}

/// Implemented by operation errors so that a non-service failure can become their unhandled variant.
pub trait CreateUnhandledError {
    /// Builds the unhandled variant from a source error and optional metadata.
    fn create_unhandled_error(source: BoxError, meta: Option<ErrorMetadata>) -> Self;
}

static EMPTY_META: ErrorMetadata = ErrorMetadata {
    code: None,
    message: None,
    request_id: None,
    status: None,
    attempts: None,
};

/// An HTTP response status code, as aws-sdk-rust's `StatusCode` (from aws-smithy-runtime-api):
/// `as_u16()`, the `is_*` class predicates, `Display`, `TryFrom<u16>` and `From<http::StatusCode>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StatusCode(u16);

impl StatusCode {
    /// The code as a number.
    pub fn as_u16(self) -> u16 {
        self.0
    }
    /// 1xx.
    pub fn is_informational(self) -> bool {
        (100..200).contains(&self.0)
    }
    /// 2xx.
    pub fn is_success(self) -> bool {
        (200..300).contains(&self.0)
    }
    /// 3xx.
    pub fn is_redirection(self) -> bool {
        (300..400).contains(&self.0)
    }
    /// 4xx.
    pub fn is_client_error(self) -> bool {
        (400..500).contains(&self.0)
    }
    /// 5xx.
    pub fn is_server_error(self) -> bool {
        (500..600).contains(&self.0)
    }
}

impl fmt::Display for StatusCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// A number outside 100..=999 given as an HTTP status code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvalidStatusCode(u16);

impl fmt::Display for InvalidStatusCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid HTTP status code {} (must be 100..=999)", self.0)
    }
}

impl StdError for InvalidStatusCode {}

impl TryFrom<u16> for StatusCode {
    type Error = InvalidStatusCode;
    fn try_from(value: u16) -> Result<Self, Self::Error> {
        if (100..1000).contains(&value) {
            Ok(StatusCode(value))
        } else {
            Err(InvalidStatusCode(value))
        }
    }
}

impl From<http::StatusCode> for StatusCode {
    fn from(value: http::StatusCode) -> Self {
        StatusCode(value.as_u16())
    }
}

impl From<StatusCode> for u16 {
    fn from(value: StatusCode) -> Self {
        value.0
    }
}

/// The raw HTTP response that came back for a request. Its `Debug` shows the status, the header
/// names and the body's length, not their contents, which may hold `@sensitive` values (errors
/// keep this response and are often logged with `{:?}`): read them with
/// [`headers`](Self::headers) and [`body`](Self::body).
#[derive(Clone, PartialEq)]
pub struct HttpResponse {
    status: u16,
    headers: http::HeaderMap,
    body: Vec<u8>,
}

impl HttpResponse {
    /// Builds a response from its parts.
    pub fn new(status: u16, headers: http::HeaderMap, body: Vec<u8>) -> Self {
        HttpResponse { status, headers, body }
    }
    /// The HTTP status code (`.as_u16()` for the number), as aws-sdk-rust's `HttpResponse::status()`.
    pub fn status(&self) -> StatusCode {
        StatusCode(self.status)
    }
    /// The response headers.
    pub fn headers(&self) -> &http::HeaderMap {
        &self.headers
    }
    /// The raw response body bytes.
    pub fn body(&self) -> &[u8] {
        &self.body
    }
    /// A header value as text, if present and valid UTF-8.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
    /// Status, headers and body.
    pub fn into_parts(self) -> (u16, http::HeaderMap, Vec<u8>) {
        (self.status, self.headers, self.body)
    }
}

impl fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.keys().map(|k| k.as_str()).collect();
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("headers", &names)
            .field("body", &format_args!("{} bytes", self.body.len()))
            .finish()
    }
}

impl RequestId for HttpResponse {
    fn request_id(&self) -> Option<&str> {
        self.header("x-amzn-requestid")
            .or_else(|| self.header("x-amz-request-id"))
    }
}

/// The kind of a transport failure, which decides whether it is safe to retry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConnectorErrorKind {
    /// The connection could not be established: the request never reached the server.
    Connect,
    /// The request was (or may have been) sent, then the connection failed.
    Io,
    /// A timeout fired.
    Timeout,
    /// Something else went wrong in the transport (a bug or a misconfiguration).
    Other,
}

/// A failure of the HTTP transport.
#[derive(Debug)]
pub struct ConnectorError {
    kind: ConnectorErrorKind,
    source: BoxError,
}

impl ConnectorError {
    /// A failure to connect (never reached the server).
    pub fn connect(source: impl Into<BoxError>) -> Self {
        ConnectorError { kind: ConnectorErrorKind::Connect, source: source.into() }
    }
    /// An IO failure after the request may have been sent.
    pub fn io(source: impl Into<BoxError>) -> Self {
        ConnectorError { kind: ConnectorErrorKind::Io, source: source.into() }
    }
    /// A timeout.
    pub fn timeout(source: impl Into<BoxError>) -> Self {
        ConnectorError { kind: ConnectorErrorKind::Timeout, source: source.into() }
    }
    /// Any other transport failure.
    pub fn other(source: impl Into<BoxError>) -> Self {
        ConnectorError { kind: ConnectorErrorKind::Other, source: source.into() }
    }
    /// What kind of failure this is.
    pub fn kind(&self) -> ConnectorErrorKind {
        self.kind
    }
    /// True for a timeout.
    pub fn is_timeout(&self) -> bool {
        self.kind == ConnectorErrorKind::Timeout
    }
    /// True for an IO failure after the request may have been sent.
    pub fn is_io(&self) -> bool {
        self.kind == ConnectorErrorKind::Io
    }
    /// True when the connection was never established.
    pub fn is_connect(&self) -> bool {
        self.kind == ConnectorErrorKind::Connect
    }
}

impl fmt::Display for ConnectorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            ConnectorErrorKind::Connect => "connection failed",
            ConnectorErrorKind::Io => "io error",
            ConnectorErrorKind::Timeout => "timeout",
            ConnectorErrorKind::Other => "transport error",
        };
        write!(f, "{what}: {}", self.source)
    }
}

impl StdError for ConnectorError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(self.source.as_ref())
    }
}

/// A builder could not build its value (a required field is missing or invalid).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildError {
    field: &'static str,
    details: String,
}

impl BuildError {
    /// A required field was not set.
    pub fn missing_field(field: &'static str, details: impl Into<String>) -> Self {
        BuildError { field, details: details.into() }
    }
    /// The name of the field at fault.
    pub fn field(&self) -> &str {
        self.field
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is invalid: {}", self.field, self.details)
    }
}

impl StdError for BuildError {}

/// A string that is not one of an enum's known values, from `try_parse`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownVariantError {
    value: String,
}

impl UnknownVariantError {
    /// Records the value that did not match.
    pub fn new(value: impl Into<String>) -> Self {
        UnknownVariantError { value: value.into() }
    }
}

impl fmt::Display for UnknownVariantError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown enum variant: '{}'", self.value)
    }
}

impl StdError for UnknownVariantError {}

/// An error the service returned that this client does not model, or a response it could not read.
///
/// Users reach it only through `code()`, `message()`, `meta()` and `source()` of the
/// operation error; the type is sealed so new modelled errors can be added without breaking matches.
#[derive(Debug)]
pub struct Unhandled {
    pub(crate) source: BoxError,
    pub(crate) meta: ErrorMetadata,
}

impl Unhandled {
    /// Builds an unhandled error.
    pub fn new(source: BoxError, meta: ErrorMetadata) -> Self {
        Unhandled { source, meta }
    }
    /// The metadata of the error.
    pub fn meta(&self) -> &ErrorMetadata {
        &self.meta
    }
    /// The underlying cause.
    pub fn source(&self) -> &(dyn StdError + Send + Sync + 'static) {
        self.source.as_ref()
    }
    /// An unhandled error described only by its metadata ("unhandled error (Code)").
    pub fn generic(meta: ErrorMetadata) -> Self {
        let description = match meta.code() {
            Some(code) => format!("unhandled error ({code})"),
            None => "unhandled error".to_string(),
        };
        Unhandled { source: Box::new(MessageError(description)), meta }
    }
}

/// A modelled error as a variant of an operation error holds it: an error with metadata.
pub trait ModeledVariant: StdError + ProvideErrorMetadata + 'static {
    /// Itself as a `dyn Error` (for `source()`).
    fn as_error(&self) -> &(dyn StdError + 'static);
}

impl<T: StdError + ProvideErrorMetadata + 'static> ModeledVariant for T {
    fn as_error(&self) -> &(dyn StdError + 'static) {
        self
    }
}

/// The variant an operation error holds, seen through what all variants share; the generated
/// error enums implement `meta()`, `Display` and `Error::source` with one `match` that makes
/// this, instead of one `match` each.
pub enum VariantRef<'a> {
    /// A modelled error.
    Modeled(&'a dyn ModeledVariant),
    /// The unhandled variant.
    Unhandled(&'a Unhandled),
}

impl<'a> VariantRef<'a> {
    /// Code, message, request id and status of the error.
    pub fn meta(&self) -> &'a ErrorMetadata {
        match *self {
            VariantRef::Modeled(e) => e.meta(),
            VariantRef::Unhandled(e) => &e.meta,
        }
    }
    /// `Error::source` of the operation error: the modelled error, or the unhandled one's cause.
    pub fn source(&self) -> Option<&'a (dyn StdError + 'static)> {
        match *self {
            VariantRef::Modeled(e) => Some(e.as_error()),
            VariantRef::Unhandled(e) => Some(e.source.as_ref()),
        }
    }
}

impl fmt::Display for VariantRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            VariantRef::Modeled(e) => fmt::Display::fmt(e, f),
            VariantRef::Unhandled(e) => {
                fmt::Display::fmt(&e.source, f)?;
                if let Some(message) = e.meta.message() {
                    write!(f, ": {message}")?;
                }
                if let Some(id) = e.meta.request_id() {
                    write!(f, " (request id: {id})")?;
                }
                Ok(())
            }
        }
    }
}

/// A message carried as an error (used as the source of an unhandled error).
#[derive(Debug)]
pub struct MessageError(pub String);

impl fmt::Display for MessageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl StdError for MessageError {}

/// The request could not be built (for example an input builder failed or no region is set).
#[derive(Debug)]
pub struct ConstructionFailure {
    source: BoxError,
}

/// The operation did not finish in time.
#[derive(Debug)]
pub struct TimeoutError {
    source: BoxError,
}

/// The request could not be sent or no response arrived.
#[derive(Debug)]
pub struct DispatchFailure {
    source: ConnectorError,
}

impl DispatchFailure {
    /// The transport error.
    pub fn as_connector_error(&self) -> &ConnectorError {
        &self.source
    }
}

/// A response arrived but could not be understood.
#[derive(Debug)]
pub struct ResponseError<R> {
    source: BoxError,
    raw: R,
    meta: ErrorMetadata,
}

impl<R> ResponseError<R> {
    /// The raw response.
    pub fn raw(&self) -> &R {
        &self.raw
    }
}

/// The service answered with an error.
#[derive(Debug)]
pub struct ServiceError<E, R> {
    source: E,
    raw: R,
}

impl<E, R> ServiceError<E, R> {
    /// The modelled service error.
    pub fn err(&self) -> &E {
        &self.source
    }
    /// Takes the modelled service error.
    pub fn into_err(self) -> E {
        self.source
    }
    /// The raw response.
    pub fn raw(&self) -> &R {
        &self.raw
    }
}

/// Everything that can go wrong with a call: the shape aws-sdk-rust users know.
#[derive(Debug)]
#[non_exhaustive]
pub enum SdkError<E, R = HttpResponse> {
    /// The request could not be built.
    ConstructionFailure(ConstructionFailure),
    /// The call timed out.
    TimeoutError(TimeoutError),
    /// The request could not be sent, or the connection failed before a response arrived.
    DispatchFailure(DispatchFailure),
    /// A response arrived that could not be read.
    ResponseError(ResponseError<R>),
    /// The service returned an error.
    ServiceError(ServiceError<E, R>),
}

impl<E, R> SdkError<E, R> {
    /// A construction failure.
    pub fn construction_failure(source: impl Into<BoxError>) -> Self {
        SdkError::ConstructionFailure(ConstructionFailure { source: source.into() })
    }
    /// A timeout.
    pub fn timeout_error(source: impl Into<BoxError>) -> Self {
        SdkError::TimeoutError(TimeoutError { source: source.into() })
    }
    /// A dispatch failure.
    pub fn dispatch_failure(source: ConnectorError) -> Self {
        SdkError::DispatchFailure(DispatchFailure { source })
    }
    /// A response that could not be read, with what is known about it.
    pub fn response_error(source: impl Into<BoxError>, raw: R, meta: ErrorMetadata) -> Self {
        SdkError::ResponseError(ResponseError { source: source.into(), raw, meta })
    }
    /// A service error.
    pub fn service_error(source: E, raw: R) -> Self {
        SdkError::ServiceError(ServiceError { source, raw })
    }
    /// The service error, if this is one.
    pub fn as_service_error(&self) -> Option<&E> {
        match self {
            SdkError::ServiceError(e) => Some(&e.source),
            _ => None,
        }
    }
    /// The service error; any other failure becomes the operation error's unhandled variant.
    pub fn into_service_error(self) -> E
    where
        E: CreateUnhandledError,
        E: StdError + Send + Sync + 'static,
        R: fmt::Debug + Send + Sync + 'static,
    {
        match self {
            SdkError::ServiceError(e) => e.source,
            SdkError::ResponseError(e) => E::create_unhandled_error(e.source, Some(e.meta)),
            SdkError::ConstructionFailure(e) => E::create_unhandled_error(e.source, None),
            SdkError::TimeoutError(e) => E::create_unhandled_error(e.source, None),
            SdkError::DispatchFailure(e) => E::create_unhandled_error(e.source.into(), None),
        }
    }
    /// The raw response, if one arrived.
    pub fn raw_response(&self) -> Option<&R> {
        match self {
            SdkError::ServiceError(e) => Some(&e.raw),
            SdkError::ResponseError(e) => Some(&e.raw),
            _ => None,
        }
    }
    /// Maps the service error type.
    pub fn map_service_error<E2>(self, f: impl FnOnce(E) -> E2) -> SdkError<E2, R> {
        match self {
            SdkError::ServiceError(e) => SdkError::ServiceError(ServiceError { source: f(e.source), raw: e.raw }),
            SdkError::ResponseError(e) => SdkError::ResponseError(e),
            SdkError::ConstructionFailure(e) => SdkError::ConstructionFailure(e),
            SdkError::TimeoutError(e) => SdkError::TimeoutError(e),
            SdkError::DispatchFailure(e) => SdkError::DispatchFailure(e),
        }
    }
}

impl<R> SdkError<ErrorMetadata, R> {
    /// Reads an error response, still held as its metadata and raw response, into the
    /// operation's error type (the orchestrator's retry loop is not generic over it).
    pub(crate) fn read_service_error<E>(self, read: impl FnOnce(&R, ErrorMetadata) -> E) -> SdkError<E, R> {
        match self {
            SdkError::ServiceError(e) => {
                let source = read(&e.raw, e.source);
                SdkError::ServiceError(ServiceError { source, raw: e.raw })
            }
            SdkError::ResponseError(e) => SdkError::ResponseError(e),
            SdkError::ConstructionFailure(e) => SdkError::ConstructionFailure(e),
            SdkError::TimeoutError(e) => SdkError::TimeoutError(e),
            SdkError::DispatchFailure(e) => SdkError::DispatchFailure(e),
        }
    }
}

impl<E: ProvideErrorMetadata, R> ProvideErrorMetadata for SdkError<E, R> {
    fn meta(&self) -> &ErrorMetadata {
        match self {
            SdkError::ServiceError(e) => e.source.meta(),
            SdkError::ResponseError(e) => &e.meta,
            _ => &EMPTY_META,
        }
    }
}

impl<E> RequestId for SdkError<E, HttpResponse> {
    fn request_id(&self) -> Option<&str> {
        self.raw_response().and_then(|r| r.request_id())
    }
}

impl<E: fmt::Display, R> fmt::Display for SdkError<E, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Only this match is generic; the formatting is compiled once for all operations.
        let (what, source, meta): (&str, &dyn fmt::Display, Option<&ErrorMetadata>) = match self {
            SdkError::ConstructionFailure(e) => ("failed to construct request", &e.source, None),
            SdkError::TimeoutError(e) => ("request timed out", &e.source, None),
            SdkError::DispatchFailure(e) => ("dispatch failure", &e.source, None),
            SdkError::ResponseError(e) => ("response error", &e.source, Some(&e.meta)),
            SdkError::ServiceError(e) => ("service error", &e.source, None),
        };
        display_sdk_error(f, what, source, meta)
    }
}

fn display_sdk_error(f: &mut fmt::Formatter<'_>, what: &str, source: &dyn fmt::Display, meta: Option<&ErrorMetadata>) -> fmt::Result {
    write!(f, "{what}: {source}")?;
    if let Some(meta) = meta.filter(|m| **m != EMPTY_META) {
        write!(f, " ({meta})")?;
    }
    Ok(())
}

impl<E, R> StdError for SdkError<E, R>
where
    E: StdError + 'static,
    R: fmt::Debug,
{
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            SdkError::ConstructionFailure(e) => Some(e.source.as_ref()),
            SdkError::TimeoutError(e) => Some(e.source.as_ref()),
            SdkError::DispatchFailure(e) => Some(&e.source),
            SdkError::ResponseError(e) => Some(e.source.as_ref()),
            SdkError::ServiceError(e) => Some(&e.source),
        }
    }
}

/// Displays an error with its whole chain of causes: `a: b: c`.
///
/// Errors here (and many elsewhere, hyper's among them) already end their own message with
/// their cause's; a cause whose text the output already ends with is not repeated, so a chain
/// reads `dispatch failure: io error: reset`, not `dispatch failure: io error: reset: io
/// error: reset: reset`.
pub struct DisplayErrorContext<E>(pub E);

impl<E: StdError> fmt::Display for DisplayErrorContext<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = self.0.to_string();
        let mut next = self.0.source();
        while let Some(err) = next {
            let text = err.to_string();
            if !out.ends_with(&text) {
                out.push_str(": ");
                out.push_str(&text);
            }
            next = err.source();
        }
        f.write_str(&out)
    }
}

impl<E: StdError> fmt::Debug for DisplayErrorContext<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self} ({:?})", self.0)
    }
}

/// A response body that does not match the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeserializeError {
    message: String,
}

impl DeserializeError {
    /// A mismatch at `path`.
    pub fn new(path: &str, expected: &str) -> Self {
        DeserializeError { message: format!("{path}: expected {expected}") }
    }
    /// Any other problem.
    pub fn custom(message: impl Into<String>) -> Self {
        DeserializeError { message: message.into() }
    }
}

impl std::fmt::Display for DeserializeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "failed to read response body: {}", self.message)
    }
}

impl std::error::Error for DeserializeError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Leaf;
    impl fmt::Display for Leaf {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("leaf")
        }
    }
    impl StdError for Leaf {}

    #[test]
    fn sdk_error_display_names_the_kind_and_keeps_response_metadata() {
        let e: SdkError<Leaf> = SdkError::service_error(Leaf, HttpResponse::new(400, http::HeaderMap::new(), Vec::new()));
        assert_eq!(e.to_string(), "service error: leaf");
        let e: SdkError<Leaf> = SdkError::construction_failure(Leaf);
        assert_eq!(e.to_string(), "failed to construct request: leaf");
        let meta = ErrorMetadata::builder().status(502).request_id("r1").build();
        let e: SdkError<Leaf> = SdkError::response_error(Leaf, HttpResponse::new(502, http::HeaderMap::new(), Vec::new()), meta.clone());
        assert_eq!(e.to_string(), format!("response error: leaf ({meta})"));
        let e: SdkError<Leaf> = SdkError::response_error(Leaf, HttpResponse::new(502, http::HeaderMap::new(), Vec::new()), ErrorMetadata::default());
        assert_eq!(e.to_string(), "response error: leaf");
    }

    #[test]
    fn variant_ref_of_unhandled_shows_source_message_and_request_id() {
        let meta = ErrorMetadata::builder().code("Boom").message("it broke").request_id("r-9").build();
        let unhandled = Unhandled::generic(meta);
        let v = VariantRef::Unhandled(&unhandled);
        assert_eq!(v.to_string(), "unhandled error (Boom): it broke (request id: r-9)");
        assert_eq!(v.meta().code(), Some("Boom"));
        assert_eq!(v.source().map(|s| s.to_string()).as_deref(), Some("unhandled error (Boom)"));
    }

    #[test]
    fn display_error_context_walks_the_chain() {
        let err: SdkError<Leaf> = SdkError::dispatch_failure(ConnectorError::io(Leaf));
        assert_eq!(
            DisplayErrorContext(&err).to_string(),
            "dispatch failure: io error: leaf"
        );
        // Causes that do not repeat their source's text are all shown.
        #[derive(Debug)]
        struct Outer(Leaf);
        impl fmt::Display for Outer {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("outer")
            }
        }
        impl StdError for Outer {
            fn source(&self) -> Option<&(dyn StdError + 'static)> {
                Some(&self.0)
            }
        }
        let err: SdkError<Leaf> = SdkError::dispatch_failure(ConnectorError::connect(Outer(Leaf)));
        assert_eq!(
            DisplayErrorContext(&err).to_string(),
            "dispatch failure: connection failed: outer: leaf"
        );
    }

    #[test]
    fn response_error_keeps_metadata() {
        let meta = ErrorMetadata::builder().status(500).request_id("r-1").build();
        let raw = HttpResponse::new(500, http::HeaderMap::new(), b"oops".to_vec());
        struct E(ErrorMetadata);
        impl ProvideErrorMetadata for E {
            fn meta(&self) -> &ErrorMetadata {
                &self.0
            }
        }
        let err: SdkError<E> = SdkError::response_error(MessageError("bad body".into()), raw, meta);
        assert_eq!(err.meta().status(), Some(500));
        assert_eq!(err.meta().request_id(), Some("r-1"));
        assert_eq!(err.raw_response().map(|r| r.body()), Some(&b"oops"[..]));
        assert_eq!(err.raw_response().map(|r| r.status().as_u16()), Some(500));
    }

    #[test]
    fn raw_response_debug_shows_no_values() {
        let mut headers = http::HeaderMap::new();
        headers.insert("x-amz-server-side-encryption-aws-kms-key-id", http::HeaderValue::from_static("secret-key-id"));
        let raw = HttpResponse::new(200, headers, b"{\"AccessToken\":\"secret-token\"}".to_vec());
        let debug = format!("{raw:?}");
        assert_eq!(debug, "HttpResponse { status: 200, headers: [\"x-amz-server-side-encryption-aws-kms-key-id\"], body: 30 bytes }");
    }

    #[test]
    fn status_code_classes_and_conversions() {
        let s = StatusCode::try_from(404).unwrap();
        assert_eq!((s.as_u16(), s.to_string()), (404, "404".to_string()));
        assert!(s.is_client_error() && !s.is_success() && !s.is_server_error());
        assert!(StatusCode::try_from(204).unwrap().is_success());
        assert!(StatusCode::try_from(503).unwrap().is_server_error());
        assert!(StatusCode::try_from(101).unwrap().is_informational());
        assert!(StatusCode::try_from(302).unwrap().is_redirection());
        assert!(StatusCode::try_from(99).is_err());
        assert!(StatusCode::try_from(1000).is_err());
        assert_eq!(StatusCode::from(http::StatusCode::IM_A_TEAPOT).as_u16(), 418);
        assert_eq!(u16::from(s), 404);
    }
}
