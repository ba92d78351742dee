//! Emits the model's `smithy.rules#endpointTests` as tests of the generated crate: each case
//! configures a client the way a user would (region, FIPS, dual-stack, endpoint override) and
//! checks the endpoint (or error message) the rules resolve to.

use super::Ctx;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

/// Whether the service has endpoint test cases to emit.
pub fn has_endpoint_tests(ctx: &Ctx) -> bool {
    ctx.service.endpoint_tests.is_some() && ctx.service.endpoint_rules.is_some()
}

/// `src/endpoint_tests.rs`, or `None` when the model has no endpoint tests.
pub fn endpoint_tests(ctx: &Ctx) -> Option<TokenStream> {
    let cases = ctx.service.endpoint_tests.as_ref()?.get("testCases")?.as_array()?;
    let rules = ctx.service.endpoint_rules.as_ref()?;
    let built_in_of = |name: &str| -> Option<String> {
        rules.get("parameters")?.get(name)?.get("builtIn")?.as_str().map(str::to_string)
    };
    let mut tests = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let doc = case.get("documentation").and_then(Value::as_str).unwrap_or("").to_string();
        let name = format_ident!("case_{:03}", i + 1);
        let mut setters = Vec::new();
        let mut supported = true;
        if let Some(params) = case.get("params").and_then(Value::as_object) {
            for (k, v) in params {
                let setter = match (built_in_of(k).as_deref(), v) {
                    (Some("AWS::Region"), Value::String(s)) => quote!(.region(#s)),
                    (Some("AWS::UseFIPS"), Value::Bool(b)) => quote!(.use_fips(#b)),
                    (Some("AWS::UseDualStack"), Value::Bool(b)) => quote!(.use_dual_stack(#b)),
                    (Some("SDK::Endpoint"), Value::String(s)) => quote!(.endpoint_url(#s)),
                    _ => {
                        supported = false;
                        quote!()
                    }
                };
                setters.push(setter);
            }
        }
        if !supported {
            // Parameters a client cannot set (operation context, non-builtins) are covered by
            // `cargo xtask endpoints`, which drives the rules engine directly.
            continue;
        }
        let expect = case.get("expect");
        let check = if let Some(err) = expect.and_then(|e| e.get("error")).and_then(Value::as_str) {
            quote!(
                match resolved {
                    ::std::result::Result::Err(e) => assert_eq!(e, #err),
                    ::std::result::Result::Ok(ep) => panic!("expected error {:?}, got {:?}", #err, ep.url),
                }
            )
        } else if let Some(ep) = expect.and_then(|e| e.get("endpoint")) {
            let url = ep.get("url").and_then(Value::as_str).unwrap_or("");
            let headers = ep.get("headers").map(|h| h.to_string()).unwrap_or_else(|| "{}".into());
            let props = ep.get("properties").map(|p| p.to_string()).unwrap_or_else(|| "{}".into());
            quote!(
                let ep = match resolved {
                    ::std::result::Result::Ok(ep) => ep,
                    ::std::result::Result::Err(e) => panic!("expected {:?}, got error {:?}", #url, e),
                };
                assert_eq!(ep.url, #url);
                let headers: ::serde_json::Value = ::serde_json::from_str(#headers).unwrap();
                let got_headers = ::serde_json::to_value(&ep.headers).unwrap();
                assert_eq!(got_headers, headers);
                let props: ::serde_json::Value = ::serde_json::from_str(#props).unwrap();
                assert_eq!(::serde_json::Value::Object(ep.properties.clone()), props);
            )
        } else {
            continue;
        };
        tests.push(quote!(
            #[doc = #doc]
            #[test]
            fn #name() {
                let config = crate::Config::builder().ignore_environment() #(#setters)* .build();
                let handle = crate::runtime::orchestrator::Handle::new(config, &crate::meta::SERVICE);
                let resolved = handle.endpoint();
                #check
            }
        ));
    }
    Some(quote!(#(#tests)*))
}
