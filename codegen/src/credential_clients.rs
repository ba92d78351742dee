//! The clients the credential chain calls (STS `AssumeRole` and `AssumeRoleWithWebIdentity`,
//! SSO `GetRoleCredentials`, SSO OIDC `CreateToken`), generated like any other client from
//! smithy-lite's own models of those operations (`codegen/credential-clients/*.smithy`), and
//! placed inside every crate's runtime as `runtime::auth::{sts, sso, sso_oidc}` next to the
//! hand-written glue (`codegen/credential-clients/auth.rs`) that implements the runtime's
//! `CredentialCalls` on them.
//!
//! They are emitted by the same functions as a crate's own files, then re-homed: every
//! `crate::` path of theirs is moved under the module they live in (`crate::runtime::` paths
//! go to the crate's runtime) and their documentation is dropped (it would otherwise become
//! doctests of the host crate).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};
use quote::quote;

use crate::emit::{FileJob, Visibility};
use crate::{CrateSpec, Error, RuntimeMode};

/// One internal client.
struct Client {
    /// Its module under `runtime::auth`.
    module: &'static str,
    file: &'static str,
    source: &'static str,
    service: &'static str,
    operations: &'static [&'static str],
    /// The cargo feature that compiles it.
    feature: &'static str,
}

const CLIENTS: &[Client] = &[
    Client {
        module: "sts",
        file: "codegen/credential-clients/sts.smithy",
        source: include_str!("../credential-clients/sts.smithy"),
        service: "smithylite.credentials.sts#AWSSecurityTokenServiceV20110615",
        operations: &["AssumeRole", "AssumeRoleWithWebIdentity"],
        feature: "credentials-sts",
    },
    Client {
        module: "sso",
        file: "codegen/credential-clients/sso.smithy",
        source: include_str!("../credential-clients/sso.smithy"),
        service: "smithylite.credentials.sso#SWBPortalService",
        operations: &["GetRoleCredentials"],
        feature: "credentials-sso",
    },
    Client {
        module: "sso_oidc",
        file: "codegen/credential-clients/sso-oidc.smithy",
        source: include_str!("../credential-clients/sso-oidc.smithy"),
        service: "smithylite.credentials.ssooidc#AWSSSOOIDCService",
        operations: &["CreateToken"],
        feature: "credentials-sso",
    },
];

/// The glue: the runtime's `auth` module in generated crates.
pub const GLUE: &str = include_str!("../credential-clients/auth.rs");

/// The credential features, each with what it needs beyond the core runtime.
#[derive(Debug, Clone, Default)]
pub struct FeatureNeeds {
    /// Runtime codec modules, by feature.
    pub modules: BTreeMap<&'static str, BTreeSet<&'static str>>,
    /// Runtime manifest dependencies, by feature.
    pub dependencies: BTreeMap<&'static str, BTreeSet<&'static str>>,
}

/// The features, in order.
pub fn features() -> BTreeSet<&'static str> {
    CLIENTS.iter().map(|c| c.feature).collect()
}

/// Every source the generated clients are made from (for the header's runtime hash).
pub fn sources() -> impl Iterator<Item = (&'static str, &'static str)> {
    CLIENTS.iter().map(|c| (c.file, c.source)).chain([("codegen/credential-clients/auth.rs", GLUE)])
}

struct Built {
    needs: FeatureNeeds,
    embedded: BTreeMap<String, String>,
    shared: BTreeMap<String, String>,
}

fn built() -> Result<&'static Built, Error> {
    static BUILT: OnceLock<Result<Built, Error>> = OnceLock::new();
    BUILT.get_or_init(build).as_ref().map_err(Clone::clone)
}

/// What each credential feature needs.
pub fn needs() -> Result<&'static FeatureNeeds, Error> {
    built().map(|b| &b.needs)
}

/// The internal clients' files: under `src/runtime/auth/` for a crate with an embedded
/// runtime, under `src/auth/` for the shared runtime crate.
pub fn files(mode: &RuntimeMode) -> Result<&'static BTreeMap<String, String>, Error> {
    built().map(|b| match mode {
        RuntimeMode::Embedded => &b.embedded,
        RuntimeMode::Shared { .. } => &b.shared,
    })
}

