//! Smithy's primitive value types that Rust's standard library lacks: `Blob`, `DateTime`,
//! `Document`, `BigInteger` and `BigDecimal` (names as in aws-sdk-rust's `primitives`).

use std::collections::HashMap;
use std::fmt;

/// Binary data (a Smithy `blob`), sent as base64 in JSON.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Blob(Vec<u8>);

impl Blob {
    /// Wraps bytes.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        Blob(bytes.into())
    }
    /// The bytes.
    pub fn as_ref(&self) -> &[u8] {
        &self.0
    }
    /// Takes the bytes.
    pub fn into_inner(self) -> Vec<u8> {
        self.0
    }
}

impl From<Vec<u8>> for Blob {
    fn from(v: Vec<u8>) -> Self {
        Blob(v)
    }
}

impl From<&[u8]> for Blob {
    fn from(v: &[u8]) -> Self {
        Blob(v.to_vec())
    }
}

/// A boxed HTTP body (http-body 1.x) of `Bytes` chunks: what a [`ByteStream`] reads from when
/// it wraps a transport's response body or a user's stream.
pub type BoxBody = std::pin::Pin<Box<dyn http_body::Body<Data = bytes::Bytes, Error = super::error::BoxError> + Send + Sync>>;

/// The body of a `@streaming` blob member (aws-sdk-rust's `ByteStream`): a request body built
/// from bytes, from a file (read in chunks while it is sent, never whole) or from any
/// http-body 1.x body; or a response body read incrementally with [`next`](Self::next) /
/// [`try_next`](Self::try_next), or whole with [`collect`](Self::collect).
///
/// Bodies from bytes and from files are *replayable*: a clone reads the body again from its
/// start (a file is reopened), so a request carrying one can be retried. A body wrapping a
/// stream (a response body, [`from_body_1_x`](Self::from_body_1_x)) is *one-shot*: clones share
/// it and only the first reader gets the data; a request whose one-shot body was sent is not
/// retried.
pub struct ByteStream {
    source: Source,
    state: State,
}

#[derive(Clone)]
enum Source {
    Bytes(bytes::Bytes),
    File(FileSource),
    OneShot { body: std::sync::Arc<std::sync::Mutex<Option<BoxBody>>>, length: Option<u64> },
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct FileSource {
    path: std::path::PathBuf,
    offset: u64,
    length: u64,
    buffer_size: usize,
}

enum State {
    Fresh,
    File(FileReader),
    Body(BoxBody),
    Done,
}

/// The default size of the chunks a file is read in.
pub const DEFAULT_BUFFER_SIZE: usize = 64 * 1024;

impl Default for ByteStream {
    fn default() -> Self {
        ByteStream::new(bytes::Bytes::new())
    }
}

impl Clone for ByteStream {
    /// A fresh read of the same body: from its start for bytes and files, the shared stream for
    /// a one-shot body.
    fn clone(&self) -> Self {
        ByteStream { source: self.source.clone(), state: State::Fresh }
    }
}

impl PartialEq for ByteStream {
    /// Bytes compare by content, files by path and range, one-shot streams by identity.
    fn eq(&self, other: &Self) -> bool {
        match (&self.source, &other.source) {
            (Source::Bytes(a), Source::Bytes(b)) => a == b,
            (Source::File(a), Source::File(b)) => a == b,
            (Source::OneShot { body: a, .. }, Source::OneShot { body: b, .. }) => std::sync::Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.source {
            Source::Bytes(b) => write!(f, "ByteStream({} bytes)", b.len()),
            Source::File(s) => write!(f, "ByteStream(file {:?}, {} bytes from offset {})", s.path, s.length, s.offset),
            Source::OneShot { length: Some(n), .. } => write!(f, "ByteStream(stream of {n} bytes)"),
            Source::OneShot { length: None, .. } => f.write_str("ByteStream(stream)"),
        }
    }
}

impl ByteStream {
    /// A stream of these bytes (`Vec<u8>`, `String`, `bytes::Bytes`, `&'static [u8]`...).
    pub fn new(bytes: impl Into<bytes::Bytes>) -> Self {
        ByteStream { source: Source::Bytes(bytes.into()), state: State::Fresh }
    }
    /// A stream of static bytes.
    pub fn from_static(bytes: &'static [u8]) -> Self {
        ByteStream::new(bytes::Bytes::from_static(bytes))
    }
    /// A stream of the whole file: only its length is read now; its contents are read in
    /// chunks when the stream is read (or sent), and again from the start by each retry.
    pub async fn from_path(path: impl AsRef<std::path::Path>) -> Result<Self, ByteStreamError> {
        ByteStream::read_from().path(path).build().await
    }
    /// A builder for a stream of a file or part of one (aws-sdk-rust's `FsBuilder`).
    pub fn read_from() -> FsBuilder {
        FsBuilder::default()
    }
    /// A one-shot stream of any http-body 1.x body (its exact size hint, if any, becomes the
    /// `Content-Length` of a request).
    pub fn from_body_1_x<B>(body: B) -> Self
    where
        B: http_body::Body<Data = bytes::Bytes> + Send + Sync + 'static,
        B::Error: Into<super::error::BoxError>,
    {
        let length = body.size_hint().exact();
        ByteStream::one_shot(Box::pin(BoxErrors(Box::pin(body))), length)
    }
    pub(crate) fn one_shot(body: BoxBody, length: Option<u64>) -> Self {
        ByteStream { source: Source::OneShot { body: std::sync::Arc::new(std::sync::Mutex::new(Some(body))), length }, state: State::Fresh }
    }
    /// A one-shot stream yielding these chunks one by one (test transports use it to serve a
    /// response in pieces).
    pub fn from_chunks(chunks: impl IntoIterator<Item = bytes::Bytes>) -> Self {
        let chunks: std::collections::VecDeque<bytes::Bytes> = chunks.into_iter().collect();
        let length = chunks.iter().map(|c| c.len() as u64).sum();
        ByteStream::one_shot(Box::pin(Chunks(chunks)), Some(length))
    }

