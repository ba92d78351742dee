//! Per-call customisation of an operation, as aws-sdk-rust's `customize()` offers: mutate the
//! HTTP request before it is signed, or override parts of the client's configuration for this
//! one call.

use super::config::Builder;
use super::error::SdkError;
use super::http::{BoxFuture, HttpRequest};
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

/// A request mutator registered with [`CustomizableOperation::mutate_request`].
pub type RequestMutator = Arc<dyn Fn(&mut HttpRequest) + Send + Sync>;

/// What a customised call changes.
#[derive(Clone, Default)]
pub struct Customizations {
    pub(crate) mutators: Vec<RequestMutator>,
    pub(crate) config_override: Option<Builder>,
}

impl fmt::Debug for Customizations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Customizations")
            .field("mutators", &self.mutators.len())
            .field("config_override", &self.config_override)
            .finish()
    }
}

/// Sends an operation with customisations; implemented by every fluent builder.
#[doc(hidden)]
pub trait CustomizableSend<T, E>: Send + Sized {
    /// Sends the request with `customizations` applied.
    fn send_customized(self, customizations: Customizations) -> BoxFuture<'static, Result<T, SdkError<E>>>;
}

/// A fluent builder with per-call customisations; `send()` sends it.
pub struct CustomizableOperation<T, E, B> {
    builder: B,
    customizations: Customizations,
    _types: PhantomData<fn() -> (T, E)>,
}

impl<T, E, B: fmt::Debug> fmt::Debug for CustomizableOperation<T, E, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CustomizableOperation")
            .field("builder", &self.builder)
            .field("customizations", &self.customizations)
            .finish()
    }
}

impl<T, E, B: CustomizableSend<T, E>> CustomizableOperation<T, E, B> {
    /// Wraps a fluent builder.
    pub fn new(builder: B) -> Self {
        CustomizableOperation { builder, customizations: Customizations::default(), _types: PhantomData }
    }
    /// Changes the HTTP request of every attempt before it is signed and sent.
    pub fn mutate_request<F>(mut self, f: F) -> Self
    where
        F: Fn(&mut HttpRequest) + Send + Sync + 'static,
    {
        self.customizations.mutators.push(Arc::new(f));
        self
    }
    /// Overrides configuration for this call only: everything set on `config_override` wins
    /// over the client's configuration (region, endpoint, credentials, retries, timeouts,
    /// transport).
    pub fn config_override(mut self, config_override: impl Into<Builder>) -> Self {
        self.customizations.config_override = Some(config_override.into());
        self
    }
    /// Sends the request.
    pub async fn send(self) -> Result<T, SdkError<E>> {
        self.builder.send_customized(self.customizations).await
    }
}