fn build() -> Result<Built, Error> {
    let files: Vec<(String, String)> = CLIENTS.iter().map(|c| (c.file.to_string(), c.source.to_string())).collect();
    let parsed = crate::parse_files(&files)?;
    let model = crate::model::normalize(&parsed)?;
    let mut built = Built { needs: FeatureNeeds::default(), embedded: BTreeMap::new(), shared: BTreeMap::new() };
    for client in CLIENTS {
        let spec = CrateSpec {
            crate_name: client.module.to_string(),
            version: "0.0.0".to_string(),
            service: client.service.to_string(),
            operations: Some(client.operations.iter().map(|s| s.to_string()).collect()),
            runtime: RuntimeMode::Embedded,
        };
        let sel = crate::select::select(&model, &spec.service, spec.operations.as_deref())?;
        crate::with_ctx(&model, &sel, &spec, |ctx| -> Result<(), Error> {
            built.needs.modules.entry(client.feature).or_default().extend(ctx.protocol.runtime_modules().iter().copied());
            built.needs.dependencies.entry(client.feature).or_default().extend(ctx.protocol.dependencies().iter().copied());
            let module = crate::symbols::ident(client.module);
            // Each file is emitted once and re-homed for both places it can live.
            let homes = [
                ("src/runtime/auth", quote!(crate::runtime::auth::#module), quote!(crate::runtime), &mut built.embedded),
                ("src/auth", quote!(crate::auth::#module), quote!(crate), &mut built.shared),
            ];
            let mut root = Vec::new();
            let mut emitted = Vec::new();
            for file in crate::emit::layout(ctx) {
                let wanted = matches!(
                    file.job,
                    FileJob::Client
                        | FileJob::Config
                        | FileJob::ErrorModule
                        | FileJob::Meta
                        | FileJob::OperationIndex
                        | FileJob::Operation(_)
                        | FileJob::Primitives
                        | FileJob::Types
                        | FileJob::Errors
                        | FileJob::Protocol
                );
                if !wanted {
                    continue;
                }
                let rel = file.path.strip_prefix("src/").unwrap_or(&file.path).to_string();
                if !rel.contains('/') {
                    let name = crate::symbols::ident(rel.trim_end_matches(".rs"));
                    root.push(match file.visibility {
                        Visibility::Public => quote!(pub mod #name;),
                        _ => quote!(mod #name;),
                    });
                }
                emitted.push((rel, crate::emit::emit_file(ctx, &file.job)));
            }
            let root = quote!(
                #(#root)*
                pub use client::Client;
                pub use config::Config;
            );
            for (dir, own, runtime, out) in homes {
                for (rel, tokens) in &emitted {
                    let path = format!("{dir}/{}/{rel}", client.module);
                    out.insert(path.clone(), crate::format_tokens(&path, rehome(tokens.clone(), &own, &runtime))?);
                }
                let path = format!("{dir}/{}.rs", client.module);
                out.insert(path.clone(), crate::format_tokens(&path, root.clone())?);
            }
            Ok(())
        })??;
    }
    Ok(built)
}

/// Moves generated code under another module: `crate::runtime` paths become `runtime`, other
/// `crate::` paths `own::`, and documentation attributes are dropped.
fn rehome(tokens: TokenStream, own: &TokenStream, runtime: &TokenStream) -> TokenStream {
    let toks: Vec<TokenTree> = tokens.into_iter().collect();
    let mut out = TokenStream::new();
    let mut i = 0;
    let is_punct = |t: Option<&TokenTree>, c: char| matches!(t, Some(TokenTree::Punct(p)) if p.as_char() == c);
    let is_ident = |t: Option<&TokenTree>, s: &str| matches!(t, Some(TokenTree::Ident(id)) if id == s);
    let is_doc = |t: Option<&TokenTree>| {
        matches!(t, Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Bracket
            && matches!(g.stream().into_iter().next(), Some(TokenTree::Ident(id)) if id == "doc"))
    };
    while i < toks.len() {
        let t = &toks[i];
        if is_punct(Some(t), '#') && is_doc(toks.get(i + 1)) {
            i += 2;
            continue;
        }
        if is_punct(Some(t), '#') && is_punct(toks.get(i + 1), '!') && is_doc(toks.get(i + 2)) {
            i += 3;
            continue;
        }
        if is_ident(Some(t), "crate") && is_punct(toks.get(i + 1), ':') && is_punct(toks.get(i + 2), ':') {
            if is_ident(toks.get(i + 3), "runtime") {
                out.extend(runtime.clone());
                i += 4;
            } else {
                out.extend(own.clone());
                i += 1;
            }
            continue;
        }
        match t {
            TokenTree::Group(g) => {
                let mut group = Group::new(g.delimiter(), rehome(g.stream(), own, runtime));
                group.set_span(g.span());
                out.extend([TokenTree::Group(group)]);
            }
            other => out.extend([other.clone()]),
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rehome_moves_crate_paths_and_drops_docs() {
        let own = quote!(crate::runtime::auth::sts);
        let runtime = quote!(crate::runtime);
        let input = quote!(
            #[doc = "gone"]
            pub(crate) fn f(x: crate::types::Credentials) -> crate::runtime::error::SdkError<crate::Error> {
                use crate::runtime;
                { crate::meta::SERVICE }
            }
        );
        let out = rehome(input, &own, &runtime).to_string();
        assert!(!out.contains("gone"), "{out}");
        assert!(out.contains("pub (crate) fn f"), "{out}");
        assert!(out.contains("crate :: runtime :: auth :: sts :: types :: Credentials"), "{out}");
        assert!(out.contains("crate :: runtime :: error :: SdkError < crate :: runtime :: auth :: sts :: Error >"), "{out}");
        assert!(out.contains("use crate :: runtime ;"), "{out}");
        assert!(out.contains("{ crate :: runtime :: auth :: sts :: meta :: SERVICE }"), "{out}");
        let shared = rehome(quote!(crate::runtime::http::HttpClient), &quote!(crate::auth::sso), &quote!(crate)).to_string();
        assert_eq!(shared, "crate :: http :: HttpClient");
    }

    #[test]
    fn the_internal_clients_generate() {
        let files = files(&RuntimeMode::Embedded).unwrap();
        for path in ["src/runtime/auth/sts.rs", "src/runtime/auth/sts/operation/assume_role.rs", "src/runtime/auth/sso/client.rs", "src/runtime/auth/sso_oidc/operation/create_token.rs"] {
            assert!(files.contains_key(path), "{path}: {:?}", files.keys().collect::<Vec<_>>());
        }
        assert!(files.values().all(|f| !f.contains("///") && !f.contains("crate::types")));
        let needs = needs().unwrap();
        assert!(needs.modules["credentials-sts"].contains("query") && needs.dependencies["credentials-sts"].contains("xmlparser"));
        assert!(needs.modules["credentials-sso"].contains("rest"));
    }
}