    /// The next chunk of data, `None` at the end.
    pub async fn next(&mut self) -> Option<Result<bytes::Bytes, ByteStreamError>> {
        std::future::poll_fn(|cx| self.poll_next(cx)).await
    }
    /// The next chunk of data, `Ok(None)` at the end.
    pub async fn try_next(&mut self) -> Result<Option<bytes::Bytes>, ByteStreamError> {
        self.next().await.transpose()
    }
    /// Reads the rest of the stream into memory.
    pub async fn collect(mut self) -> Result<AggregatedBytes, ByteStreamError> {
        if let (State::Fresh, Source::Bytes(b)) = (&self.state, &self.source) {
            return Ok(AggregatedBytes(b.clone()));
        }
        let mut chunks: Vec<bytes::Bytes> = Vec::new();
        while let Some(chunk) = self.next().await {
            chunks.push(chunk?);
        }
        Ok(AggregatedBytes(match chunks.len() {
            0 => bytes::Bytes::new(),
            1 => chunks.pop().unwrap_or_default(),
            _ => bytes::Bytes::from(chunks.concat()),
        }))
    }
    /// The bytes, when the body is in memory (`None` for files and streams).
    pub fn bytes(&self) -> Option<&[u8]> {
        match &self.source {
            Source::Bytes(b) => Some(b),
            _ => None,
        }
    }
    /// Lower and upper bounds of the body's length, as `http_body::SizeHint` gives them.
    pub fn size_hint(&self) -> (u64, Option<u64>) {
        match self.content_length() {
            Some(n) => (n, Some(n)),
            None => (0, None),
        }
    }
    /// The body's exact length, when known (bytes, files, streams with an exact size hint).
    pub fn content_length(&self) -> Option<u64> {
        match &self.source {
            Source::Bytes(b) => Some(b.len() as u64),
            Source::File(f) => Some(f.length),
            Source::OneShot { length, .. } => *length,
        }
    }
    /// Whether a clone reads the whole body again (bytes, files, a one-shot stream nobody has
    /// started reading): what makes a request carrying it retryable.
    pub fn is_replayable(&self) -> bool {
        match &self.source {
            Source::Bytes(_) | Source::File(_) => true,
            Source::OneShot { body, .. } => body.lock().map(|b| b.is_some()).unwrap_or(false),
        }
    }
    /// Whether the body is a one-shot stream (neither bytes nor a file).
    pub(crate) fn is_one_shot(&self) -> bool {
        matches!(self.source, Source::OneShot { .. })
    }

    /// The SHA-256 of the body (hex), read in chunks from a clone: for bytes and files only (a
    /// one-shot stream would be consumed).
    pub(crate) async fn sha256_hex(&self) -> Result<String, ByteStreamError> {
        use sha2::{Digest, Sha256};
        if self.is_one_shot() {
            return Err(ByteStreamError::new("a one-shot stream cannot be hashed without consuming it"));
        }
        let mut hasher = Sha256::new();
        let mut copy = self.clone();
        while let Some(chunk) = copy.next().await {
            hasher.update(&chunk?);
        }
        Ok(hasher.finalize().iter().map(|b| format!("{b:02x}")).collect())
    }

