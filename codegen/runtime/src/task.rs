//! Two waits the credential providers need, with or without tokio: blocking work (a child
//! process, a DNS lookup) run on a thread of its own, and a timeout. Inside a tokio runtime the
//! timeout uses tokio's timer; elsewhere a sleeping thread wakes the task.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

/// What a thread hands back to the task waiting for it.
struct Slot<T> {
    value: Option<T>,
    finished: bool,
    waker: Option<Waker>,
}

type Shared<T> = Arc<Mutex<Slot<T>>>;

fn finish<T>(slot: &Shared<T>, value: Option<T>) {
    let waker = {
        let mut s = slot.lock().unwrap_or_else(|p| p.into_inner());
        s.value = value;
        s.finished = true;
        s.waker.take()
    };
    if let Some(w) = waker {
        w.wake();
    }
}

/// Marks the slot finished even when the work panics, so the waiting task is not left hanging.
struct FinishOnDrop<T>(Shared<T>);

impl<T> Drop for FinishOnDrop<T> {
    fn drop(&mut self) {
        let finished = self.0.lock().map(|s| s.finished).unwrap_or(true);
        if !finished {
            finish(&self.0, None);
        }
    }
}

/// Waits for a value a thread produces; `None` when the thread failed before producing it.
struct Receive<T>(Shared<T>);

impl<T> Future for Receive<T> {
    type Output = Option<T>;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let mut s = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if s.finished {
            return Poll::Ready(s.value.take());
        }
        s.waker = Some(cx.waker().clone());
        Poll::Pending
    }
}

/// Spawns a named thread that runs `work` and hands over its value.
fn on_thread<T: Send + 'static>(name: &str, work: impl FnOnce() -> T + Send + 'static) -> Result<Receive<T>, String> {
    let slot: Shared<T> = Arc::new(Mutex::new(Slot { value: None, finished: false, waker: None }));
    let guard = FinishOnDrop(slot.clone());
    std::thread::Builder::new()
        .name(name.to_string())
        .spawn(move || {
            let value = work();
            finish(&guard.0, Some(value));
        })
        .map_err(|e| format!("could not start a thread: {e}"))?;
    Ok(Receive(slot))
}

/// Runs blocking `work` on a thread of its own and waits for it without blocking the task's
/// executor. An error says the thread could not start or panicked.
pub async fn run_blocking<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, String> {
    on_thread("credentials-blocking", work)?.await.ok_or_else(|| "the blocking task panicked".to_string())
}

/// The time limit of [`timeout`] passed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Elapsed(pub Duration);

impl fmt::Display for Elapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "no answer within {:?}", self.0)
    }
}

impl std::error::Error for Elapsed {}

/// `future`, unless `limit` passes first.
pub async fn timeout<F: Future>(limit: Duration, future: F) -> Result<F::Output, Elapsed> {
    #[cfg(feature = "rt-tokio")]
    {
        if tokio::runtime::Handle::try_current().is_ok() {
            return tokio::time::timeout(limit, future).await.map_err(|_| Elapsed(limit));
        }
    }
    let alarm = on_thread("credentials-timer", move || std::thread::sleep(limit)).ok();
    Race { future: Box::pin(future), alarm, limit }.await
}

struct Race<F: Future> {
    future: Pin<Box<F>>,
    /// `None` when no timer thread could start: then the future runs unbounded.
    alarm: Option<Receive<()>>,
    limit: Duration,
}

impl<F: Future> Future for Race<F> {
    type Output = Result<F::Output, Elapsed>;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if let Poll::Ready(v) = self.future.as_mut().poll(cx) {
            return Poll::Ready(Ok(v));
        }
        let limit = self.limit;
        let rang = match self.alarm.as_mut() {
            Some(alarm) => Pin::new(alarm).poll(cx).is_ready(),
            None => false,
        };
        if rang {
            Poll::Ready(Err(Elapsed(limit)))
        } else {
            Poll::Pending
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    /// Drives a future on the current thread without any runtime (thread park/unpark).
    fn block_on_plain<F: Future>(future: F) -> F::Output {
        struct Unpark(std::thread::Thread);
        impl std::task::Wake for Unpark {
            fn wake(self: Arc<Self>) {
                self.0.unpark();
            }
        }
        let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
        let mut cx = Context::from_waker(&waker);
        let mut future = Box::pin(future);
        loop {
            if let Poll::Ready(v) = future.as_mut().poll(&mut cx) {
                return v;
            }
            std::thread::park();
        }
    }

    #[test]
    fn blocking_work_and_timeouts_without_a_runtime() {
        assert_eq!(block_on_plain(run_blocking(|| 6 * 7)), Ok(42));
        let started = Instant::now();
        let slow = run_blocking(|| std::thread::sleep(Duration::from_secs(5)));
        assert_eq!(block_on_plain(timeout(Duration::from_millis(50), slow)).map(|_| ()), Err(Elapsed(Duration::from_millis(50))));
        assert!(started.elapsed() < Duration::from_secs(2));
        assert_eq!(block_on_plain(timeout(Duration::from_secs(5), run_blocking(|| "done"))), Ok(Ok("done")));
        let panicked = block_on_plain(run_blocking(|| -> u8 { panic!("boom") }));
        assert!(panicked.unwrap_err().contains("panicked"));
    }

    #[test]
    fn timeouts_inside_tokio() {
        let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
        rt.block_on(async {
            let never = std::future::pending::<()>();
            assert!(timeout(Duration::from_millis(20), never).await.is_err());
            assert_eq!(timeout(Duration::from_secs(1), async { 1 }).await, Ok(1));
        });
    }
}
