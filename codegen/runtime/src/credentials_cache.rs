//! Caching credentials: a provider is asked again only when what it gave is about to expire,
//! one caller at a time, with the old credentials kept while they still work.
//!
//! [`CredentialsCache`] wraps any [`ProvideCredentials`]. Credentials are refreshed
//! [`DEFAULT_BUFFER_TIME`] before their expiry (at most half their lifetime before, so short-lived
//! credentials are not refreshed on every call); credentials without an expiry are kept for good.
//! Concurrent callers share one refresh (a small gate written on `std::sync::Mutex` and task
//! wakers, so no async runtime is needed); while a refresh runs, callers holding still-valid
//! credentials get them at once. When a refresh fails, the old credentials are returned while
//! they are still valid, and the next call tries again. The clock is a [`TimeSource`], so tests
//! move time by hand.

use super::credentials::{future, Credentials, CredentialsError, ProvideCredentials};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, SystemTime};

/// Emits a `tracing` event when the `tracing` feature is on; compiles to nothing otherwise.
macro_rules! trace_event {
    ($level:ident, $($arg:tt)*) => {
        #[cfg(feature = "tracing")]
        { tracing::$level!($($arg)*); }
    };
}

/// How long before their expiry credentials are refreshed (unless their lifetime is short).
pub const DEFAULT_BUFFER_TIME: Duration = Duration::from_secs(5 * 60);

/// A clock (aws-smithy-async's `TimeSource`): the system clock, or a fake one in tests.
pub trait TimeSource: Send + Sync + fmt::Debug {
    /// The current time.
    fn now(&self) -> SystemTime;
}

/// The system clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemTimeSource;

impl TimeSource for SystemTimeSource {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// A shared clock.
#[derive(Clone, Debug)]
pub struct SharedTimeSource(Arc<dyn TimeSource>);

impl SharedTimeSource {
    /// Shares `time_source`.
    pub fn new(time_source: impl TimeSource + 'static) -> Self {
        SharedTimeSource(Arc::new(time_source))
    }
    /// The current time.
    pub fn now(&self) -> SystemTime {
        self.0.now()
    }
}

impl Default for SharedTimeSource {
    fn default() -> Self {
        SharedTimeSource::new(SystemTimeSource)
    }
}

/// Caches the credentials of a provider and refreshes them before they expire (see the module
/// documentation). Cloning shares the cache.
#[derive(Clone)]
pub struct CredentialsCache {
    inner: Arc<Inner>,
}

struct Inner {
    provider: Box<dyn ProvideCredentials>,
    time: SharedTimeSource,
    buffer_time: Duration,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    cached: Option<Entry>,
    /// A caller is asking the provider.
    loading: bool,
    /// How many loads have finished (successfully or not).
    generation: u64,
    /// The error of the last finished load, if it failed.
    last_error: Option<CredentialsError>,
    /// Callers waiting for the load under way.
    waiters: Vec<Waker>,
}

struct Entry {
    credentials: Credentials,
    /// When to ask the provider again (`None`: never).
    refresh_at: Option<SystemTime>,
}

impl Entry {
    fn new(credentials: Credentials, now: SystemTime, buffer_time: Duration) -> Entry {
        let refresh_at = credentials.expiry().map(|expiry| {
            let lifetime = expiry.duration_since(now).unwrap_or(Duration::ZERO);
            expiry - buffer_time.min(lifetime / 2)
        });
        Entry { credentials, refresh_at }
    }
    fn fresh(&self, now: SystemTime) -> bool {
        !matches!(self.refresh_at, Some(at) if now >= at)
    }
    fn valid(&self, now: SystemTime) -> bool {
        !self.credentials.is_expired_at(now)
    }
}

impl fmt::Debug for CredentialsCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialsCache")
            .field("provider", &self.inner.provider)
            .field("buffer_time", &self.inner.buffer_time)
            .finish()
    }
}