    /// Polls for the next chunk of data.
    pub fn poll_next(&mut self, cx: &mut std::task::Context<'_>) -> std::task::Poll<Option<Result<bytes::Bytes, ByteStreamError>>> {
        use std::task::Poll;
        loop {
            match &mut self.state {
                State::Done => return Poll::Ready(None),
                State::Fresh => match &self.source {
                    Source::Bytes(b) => {
                        let b = b.clone();
                        self.state = State::Done;
                        if !b.is_empty() {
                            return Poll::Ready(Some(Ok(b)));
                        }
                    }
                    Source::File(f) => match FileReader::open(f) {
                        Ok(reader) => self.state = State::File(reader),
                        Err(e) => {
                            self.state = State::Done;
                            return Poll::Ready(Some(Err(e)));
                        }
                    },
                    Source::OneShot { body, .. } => match body.lock().ok().and_then(|mut b| b.take()) {
                        Some(b) => self.state = State::Body(b),
                        None => {
                            self.state = State::Done;
                            return Poll::Ready(Some(Err(ByteStreamError::new("the stream was already read (a one-shot body can be read once)"))));
                        }
                    },
                },
                State::File(reader) => {
                    let result = std::task::ready!(reader.poll_chunk(cx));
                    match result {
                        Ok(Some(chunk)) => return Poll::Ready(Some(Ok(chunk))),
                        Ok(None) => self.state = State::Done,
                        Err(e) => {
                            self.state = State::Done;
                            return Poll::Ready(Some(Err(e)));
                        }
                    }
                }
                State::Body(body) => match std::task::ready!(body.as_mut().poll_frame(cx)) {
                    None => self.state = State::Done,
                    Some(Ok(frame)) => {
                        // Trailers are not data: skipped.
                        if let Ok(data) = frame.into_data() {
                            if !data.is_empty() {
                                return Poll::Ready(Some(Ok(data)));
                            }
                        }
                    }
                    Some(Err(e)) => {
                        self.state = State::Done;
                        return Poll::Ready(Some(Err(ByteStreamError::from_source(e))));
                    }
                },
            }
        }
    }
}

impl http_body::Body for ByteStream {
    type Data = bytes::Bytes;
    type Error = ByteStreamError;
    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<bytes::Bytes>, ByteStreamError>>> {
        self.get_mut().poll_next(cx).map(|c| c.map(|r| r.map(http_body::Frame::data)))
    }
    fn is_end_stream(&self) -> bool {
        matches!(self.state, State::Done) || (matches!(self.state, State::Fresh) && self.content_length() == Some(0))
    }
    fn size_hint(&self) -> http_body::SizeHint {
        match (&self.state, self.content_length()) {
            (State::Fresh, Some(n)) => http_body::SizeHint::with_exact(n),
            _ => http_body::SizeHint::default(),
        }
    }
}

/// Reads a file (or a range of it) in chunks of `buffer_size`.
struct FileReader {
    #[cfg(feature = "rt-tokio")]
    file: tokio::fs::File,
    #[cfg(not(feature = "rt-tokio"))]
    file: std::fs::File,
    remaining: u64,
    buffer_size: usize,
    buf: Vec<u8>,
    path: std::path::PathBuf,
}

impl FileReader {
    fn open(source: &FileSource) -> Result<FileReader, ByteStreamError> {
        use std::io::Seek;
        let io = |e: std::io::Error| ByteStreamError::io(&source.path, e);
        let mut file = std::fs::File::open(&source.path).map_err(io)?;
        if source.offset > 0 {
            file.seek(std::io::SeekFrom::Start(source.offset)).map_err(io)?;
        }
        #[cfg(feature = "rt-tokio")]
        let file = tokio::fs::File::from_std(file);
        Ok(FileReader { file, remaining: source.length, buffer_size: source.buffer_size.max(1), buf: Vec::new(), path: source.path.clone() })
    }

