//! Stalled-stream protection, as aws-sdk-rust has it: a response body that delivers no data
//! for longer than a grace period while it is being read fails with [`StalledStreamError`]
//! instead of hanging forever. On by default with aws-sdk-rust's grace period of 20 seconds
//! (its minimum throughput is one byte per second, checked each second; here the measure is
//! "no byte at all for the grace period", which a body below one byte per second for the whole
//! grace period also meets).
//!
//! The default HTTPS client applies it to every response body, buffered and streaming. A
//! transport of your own (`Config::builder().http_client(..)`) reads bodies itself, so it is
//! up to it. Request bodies (uploads) are not watched: a server that stops reading is bounded
//! by the operation timeout.

use std::fmt;
#[cfg(feature = "hyper-client")]
use std::future::Future;
#[cfg(feature = "hyper-client")]
use std::pin::Pin;
#[cfg(feature = "hyper-client")]
use std::task::{Context, Poll};
use std::time::Duration;

/// The grace period when none is set (aws-sdk-rust's `DEFAULT_GRACE_PERIOD`).
pub const DEFAULT_GRACE_PERIOD: Duration = Duration::from_secs(20);

/// Whether and how response bodies that stop delivering data are cut off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StalledStreamProtectionConfig {
    enabled: bool,
    grace_period: Duration,
}

impl Default for StalledStreamProtectionConfig {
    fn default() -> Self {
        StalledStreamProtectionConfig { enabled: true, grace_period: DEFAULT_GRACE_PERIOD }
    }
}

impl StalledStreamProtectionConfig {
    /// Protection on; `build()` it, after an optional `grace_period(..)`.
    pub fn enabled() -> StalledStreamProtectionBuilder {
        StalledStreamProtectionBuilder { grace_period: None }
    }
    /// Protection off: a body may wait for data forever (bounded only by an operation timeout
    /// for buffered responses).
    pub fn disabled() -> Self {
        StalledStreamProtectionConfig { enabled: false, grace_period: DEFAULT_GRACE_PERIOD }
    }
    /// Whether protection is on.
    pub fn is_enabled(&self) -> bool {
        self.enabled
    }
    /// How long a body may deliver nothing before it fails.
    pub fn grace_period(&self) -> Duration {
        self.grace_period
    }
}

/// Builder of an enabled [`StalledStreamProtectionConfig`].
#[derive(Clone, Copy, Debug, Default)]
pub struct StalledStreamProtectionBuilder {
    grace_period: Option<Duration>,
}

impl StalledStreamProtectionBuilder {
    /// How long a body may deliver nothing (default 20 s).
    pub fn grace_period(mut self, grace_period: Duration) -> Self {
        self.grace_period = Some(grace_period);
        self
    }
    /// The configuration.
    pub fn build(self) -> StalledStreamProtectionConfig {
        StalledStreamProtectionConfig { enabled: true, grace_period: self.grace_period.unwrap_or(DEFAULT_GRACE_PERIOD) }
    }
}

/// A response body delivered no data for the grace period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StalledStreamError {
    grace_period: Duration,
}

impl StalledStreamError {
    /// The grace period that ran out.
    pub fn grace_period(&self) -> Duration {
        self.grace_period
    }
}

impl fmt::Display for StalledStreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the response body stalled: no data for {:?} (stalled stream protection)", self.grace_period)
    }
}

impl std::error::Error for StalledStreamError {}

/// A body that fails with [`StalledStreamError`] when, while it is polled, no frame arrives for
/// the grace period (the clock restarts at every frame). Used by the default HTTPS client.
#[cfg(feature = "hyper-client")]
pub(crate) struct StallGuard<B> {
    inner: Pin<Box<B>>,
    grace_period: Option<Duration>,
    /// Allocated at the first wait and reset at each later one, not re-allocated: a large
    /// download waits hundreds of times (once per socket read).
    timer: Option<Pin<Box<tokio::time::Sleep>>>,
    /// Whether `timer` runs for the current wait (it is restarted at the first pending poll
    /// after a frame).
    armed: bool,
}