impl CredentialsCache {
    /// A cache in front of `provider`, on the system clock, refreshing
    /// [`DEFAULT_BUFFER_TIME`] before expiry.
    pub fn new(provider: impl ProvideCredentials + 'static) -> Self {
        Self::builder().build(provider)
    }

    /// A builder, to set the clock or the buffer time.
    pub fn builder() -> CredentialsCacheBuilder {
        CredentialsCacheBuilder { time: SharedTimeSource::default(), buffer_time: DEFAULT_BUFFER_TIME }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves plain data behind: keep using it.
        self.inner.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Credentials from the cache, asking the provider when they are missing or about to expire.
    pub async fn credentials(&self) -> Result<Credentials, CredentialsError> {
        let mut waited_for = None;
        loop {
            let now = self.inner.time.now();
            let generation = {
                let mut state = self.lock();
                if let Some(generation) = waited_for {
                    if state.generation != generation {
                        // The load we waited for finished: its result is ours too, even when it
                        // is already due for a refresh (rather than each waiter asking the
                        // provider again).
                        match (state.last_error.clone(), state.cached.as_ref()) {
                            (None, Some(entry)) => return Ok(entry.credentials.clone()),
                            (Some(_), Some(entry)) if entry.valid(now) => return Ok(entry.credentials.clone()),
                            (Some(error), _) => return Err(error),
                            (None, None) => {}
                        }
                    }
                }
                if let Some(entry) = state.cached.as_ref().filter(|e| e.fresh(now)) {
                    return Ok(entry.credentials.clone());
                }
                if !state.loading {
                    state.loading = true;
                    None
                } else if let Some(entry) = state.cached.as_ref().filter(|e| e.valid(now)) {
                    // Someone is refreshing and ours still work.
                    return Ok(entry.credentials.clone());
                } else {
                    Some(state.generation)
                }
            };
            match generation {
                Some(generation) => {
                    waited_for = Some(generation);
                    LoadFinished { cache: self, generation }.await;
                }
                None => return self.load().await,
            }
        }
    }

    /// Asks the provider (this caller holds the gate) and publishes the result.
    async fn load(&self) -> Result<Credentials, CredentialsError> {
        let mut gate = Gate { cache: self, open: true };
        trace_event!(debug, provider = ?self.inner.provider, "loading credentials");
        let result = self.inner.provider.provide_credentials().await;
        let now = self.inner.time.now();
        let mut state = self.lock();
        gate.open = false;
        state.loading = false;
        state.generation += 1;
        let outcome = match result {
            Ok(credentials) => {
                trace_event!(debug, provider = credentials.provider_name(), access_key_id = credentials.access_key_id(), expiry = ?credentials.expiry(), "loaded credentials");
                state.last_error = None;
                state.cached = Some(Entry::new(credentials.clone(), now, self.inner.buffer_time));
                Ok(credentials)
            }
            Err(error) => {
                state.last_error = Some(error.clone());
                match state.cached.as_ref().filter(|e| e.valid(now)) {
                    Some(entry) => {
                        trace_event!(warn, error = %error, "refreshing credentials failed; using the previous ones until they expire");
                        Ok(entry.credentials.clone())
                    }
                    None => Err(error),
                }
            }
        };
        wake_all(state);
        outcome
    }
}

/// Wakes every waiting caller (after the lock is released).
fn wake_all(mut state: MutexGuard<'_, State>) {
    let waiters = std::mem::take(&mut state.waiters);
    drop(state);
    for waker in waiters {
        waker.wake();
    }
}

/// Held by the caller that asks the provider: if its future is dropped half-way (a timeout, a
/// cancelled call), the gate reopens and a waiting caller takes over.
struct Gate<'a> {
    cache: &'a CredentialsCache,
    open: bool,
}

impl Drop for Gate<'_> {
    fn drop(&mut self) {
        if self.open {
            let mut state = self.cache.lock();
            state.loading = false;
            wake_all(state);
        }
    }
}

/// Ready when the load under way at `generation` has finished or was abandoned.
struct LoadFinished<'a> {
    cache: &'a CredentialsCache,
    generation: u64,
}