    fn poll_chunk(&mut self, cx: &mut std::task::Context<'_>) -> std::task::Poll<Result<Option<bytes::Bytes>, ByteStreamError>> {
        use std::task::Poll;
        if self.remaining == 0 {
            return Poll::Ready(Ok(None));
        }
        let want = (self.buffer_size as u64).min(self.remaining) as usize;
        if self.buf.len() != want {
            self.buf = vec![0u8; want];
        }
        #[cfg(feature = "rt-tokio")]
        let n = {
            let mut read = tokio::io::ReadBuf::new(&mut self.buf);
            match tokio::io::AsyncRead::poll_read(std::pin::Pin::new(&mut self.file), cx, &mut read) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(ByteStreamError::io(&self.path, e))),
                Poll::Ready(Ok(())) => read.filled().len(),
            }
        };
        #[cfg(not(feature = "rt-tokio"))]
        let n = {
            let _ = cx;
            match std::io::Read::read(&mut self.file, &mut self.buf) {
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => 0,
                Err(e) => return Poll::Ready(Err(ByteStreamError::io(&self.path, e))),
            }
        };
        if n == 0 {
            return Poll::Ready(Err(ByteStreamError::new(format!(
                "file {:?} ended {} bytes early (it changed after the stream was built)",
                self.path, self.remaining
            ))));
        }
        self.remaining -= n as u64;
        let mut chunk = std::mem::take(&mut self.buf);
        chunk.truncate(n);
        Poll::Ready(Ok(Some(bytes::Bytes::from(chunk))))
    }
}

/// How much of a file [`FsBuilder`] streams.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Length {
    /// Exactly this many bytes (an error if the file is shorter).
    Exact(u64),
    /// At most this many bytes.
    UpTo(u64),
}

/// Builds a [`ByteStream`] of a file: `ByteStream::read_from().path(p).offset(..).length(..)
/// .buffer_size(..).build().await`.
#[derive(Clone, Debug, Default)]
pub struct FsBuilder {
    path: Option<std::path::PathBuf>,
    offset: u64,
    length: Option<Length>,
    buffer_size: Option<usize>,
}

impl FsBuilder {
    /// The file to read.
    pub fn path(mut self, path: impl AsRef<std::path::Path>) -> Self {
        self.path = Some(path.as_ref().to_path_buf());
        self
    }
    /// Where to start reading (default 0).
    pub fn offset(mut self, offset: u64) -> Self {
        self.offset = offset;
        self
    }
    /// How much to read (default: to the end of the file).
    pub fn length(mut self, length: Length) -> Self {
        self.length = Some(length);
        self
    }
    /// The size of the chunks the file is read in (default 64 KiB).
    pub fn buffer_size(mut self, size: usize) -> Self {
        self.buffer_size = Some(size);
        self
    }
    /// Checks the file and builds the stream; the contents are read later, in chunks.
    pub async fn build(self) -> Result<ByteStream, ByteStreamError> {
        let path = self.path.ok_or_else(|| ByteStreamError::new("FsBuilder: no path was given"))?;
        let size = std::fs::metadata(&path).map_err(|e| ByteStreamError::io(&path, e))?.len();
        if self.offset > size {
            return Err(ByteStreamError::new(format!("offset {} is past the end of {path:?} ({size} bytes)", self.offset)));
        }
        let available = size - self.offset;
        let length = match self.length {
            None => available,
            Some(Length::UpTo(n)) => n.min(available),
            Some(Length::Exact(n)) if n <= available => n,
            Some(Length::Exact(n)) => {
                return Err(ByteStreamError::new(format!("{path:?} has {available} bytes from offset {}, not {n}", self.offset)))
            }
        };
        let source = FileSource { path, offset: self.offset, length, buffer_size: self.buffer_size.unwrap_or(DEFAULT_BUFFER_SIZE) };
        Ok(ByteStream { source: Source::File(source), state: State::Fresh })
    }
}

/// Adapts a body's error type to [`BoxError`](super::error::BoxError) (boxed: no unsafe pin
/// projection).
struct BoxErrors<B>(std::pin::Pin<Box<B>>);

impl<B> http_body::Body for BoxErrors<B>
where
    B: http_body::Body<Data = bytes::Bytes>,
    B::Error: Into<super::error::BoxError>,
{
    type Data = bytes::Bytes;
    type Error = super::error::BoxError;
    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<bytes::Bytes>, Self::Error>>> {
        self.get_mut().0.as_mut().poll_frame(cx).map(|f| f.map(|r| r.map_err(Into::into)))
    }
    fn is_end_stream(&self) -> bool {
        self.0.is_end_stream()
    }
    fn size_hint(&self) -> http_body::SizeHint {
        self.0.size_hint()
    }
}

/// A body of queued chunks.
struct Chunks(std::collections::VecDeque<bytes::Bytes>);

