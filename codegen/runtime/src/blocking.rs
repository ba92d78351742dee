//! The engine of the opt-in blocking client (`blocking` feature): a private current-thread tokio
//! runtime per client that drives the async calls to completion. Called from a thread that is
//! itself inside a tokio runtime (where blocking on another runtime would panic), the call runs
//! on a separate thread instead. No dependency beyond the async client's. Without the
//! feature the module is empty (a shared runtime crate re-exports it either way).

#[cfg(feature = "blocking")]
pub use imp::BlockingRuntime;

#[cfg(feature = "blocking")]
mod imp {
    use std::future::Future;
    use std::sync::Arc;

    /// A private runtime shared by a blocking client and its clones.
    #[derive(Clone, Debug)]
    pub struct BlockingRuntime {
        runtime: Arc<Owned>,
    }

    /// The runtime, shut down without blocking when the last client goes away inside another
    /// runtime (where a blocking drop would panic).
    #[derive(Debug)]
    struct Owned(Option<tokio::runtime::Runtime>);

    impl Drop for Owned {
        fn drop(&mut self) {
            if let Some(rt) = self.0.take() {
                if tokio::runtime::Handle::try_current().is_ok() {
                    rt.shutdown_background();
                }
            }
        }
    }

    impl Owned {
        fn get(&self) -> &tokio::runtime::Runtime {
            self.0.as_ref().expect("present until dropped")
        }
    }

    impl BlockingRuntime {
        /// A current-thread runtime with timers and IO.
        pub fn new() -> Self {
            let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("building a current-thread tokio runtime only fails when the OS refuses its IO driver");
            BlockingRuntime {
                runtime: Arc::new(Owned(Some(runtime))),
            }
        }

        /// Runs `future` to completion on this runtime, from a separate thread when the caller is
        /// inside a tokio runtime.
        pub fn block_on<F>(&self, future: F) -> F::Output
        where
            F: Future + Send,
            F::Output: Send,
        {
            if tokio::runtime::Handle::try_current().is_ok() {
                std::thread::scope(|s| {
                    s.spawn(|| self.runtime.get().block_on(future))
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
            } else {
                self.runtime.get().block_on(future)
            }
        }
    }

    impl Default for BlockingRuntime {
        fn default() -> Self {
            Self::new()
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    #[cfg(feature = "blocking")]
    fn blocks_outside_and_inside_a_runtime() {
        use super::BlockingRuntime;
        let rt = BlockingRuntime::new();
        let slept = rt.block_on(async {
            tokio::time::sleep(std::time::Duration::from_millis(1)).await;
            7
        });
        assert_eq!(slept, 7);
        let outer = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let inside = outer.block_on(async { rt.block_on(async { 8 }) });
        assert_eq!(inside, 8);
        // The last handle dropped inside a runtime does not panic.
        outer.block_on(async move { drop(rt) });
    }
}