impl Future for LoadFinished<'_> {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut state = self.cache.lock();
        if state.generation != self.generation || !state.loading {
            return Poll::Ready(());
        }
        if !state.waiters.iter().any(|w| w.will_wake(cx.waker())) {
            state.waiters.push(cx.waker().clone());
        }
        Poll::Pending
    }
}

impl ProvideCredentials for CredentialsCache {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(self.credentials())
    }
}

/// Builder for [`CredentialsCache`].
#[derive(Clone, Debug)]
pub struct CredentialsCacheBuilder {
    time: SharedTimeSource,
    buffer_time: Duration,
}

impl CredentialsCacheBuilder {
    /// The clock (default: the system clock).
    pub fn time_source(mut self, time: SharedTimeSource) -> Self {
        self.time = time;
        self
    }
    /// How long before expiry to refresh (default [`DEFAULT_BUFFER_TIME`]; at most half the
    /// credentials' lifetime is used).
    pub fn buffer_time(mut self, buffer_time: Duration) -> Self {
        self.buffer_time = buffer_time;
        self
    }
    /// The cache in front of `provider`.
    pub fn build(self, provider: impl ProvideCredentials + 'static) -> CredentialsCache {
        CredentialsCache {
            inner: Arc::new(Inner { provider: Box::new(provider), time: self.time, buffer_time: self.buffer_time, state: Mutex::default() }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A clock moved by hand.
    #[derive(Debug, Clone)]
    struct FakeClock(Arc<Mutex<SystemTime>>);

    impl FakeClock {
        fn at(secs: u64) -> FakeClock {
            FakeClock(Arc::new(Mutex::new(SystemTime::UNIX_EPOCH + Duration::from_secs(secs))))
        }
        fn advance(&self, by: Duration) {
            *self.0.lock().unwrap() += by;
        }
    }

    impl TimeSource for FakeClock {
        fn now(&self) -> SystemTime {
            *self.0.lock().unwrap()
        }
    }

    fn at(secs: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(secs)
    }

    /// Hands out `AKID<n>` credentials valid for `lifetime` from the fake clock's now, counting
    /// calls; fails while `fail` is set; each call takes `delay` (a thread sleep, so concurrent
    /// callers really overlap).
    #[derive(Debug)]
    struct Counting {
        clock: FakeClock,
        lifetime: Option<Duration>,
        calls: Arc<AtomicUsize>,
        fail: Arc<Mutex<bool>>,
        delay: Duration,
    }

    impl Counting {
        fn new(clock: &FakeClock, lifetime: Option<Duration>) -> Counting {
            Counting { clock: clock.clone(), lifetime, calls: Arc::default(), fail: Arc::default(), delay: Duration::ZERO }
        }
    }

    impl ProvideCredentials for Counting {
        fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
        where
            Self: 'a,
        {
            future::ProvideCredentials::new(async move {
                let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
                if !self.delay.is_zero() {
                    tokio::time::sleep(self.delay).await;
                }
                if *self.fail.lock().unwrap() {
                    return Err(CredentialsError::provider_error(format!("failure {n}")));
                }
                let expiry = self.lifetime.map(|l| self.clock.now() + l);
                Ok(Credentials::new(format!("AKID{n}"), "secret", None, expiry, "Counting"))
            })
        }
    }

    fn block_on<F: Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(f)
    }

    fn cache_of(clock: &FakeClock, provider: Counting) -> CredentialsCache {
        CredentialsCache::builder().time_source(SharedTimeSource::new(clock.clone())).build(provider)
    }

    #[test]
    fn refreshes_five_minutes_before_expiry() {
        let clock = FakeClock::at(1_000);
        let provider = Counting::new(&clock, Some(Duration::from_secs(3600)));
        let calls = provider.calls.clone();
        let cache = cache_of(&clock, provider);
        block_on(async {
            assert_eq!(cache.credentials().await.unwrap().access_key_id(), "AKID1");
            clock.advance(Duration::from_secs(3600 - 301));
            assert_eq!(cache.credentials().await.unwrap().access_key_id(), "AKID1", "still outside the buffer");
            clock.advance(Duration::from_secs(2));
            assert_eq!(cache.credentials().await.unwrap().access_key_id(), "AKID2", "inside the 5 minute buffer");
            assert_eq!(cache.credentials().await.unwrap().access_key_id(), "AKID2");
        });
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn short_lifetimes_refresh_at_half_time_and_no_expiry_is_kept() {
        assert_eq!(Entry::new(Credentials::from_keys("a", "b", None).with_expiry(at(1_240)), at(1_000), DEFAULT_BUFFER_TIME).refresh_at, Some(at(1_120)));
        assert_eq!(Entry::new(Credentials::from_keys("a", "b", None).with_expiry(at(10_000)), at(1_000), DEFAULT_BUFFER_TIME).refresh_at, Some(at(9_700)));
        assert_eq!(Entry::new(Credentials::from_keys("a", "b", None).with_expiry(at(900)), at(1_000), DEFAULT_BUFFER_TIME).refresh_at, Some(at(900)), "already expired");
        let clock = FakeClock::at(1_000);
        let provider = Counting::new(&clock, None);
        let calls = provider.calls.clone();
        let cache = cache_of(&clock, provider);
        block_on(async {
            for _ in 0..3 {
                assert_eq!(cache.credentials().await.unwrap().access_key_id(), "AKID1");
                clock.advance(Duration::from_secs(86_400 * 365));
            }
        });
        assert_eq!(calls.load(Ordering::SeqCst), 1, "credentials without an expiry are loaded once");
    }

    #[test]
    fn old_credentials_are_used_while_a_refresh_fails_and_they_are_valid() {
        let clock = FakeClock::at(1_000);
        let provider = Counting::new(&clock, Some(Duration::from_secs(3600)));
        let (calls, fail) = (provider.calls.clone(), provider.fail.clone());
        let cache = cache_of(&clock, provider);
        block_on(async {
            assert_eq!(cache.credentials().await.unwrap().access_key_id(), "AKID1");
            *fail.lock().unwrap() = true;
            clock.advance(Duration::from_secs(3500)); // inside the buffer, not expired
            assert_eq!(cache.credentials().await.unwrap().access_key_id(), "AKID1", "refresh failed: old ones");
            assert_eq!(cache.credentials().await.unwrap().access_key_id(), "AKID1", "and again (a new attempt)");
            assert_eq!(calls.load(Ordering::SeqCst), 3, "each call past the refresh time tries again");
            clock.advance(Duration::from_secs(100)); // expired now
            let e = cache.credentials().await.unwrap_err();
            assert_eq!(e.to_string(), "failure 4");
            *fail.lock().unwrap() = false;
            assert_eq!(cache.credentials().await.unwrap().access_key_id(), "AKID5", "recovers");
        });
    }

    /// 100 callers on one runtime across an expiry: one provider call, everyone gets its answer.
    #[test]
    fn one_refresh_for_a_hundred_concurrent_tasks() {
        let clock = FakeClock::at(1_000);
        let mut provider = Counting::new(&clock, Some(Duration::from_secs(3600)));
        provider.delay = Duration::from_millis(20);
        let calls = provider.calls.clone();
        let cache = cache_of(&clock, provider);
        let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
        runtime.block_on(async {
            assert_eq!(cache.credentials().await.unwrap().access_key_id(), "AKID1");
            clock.advance(Duration::from_secs(3601)); // expired: nobody may use the old ones
            let tasks: Vec<_> = (0..100)
                .map(|_| {
                    let cache = cache.clone();
                    tokio::spawn(async move { cache.credentials().await.map(|c| c.access_key_id().to_string()) })
                })
                .collect();
            for task in tasks {
                assert_eq!(task.await.unwrap().unwrap(), "AKID2");
            }
        });
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    /// A provider that hands out credentials already due for a refresh is still asked once
    /// for all the callers waiting on it.
    #[test]
    fn waiters_share_a_load_even_when_it_is_due_for_refresh() {
        let clock = FakeClock::at(1_000);
        let mut provider = Counting::new(&clock, Some(Duration::ZERO));
        provider.delay = Duration::from_millis(20);
        let calls = provider.calls.clone();
        let cache = cache_of(&clock, provider);
        let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
        runtime.block_on(async {
            let tasks: Vec<_> = (0..20)
                .map(|_| {
                    let cache = cache.clone();
                    tokio::spawn(async move { cache.credentials().await.unwrap().access_key_id().to_string() })
                })
                .collect();
            for task in tasks {
                assert_eq!(task.await.unwrap(), "AKID1");
            }
        });
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    /// 100 threads, each driving its own runtime, across an expiry: one provider call; when it
    /// fails, all of them get that one failure.
    #[test]
    fn one_refresh_for_a_hundred_threads_and_one_shared_failure() {
        for fail in [false, true] {
            let clock = FakeClock::at(1_000);
            let mut provider = Counting::new(&clock, Some(Duration::from_secs(3600)));
            provider.delay = Duration::from_millis(50);
            let (calls, failing) = (provider.calls.clone(), provider.fail.clone());
            let cache = cache_of(&clock, provider);
            block_on(cache.credentials()).unwrap();
            clock.advance(Duration::from_secs(3601));
            *failing.lock().unwrap() = fail;
            let barrier = Arc::new(std::sync::Barrier::new(100));
            let threads: Vec<_> = (0..100)
                .map(|_| {
                    let (cache, barrier) = (cache.clone(), barrier.clone());
                    std::thread::spawn(move || {
                        barrier.wait();
                        block_on(cache.credentials()).map(|c| c.access_key_id().to_string()).map_err(|e| e.to_string())
                    })
                })
                .collect();
            for thread in threads {
                let expected = if fail { Err("failure 2".to_string()) } else { Ok("AKID2".to_string()) };
                assert_eq!(thread.join().unwrap(), expected);
            }
            assert_eq!(calls.load(Ordering::SeqCst), 2, "fail = {fail}");
        }
    }

    /// While one caller refreshes (inside the buffer), others get the still-valid credentials
    /// at once instead of waiting.
    #[test]
    fn callers_do_not_wait_while_valid_credentials_are_refreshed() {
        let clock = FakeClock::at(1_000);
        let mut provider = Counting::new(&clock, Some(Duration::from_secs(3600)));
        provider.delay = Duration::from_millis(200);
        let cache = cache_of(&clock, provider);
        let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
        runtime.block_on(async {
            *cache.inner.state.lock().unwrap() = State {
                cached: Some(Entry::new(Credentials::from_keys("OLD", "s", None).with_expiry(at(1_100)), at(0), DEFAULT_BUFFER_TIME)),
                ..State::default()
            };
            let refresh = tokio::spawn({
                let cache = cache.clone();
                async move { cache.credentials().await.unwrap().access_key_id().to_string() }
            });
            tokio::time::sleep(Duration::from_millis(20)).await;
            let started = std::time::Instant::now();
            assert_eq!(cache.credentials().await.unwrap().access_key_id(), "OLD");
            assert!(started.elapsed() < Duration::from_millis(100));
            assert_eq!(refresh.await.unwrap(), "AKID1");
        });
    }

    /// A caller whose load is dropped half-way does not leave the gate shut.
    #[test]
    fn an_abandoned_load_reopens_the_gate() {
        let clock = FakeClock::at(1_000);
        let mut provider = Counting::new(&clock, Some(Duration::from_secs(3600)));
        provider.delay = Duration::from_millis(500);
        let calls = provider.calls.clone();
        let cache = cache_of(&clock, provider);
        let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
        runtime.block_on(async {
            let waiter = tokio::spawn({
                let cache = cache.clone();
                async move {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    cache.credentials().await.unwrap().access_key_id().to_string()
                }
            });
            assert!(tokio::time::timeout(Duration::from_millis(50), cache.credentials()).await.is_err());
            assert_eq!(waiter.await.unwrap(), "AKID2", "the waiter took over");
        });
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }
}