impl http_body::Body for Chunks {
    type Data = bytes::Bytes;
    type Error = super::error::BoxError;
    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<bytes::Bytes>, Self::Error>>> {
        std::task::Poll::Ready(self.get_mut().0.pop_front().map(|c| Ok(http_body::Frame::data(c))))
    }
    fn is_end_stream(&self) -> bool {
        self.0.is_empty()
    }
}

/// Why a [`ByteStream`] could not be built or read (aws-sdk-rust's `byte_stream::error::Error`).
#[derive(Debug)]
pub struct ByteStreamError {
    message: String,
    source: Option<super::error::BoxError>,
}

impl ByteStreamError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        ByteStreamError { message: message.into(), source: None }
    }
    fn io(path: &std::path::Path, e: std::io::Error) -> Self {
        ByteStreamError { message: format!("reading {path:?}"), source: Some(Box::new(e)) }
    }
    pub(crate) fn from_source(e: impl Into<super::error::BoxError>) -> Self {
        ByteStreamError { message: "reading the body stream failed".into(), source: Some(e.into()) }
    }
}

impl fmt::Display for ByteStreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.source {
            Some(s) => write!(f, "{}: {s}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for ByteStreamError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_ref().map(|s| s.as_ref() as &(dyn std::error::Error + 'static))
    }
}

impl From<ByteStreamError> for std::io::Error {
    fn from(e: ByteStreamError) -> Self {
        std::io::Error::other(e)
    }
}

impl From<Vec<u8>> for ByteStream {
    fn from(v: Vec<u8>) -> Self {
        ByteStream::new(v)
    }
}

impl From<bytes::Bytes> for ByteStream {
    fn from(v: bytes::Bytes) -> Self {
        ByteStream::new(v)
    }
}

impl From<&'static [u8]> for ByteStream {
    fn from(v: &'static [u8]) -> Self {
        ByteStream::from_static(v)
    }
}

impl From<&'static str> for ByteStream {
    fn from(v: &'static str) -> Self {
        ByteStream::from_static(v.as_bytes())
    }
}

impl From<String> for ByteStream {
    fn from(v: String) -> Self {
        ByteStream::new(v)
    }
}

impl From<Blob> for ByteStream {
    fn from(v: Blob) -> Self {
        ByteStream::new(v.into_inner())
    }
}

/// The whole body of a [`ByteStream`], from `collect()`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AggregatedBytes(bytes::Bytes);

impl AggregatedBytes {
    /// The bytes.
    pub fn into_bytes(self) -> bytes::Bytes {
        self.0
    }
    /// The bytes, copied into a vector.
    pub fn to_vec(self) -> Vec<u8> {
        self.0.to_vec()
    }
    /// The bytes, borrowed.
    pub fn as_slice(&self) -> &[u8] {
        &self.0
    }
}

/// How a timestamp is written on the wire (`@timestampFormat`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateTimeFormat {
    /// Seconds since the Unix epoch, possibly fractional (the JSON protocols' default).
    EpochSeconds,
    /// RFC 3339 `date-time`, e.g. `1985-04-12T23:20:50.52Z`.
    DateTime,
    /// RFC 7231 IMF-fixdate, e.g. `Tue, 29 Apr 2014 18:30:38 GMT`.
    HttpDate,
}

/// A point in time with nanosecond precision (a Smithy `timestamp`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime {
    seconds: i64,
    subsec_nanos: u32,
}

const NANOS_PER_SECOND: i128 = 1_000_000_000;

