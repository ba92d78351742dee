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
    let client_params: std::collections::BTreeMap<&str, crate::bindings::ClientParamType> =
        ctx.service.client_context_params.iter().map(|p| (p.name.as_str(), p.param_type)).collect();
    // A built-in or client context parameter as a configuration setter, if a client can set it.
    let setter = |name: Option<&str>, built_in: Option<&str>, v: &Value| -> Option<TokenStream> {
        Some(match (built_in, v) {
            (Some("AWS::Region"), Value::String(s)) => quote!(.region(#s)),
            (Some("AWS::UseFIPS"), Value::Bool(b)) => quote!(.use_fips(#b)),
            (Some("AWS::UseDualStack"), Value::Bool(b)) => quote!(.use_dual_stack(#b)),
            (Some("SDK::Endpoint"), Value::String(s)) => quote!(.endpoint_url(#s)),
            _ => {
                let name = name?;
                match (client_params.get(name)?, v) {
                    (crate::bindings::ClientParamType::Bool, Value::Bool(b)) => quote!(.client_context_param(#name, #b)),
                    (crate::bindings::ClientParamType::String, Value::String(s)) => quote!(.client_context_param(#name, #s)),
                    _ => return None,
                }
            }
        })
    };
    let mut tests = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let doc = case.get("documentation").and_then(Value::as_str).unwrap_or("").to_string();
        let name = format_ident!("case_{:03}", i + 1);
        // Each way of reaching the rules: a client configured from `params`, or, when the case
        // has `operationInputs`, one call per input (its built-ins, client parameters and input).
        let mut resolutions = Vec::new();
        let mut supported = true;
        if let Some(inputs) = case.get("operationInputs").and_then(Value::as_array) {
            for oi in inputs {
                match operation_input(ctx, oi, &setter) {
                    Some(r) => resolutions.push(r),
                    None => supported = false,
                }
            }
        } else {
            let mut setters = Vec::new();
            if let Some(params) = case.get("params").and_then(Value::as_object) {
                for (k, v) in params {
                    match setter(Some(k), built_in_of(k).as_deref(), v) {
                        Some(s) => setters.push(s),
                        None => supported = false,
                    }
                }
            }
            resolutions.push(quote!(
                let config = crate::Config::builder().ignore_environment() #(#setters)* .build();
                let handle = crate::runtime::orchestrator::Handle::new(config, &crate::meta::SERVICE);
                let resolved = handle.endpoint();
            ));
        }
        if !supported || resolutions.is_empty() {
            // Parameters a client cannot set (unsupported built-ins, operations or inputs outside
            // this crate) are covered by `cargo xtask endpoints`, which drives the rules engine
            // directly.
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
        let runs: Vec<TokenStream> = if resolutions.len() == 1 {
            resolutions.iter().map(|r| quote!(#r #check)).collect()
        } else {
            resolutions.iter().map(|r| quote!({ #r #check })).collect()
        };
        tests.push(quote!(
            #[doc = #doc]
            #[test]
            fn #name() {
                #(#runs)*
            }
        ));
    }
    Some(quote!(#(#tests)*))
}

/// Statements resolving the endpoint of one `operationInputs` entry: a client configured from
/// its `builtInParams` and `clientParams`, the operation's input built from `operationParams`
/// through its builder, and the operation's parameters. `None` when the operation is not in
/// the crate or a value cannot be set (only string, enum and boolean members are).
fn operation_input(
    ctx: &Ctx,
    oi: &Value,
    setter: &dyn Fn(Option<&str>, Option<&str>, &Value) -> Option<TokenStream>,
) -> Option<TokenStream> {
    let op_name = oi.get("operationName")?.as_str()?;
    let op_id = ctx.sel.operations.iter().find(|o| crate::model::shape_name(o) == op_name)?;
    let crate::model::Kind::Operation(op) = &ctx.model.shapes[op_id].kind else { return None };
    let mut setters = Vec::new();
    for (k, v) in oi.get("builtInParams").and_then(Value::as_object).into_iter().flatten() {
        setters.push(setter(None, Some(k), v)?);
    }
    for (k, v) in oi.get("clientParams").and_then(Value::as_object).into_iter().flatten() {
        setters.push(setter(Some(k), None, v)?);
    }
    let input = &ctx.model.shapes[&op.input];
    let mut members = Vec::new();
    for (k, v) in oi.get("operationParams").and_then(Value::as_object).into_iter().flatten() {
        let m = super::shapes::members_of(input).iter().find(|m| &m.name == k)?;
        let set = ctx.sym.member_ident(&input.id, &m.name);
        let target = ctx.model.get(&m.target)?;
        members.push(match (&target.kind, v) {
            (crate::model::Kind::String, Value::String(s)) => quote!(.#set(#s)),
            (crate::model::Kind::Enum(_), Value::String(s)) => {
                let ty = ctx.sym.type_path(&target.id);
                quote!(.#set(<#ty>::from(#s)))
            }
            (crate::model::Kind::Boolean, Value::Bool(b)) => quote!(.#set(#b)),
            _ => return None,
        });
    }
    let names = ctx.sym.op(op_id);
    let module = crate::symbols::ident(&names.module);
    let input_ty = format_ident!("{}", names.input);
    Some(quote!(
        let config = crate::Config::builder().ignore_environment() #(#setters)* .build();
        let handle = crate::runtime::orchestrator::Handle::new(config, &crate::meta::SERVICE);
        let input = crate::operation::#module::#input_ty::builder() #(#members)* .build().expect("the input builds");
        let parts = crate::operation::#module::ser_request(&input).expect("the request serialises");
        let resolved = handle.endpoint_for(&crate::operation::#module::SPEC, &parts.endpoint_params);
    ))
}
