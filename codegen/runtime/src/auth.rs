//! The credential chain's service calls (see [`super::credential_calls`]).
//!
//! This file is the runtime crate's own stand-in: it has no generated STS or SSO code, so it
//! offers no calls. `cargo xtask codegen` replaces it in every generated crate with a module
//! that implements [`super::credential_calls::CredentialCalls`] on code generated from the
//! STS, SSO and SSO OIDC models (behind the crate's `credentials-sts`/`credentials-sso`
//! features).
use std::sync::Arc;

use super::credential_calls::CredentialCalls;

/// The service calls available to the credential chain: none in the runtime's own crate.
pub fn calls() -> Option<Arc<dyn CredentialCalls>> {
    None
}