impl DateTime {
    /// From whole seconds since the epoch.
    pub fn from_secs(seconds: i64) -> Self {
        DateTime { seconds, subsec_nanos: 0 }
    }
    /// From seconds and nanoseconds since the epoch (nanos are carried into seconds if ≥ 1e9).
    pub fn from_secs_and_nanos(seconds: i64, subsec_nanos: u32) -> Self {
        let total = seconds as i128 * NANOS_PER_SECOND + subsec_nanos as i128;
        Self::from_nanos_i128(total)
    }
    fn from_nanos_i128(total: i128) -> Self {
        let seconds = total.div_euclid(NANOS_PER_SECOND);
        let nanos = total.rem_euclid(NANOS_PER_SECOND);
        DateTime {
            seconds: seconds.clamp(i64::MIN as i128, i64::MAX as i128) as i64,
            subsec_nanos: nanos as u32,
        }
    }
    /// From fractional seconds since the epoch; `None` for NaN or out-of-range values.
    pub fn from_fractional_secs(value: f64) -> Option<Self> {
        if !value.is_finite() || value.abs() > 9.0e15 {
            return None;
        }
        let whole = value.floor();
        let nanos = ((value - whole) * 1e9).round() as i128;
        Some(Self::from_nanos_i128(whole as i128 * NANOS_PER_SECOND + nanos))
    }
    /// Whole seconds since the epoch (rounded down).
    pub fn secs(&self) -> i64 {
        self.seconds
    }
    /// Nanoseconds past the whole second.
    pub fn subsec_nanos(&self) -> u32 {
        self.subsec_nanos
    }
    /// Seconds since the epoch as a float.
    pub fn as_secs_f64(&self) -> f64 {
        self.seconds as f64 + self.subsec_nanos as f64 / 1e9
    }
    /// From a `SystemTime`.
    pub fn from_system_time(time: std::time::SystemTime) -> Self {
        match time.duration_since(std::time::UNIX_EPOCH) {
            Ok(d) => Self::from_secs_and_nanos(d.as_secs() as i64, d.subsec_nanos()),
            Err(e) => {
                let d = e.duration();
                Self::from_nanos_i128(-(d.as_nanos() as i128))
            }
        }
    }

    /// Formats the timestamp in the given wire format.
    pub fn fmt(&self, format: DateTimeFormat) -> String {
        match format {
            DateTimeFormat::EpochSeconds => {
                if self.subsec_nanos == 0 {
                    self.seconds.to_string()
                } else {
                    let mut frac = format!("{:09}", self.subsec_nanos);
                    while frac.ends_with('0') {
                        frac.pop();
                    }
                    if self.seconds < 0 {
                        // -1.5 s is seconds = -2, nanos = 5e8.
                        format!("{}", self.as_secs_f64())
                    } else {
                        format!("{}.{}", self.seconds, frac)
                    }
                }
            }
            DateTimeFormat::DateTime => {
                let (y, mo, d, h, mi, s) = civil(self.seconds);
                let mut out = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}");
                if self.subsec_nanos != 0 {
                    let mut frac = format!("{:09}", self.subsec_nanos);
                    while frac.ends_with('0') {
                        frac.pop();
                    }
                    out.push('.');
                    out.push_str(&frac);
                }
                out.push('Z');
                out
            }
            DateTimeFormat::HttpDate => {
                let (y, mo, d, h, mi, s) = civil(self.seconds);
                let weekday = (self.seconds.div_euclid(86_400) + 4).rem_euclid(7) as usize;
                format!(
                    "{}, {d:02} {} {y:04} {h:02}:{mi:02}:{s:02} GMT",
                    WEEKDAYS[weekday],
                    MONTHS[(mo - 1) as usize]
                )
            }
        }
    }

    /// Parses a timestamp written in the given format.
    pub fn from_str(text: &str, format: DateTimeFormat) -> Result<Self, DateTimeParseError> {
        let err = || DateTimeParseError(text.to_string());
        match format {
            DateTimeFormat::EpochSeconds => parse_epoch(text.trim()).ok_or_else(err),
            DateTimeFormat::DateTime => parse_rfc3339(text).ok_or_else(err),
            DateTimeFormat::HttpDate => parse_http_date(text).ok_or_else(err),
        }
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&DateTime::fmt(self, DateTimeFormat::DateTime))
    }
}

/// A timestamp string that could not be parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DateTimeParseError(String);

impl fmt::Display for DateTimeParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid timestamp: {:?}", self.0)
    }
}

impl std::error::Error for DateTimeParseError {}

const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Seconds since the epoch -> (year, month, day, hour, minute, second), proleptic Gregorian.
fn civil(seconds: i64) -> (i64, u32, u32, u32, u32, u32) {
    let days = seconds.div_euclid(86_400);
    let rem = seconds.rem_euclid(86_400);
    // Howard Hinnant's days-from-civil inverse.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d, (rem / 3600) as u32, ((rem % 3600) / 60) as u32, (rem % 60) as u32)
}

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn num(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn from_parts(y: i64, mo: u32, d: u32, h: u32, mi: u32, s: u32, nanos: u32) -> Option<DateTime> {
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    let secs = days_from_civil(y, mo, d) * 86_400 + (h * 3600 + mi * 60 + s.min(59)) as i64;
    Some(DateTime::from_secs_and_nanos(secs, nanos))
}

fn parse_fraction(frac: &str) -> Option<u32> {
    if frac.is_empty() || frac.len() > 9 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut padded = frac.to_string();
    while padded.len() < 9 {
        padded.push('0');
    }
    padded.parse().ok()
}

/// Decimal epoch seconds, read digit by digit so `1398796238.52` keeps its exact fraction.
fn parse_epoch(text: &str) -> Option<DateTime> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) || whole.len() > 15 {
        // Exponents and other spellings: fall back to floating point.
        return text.parse::<f64>().ok().and_then(DateTime::from_fractional_secs);
    }
    let nanos = if frac.is_empty() {
        0
    } else {
        let kept = &frac[..frac.len().min(9)];
        if !frac.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        parse_fraction(kept)?
    };
    let total = whole.parse::<i128>().ok()? * NANOS_PER_SECOND + nanos as i128;
    Some(DateTime::from_nanos_i128(if negative { -total } else { total }))
}