#[cfg(feature = "hyper-client")]
impl<B> StallGuard<B> {
    /// Watches `inner` as `config` says (a disabled config passes frames through untouched).
    pub(crate) fn new(inner: B, config: StalledStreamProtectionConfig) -> Self {
        StallGuard { inner: Box::pin(inner), grace_period: config.enabled.then_some(config.grace_period), timer: None, armed: false }
    }
}

#[cfg(feature = "hyper-client")]
impl<B> http_body::Body for StallGuard<B>
where
    B: http_body::Body<Data = bytes::Bytes>,
    B::Error: Into<super::error::BoxError>,
{
    type Data = bytes::Bytes;
    type Error = super::error::BoxError;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<http_body::Frame<bytes::Bytes>, Self::Error>>> {
        let this = self.get_mut();
        match this.inner.as_mut().poll_frame(cx) {
            Poll::Ready(frame) => {
                this.armed = false;
                Poll::Ready(frame.map(|f| f.map_err(Into::into)))
            }
            Poll::Pending => {
                let Some(grace) = this.grace_period else { return Poll::Pending };
                if !this.armed {
                    let deadline = tokio::time::Instant::now() + grace;
                    match this.timer.as_mut() {
                        Some(timer) => timer.as_mut().reset(deadline),
                        None => this.timer = Some(Box::pin(tokio::time::sleep_until(deadline))),
                    }
                    this.armed = true;
                }
                if let Some(timer) = this.timer.as_mut() {
                    if timer.as_mut().poll(cx).is_ready() {
                        this.timer = None;
                        this.armed = false;
                        this.grace_period = None;
                        return Poll::Ready(Some(Err(Box::new(StalledStreamError { grace_period: grace }))));
                    }
                }
                Poll::Pending
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

/// Whether `error` or one of its causes is a [`StalledStreamError`].
pub fn is_stalled(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut next = Some(error);
    while let Some(e) = next {
        if e.is::<StalledStreamError>() {
            return true;
        }
        next = e.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body::Body;

    async fn frame<B: Body + Unpin>(body: &mut B) -> Option<Result<http_body::Frame<B::Data>, B::Error>> {
        std::future::poll_fn(|cx| Pin::new(&mut *body).poll_frame(cx)).await
    }

    /// The data of every frame until the end.
    async fn collect<B: Body<Data = bytes::Bytes> + Unpin>(mut body: B) -> Result<Vec<u8>, B::Error> {
        let mut out = Vec::new();
        while let Some(f) = frame(&mut body).await {
            if let Ok(d) = f?.into_data() {
                out.extend_from_slice(&d);
            }
        }
        Ok(out)
    }

    /// A body that yields one chunk, then waits for `rest` (never, when `None`).
    struct Slow {
        first: Option<bytes::Bytes>,
        rest: Option<Pin<Box<tokio::time::Sleep>>>,
    }

    impl http_body::Body for Slow {
        type Data = bytes::Bytes;
        type Error = std::io::Error;
        fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<http_body::Frame<bytes::Bytes>, std::io::Error>>> {
            let this = self.get_mut();
            if let Some(first) = this.first.take() {
                return Poll::Ready(Some(Ok(http_body::Frame::data(first))));
            }
            match &mut this.rest {
                Some(sleep) => {
                    std::task::ready!(sleep.as_mut().poll(cx));
                    this.rest = None;
                    Poll::Ready(None)
                }
                None => Poll::Pending,
            }
        }
    }

    fn slow(rest: Option<Duration>) -> Slow {
        Slow { first: Some(bytes::Bytes::from_static(b"first")), rest: rest.map(|d| Box::pin(tokio::time::sleep(d))) }
    }

    #[cfg(feature = "hyper-client")]
    #[tokio::test(start_paused = true)]
    async fn a_body_silent_for_the_grace_period_fails() {
        let config = StalledStreamProtectionConfig::enabled().grace_period(Duration::from_secs(5)).build();
        let mut body = StallGuard::new(slow(None), config);
        let first = frame(&mut body).await.unwrap().unwrap().into_data().unwrap();
        assert_eq!(&first[..], b"first");
        let start = tokio::time::Instant::now();
        let err = frame(&mut body).await.unwrap().unwrap_err();
        assert_eq!(start.elapsed(), Duration::from_secs(5));
        assert!(is_stalled(err.as_ref()), "{err}");
        assert_eq!(err.to_string(), "the response body stalled: no data for 5s (stalled stream protection)");
    }

    #[cfg(feature = "hyper-client")]
    #[tokio::test(start_paused = true)]
    async fn a_slow_body_within_the_grace_period_and_a_disabled_guard_pass() {
        let config = StalledStreamProtectionConfig::enabled().grace_period(Duration::from_secs(5)).build();
        assert_eq!(collect(StallGuard::new(slow(Some(Duration::from_secs(4))), config)).await.unwrap(), b"first");
        let disabled = StallGuard::new(slow(Some(Duration::from_secs(60))), StalledStreamProtectionConfig::disabled());
        assert_eq!(collect(disabled).await.unwrap(), b"first");
    }

    /// A body that yields `frames` one-byte frames, each after a wait of `interval`, then
    /// either ends or (when `stall_after`) waits forever.
    struct Drip {
        frames: usize,
        interval: Duration,
        stall_after: bool,
        wait: Option<Pin<Box<tokio::time::Sleep>>>,
    }

    impl http_body::Body for Drip {
        type Data = bytes::Bytes;
        type Error = std::io::Error;
        fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<http_body::Frame<bytes::Bytes>, std::io::Error>>> {
            let this = self.get_mut();
            if this.frames == 0 {
                return if this.stall_after { Poll::Pending } else { Poll::Ready(None) };
            }
            let interval = this.interval;
            let wait = this.wait.get_or_insert_with(|| Box::pin(tokio::time::sleep(interval)));
            std::task::ready!(wait.as_mut().poll(cx));
            this.wait = None;
            this.frames -= 1;
            Poll::Ready(Some(Ok(http_body::Frame::data(bytes::Bytes::from_static(b"x")))))
        }
    }

    #[cfg(feature = "default-https-client")]
    #[tokio::test(start_paused = true)]
    async fn the_clock_restarts_at_every_frame() {
        // Frames 4 s apart never trip a 5 s grace period, however long the whole body takes
        // (the one timer is reset at each wait, not left running from the first).
        let config = StalledStreamProtectionConfig::enabled().grace_period(Duration::from_secs(5)).build();
        let drip = Drip { frames: 4, interval: Duration::from_secs(4), stall_after: false, wait: None };
        let start = tokio::time::Instant::now();
        assert_eq!(collect(StallGuard::new(drip, config)).await.unwrap(), b"xxxx");
        assert_eq!(start.elapsed(), Duration::from_secs(16));
        // A stall after two frames is caught one grace period after the last frame.
        let drip = Drip { frames: 2, interval: Duration::from_secs(4), stall_after: true, wait: None };
        let start = tokio::time::Instant::now();
        let err = collect(StallGuard::new(drip, config)).await.unwrap_err();
        assert!(is_stalled(err.as_ref()), "{err}");
        assert_eq!(start.elapsed(), Duration::from_secs(13));
    }

    #[test]
    fn defaults() {
        let d = StalledStreamProtectionConfig::default();
        assert!(d.is_enabled());
        assert_eq!(d.grace_period(), DEFAULT_GRACE_PERIOD);
        assert_eq!(StalledStreamProtectionConfig::enabled().build(), d);
        assert!(!StalledStreamProtectionConfig::disabled().is_enabled());
    }
}