fn parse_rfc3339(text: &str) -> Option<DateTime> {
    let text = text.trim();
    let (date, time) = text.split_once(['T', 't'])?;
    let mut dp = date.splitn(3, '-');
    let y = num(dp.next()?)? as i64;
    let mo = num(dp.next()?)?;
    let d = num(dp.next()?)?;
    // Offset: Z or ±hh:mm.
    let (clock, offset_secs) = if let Some(c) = time.strip_suffix(['Z', 'z']) {
        (c, 0i64)
    } else {
        let pos = time.rfind(['+', '-'])?;
        let (c, off) = time.split_at(pos);
        let sign = if off.starts_with('-') { -1 } else { 1 };
        let (oh, om) = off.get(1..)?.split_once(':')?;
        (c, sign * (num(oh)? as i64 * 3600 + num(om)? as i64 * 60))
    };
    let (hms, frac) = match clock.split_once('.') {
        Some((a, b)) => (a, parse_fraction(b)?),
        None => (clock, 0),
    };
    let mut tp = hms.splitn(3, ':');
    let h = num(tp.next()?)?;
    let mi = num(tp.next()?)?;
    let s = num(tp.next()?)?;
    let dt = from_parts(y, mo, d, h, mi, s, frac)?;
    Some(DateTime::from_secs_and_nanos(dt.secs() - offset_secs, dt.subsec_nanos()))
}

fn parse_http_date(text: &str) -> Option<DateTime> {
    // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" (fractional seconds tolerated).
    let rest = text.trim().split_once(", ")?.1;
    let mut parts = rest.split(' ');
    let d = num(parts.next()?)?;
    let month = parts.next()?;
    let mo = MONTHS.iter().position(|m| *m == month)? as u32 + 1;
    let y = num(parts.next()?)? as i64;
    let clock = parts.next()?;
    if parts.next()? != "GMT" {
        return None;
    }
    let (hms, frac) = match clock.split_once('.') {
        Some((a, b)) => (a, parse_fraction(b)?),
        None => (clock, 0),
    };
    let mut tp = hms.splitn(3, ':');
    from_parts(y, mo, d, num(tp.next()?)?, num(tp.next()?)?, num(tp.next()?)?, frac)
}

/// An arbitrary-precision integer (a Smithy `bigInteger`), kept as its decimal text.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct BigInteger(String);

/// An arbitrary-precision decimal (a Smithy `bigDecimal`), kept as its decimal text.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct BigDecimal(String);

macro_rules! big_number {
    ($ty:ident, $what:literal) => {
        impl $ty {
            /// Parses decimal number text; returns `None` if it is not a JSON number.
            pub fn new(text: impl Into<String>) -> Option<Self> {
                let text = text.into();
                match serde_json::from_str::<serde_json::Number>(&text) {
                    Ok(_) => Some($ty(text)),
                    Err(_) => None,
                }
            }
            /// Zero.
            pub fn zero() -> Self {
                $ty("0".to_string())
            }
            /// The number as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl std::str::FromStr for $ty {
            type Err = super::error::MessageError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $ty::new(s).ok_or_else(|| super::error::MessageError(format!("not a {}: {s:?}", $what)))
            }
        }
    };
}
big_number!(BigInteger, "bigInteger");
big_number!(BigDecimal, "bigDecimal");

/// The raw value of an enum variant the client does not know. Only the client can build one, so
/// that matching on it is never the way to handle a new value.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnknownVariantValue(pub(crate) String);

impl UnknownVariantValue {
    /// Used by generated enums (public so a shared runtime crate can serve them).
    #[doc(hidden)]
    pub fn new(value: &str) -> Self {
        UnknownVariantValue(value.to_string())
    }
    /// The value as the service sent it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A number inside a [`Document`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Number {
    /// A non-negative integer.
    PosInt(u64),
    /// A negative integer.
    NegInt(i64),
    /// A floating point number.
    Float(f64),
}

/// An untyped JSON-like value (a Smithy `document`).
#[derive(Clone, Debug, PartialEq)]
pub enum Document {
    /// An object.
    Object(HashMap<String, Document>),
    /// An array.
    Array(Vec<Document>),
    /// A number.
    Number(Number),
    /// A string.
    String(String),
    /// A boolean.
    Bool(bool),
    /// Null.
    Null,
}

impl Document {
    /// Converts from a parsed JSON value.
    pub fn from_json(value: &serde_json::Value) -> Document {
        use serde_json::Value;
        match value {
            Value::Null => Document::Null,
            Value::Bool(b) => Document::Bool(*b),
            Value::Number(n) => Document::Number(if let Some(u) = n.as_u64() {
                Number::PosInt(u)
            } else if let Some(i) = n.as_i64() {
                Number::NegInt(i)
            } else {
                Number::Float(n.as_f64().unwrap_or(f64::NAN))
            }),
            Value::String(s) => Document::String(s.clone()),
            Value::Array(a) => Document::Array(a.iter().map(Document::from_json).collect()),
            Value::Object(o) => {
                Document::Object(o.iter().map(|(k, v)| (k.clone(), Document::from_json(v))).collect())
            }
        }
    }
    /// Converts to a JSON value (non-finite floats become null).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match self {
            Document::Null => Value::Null,
            Document::Bool(b) => Value::Bool(*b),
            Document::Number(Number::PosInt(u)) => Value::from(*u),
            Document::Number(Number::NegInt(i)) => Value::from(*i),
            Document::Number(Number::Float(f)) => {
                serde_json::Number::from_f64(*f).map(Value::Number).unwrap_or(Value::Null)
            }
            Document::String(s) => Value::String(s.clone()),
            Document::Array(a) => Value::Array(a.iter().map(Document::to_json).collect()),
            Document::Object(o) => {
                // Sorted keys keep the bytes on the wire deterministic.
                let mut keys: Vec<&String> = o.keys().collect();
                keys.sort();
                Value::Object(keys.into_iter().map(|k| (k.clone(), o[k].to_json())).collect())
            }
        }
    }
}

/// A map's entries sorted by key, so that a serialised map is the same bytes every time (keys
/// are unique, so an unstable sort is exact). Generated serialisers share this one function.
pub fn sorted_entries<K: Ord, V>(map: &std::collections::HashMap<K, V>) -> Vec<(&K, &V)> {
    let mut entries: Vec<(&K, &V)> = map.iter().collect();
    entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_entries_orders_by_key() {
        let map: std::collections::HashMap<String, u8> = [("b", 2), ("a", 1), ("c", 3)].into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        let keys: Vec<&str> = sorted_entries(&map).into_iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["a", "b", "c"]);
    }

    #[test]
    fn date_time_round_trips_in_every_format() {
        let t = DateTime::from_secs_and_nanos(1_398_796_238, 520_000_000);
        assert_eq!(t.fmt(DateTimeFormat::DateTime), "2014-04-29T18:30:38.52Z");
        assert_eq!(t.fmt(DateTimeFormat::EpochSeconds), "1398796238.52");
        let s = DateTime::from_secs(1_398_796_238);
        assert_eq!(s.fmt(DateTimeFormat::HttpDate), "Tue, 29 Apr 2014 18:30:38 GMT");
        for f in [DateTimeFormat::DateTime, DateTimeFormat::EpochSeconds] {
            assert_eq!(DateTime::from_str(&t.fmt(f), f), Ok(t));
        }
        assert_eq!(DateTime::from_str(&s.fmt(DateTimeFormat::HttpDate), DateTimeFormat::HttpDate), Ok(s));
        assert_eq!(
            DateTime::from_str("1985-04-12T23:20:50+01:00", DateTimeFormat::DateTime),
            Ok(DateTime::from_secs(482_196_050 - 3600))
        );
        assert!(DateTime::from_str("yesterday", DateTimeFormat::DateTime).is_err());
        assert!(DateTime::from_str("NaN", DateTimeFormat::EpochSeconds).is_err());
        assert_eq!(civil(0), (1970, 1, 1, 0, 0, 0));
        assert_eq!(DateTime::from_secs(-1).fmt(DateTimeFormat::DateTime), "1969-12-31T23:59:59Z");
    }
}

