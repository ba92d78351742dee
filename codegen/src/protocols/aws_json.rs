//! awsJson 1.0 and 1.1: every input member in a JSON document posted to `/` with
//! `X-Amz-Target: Service.Operation`; outputs and errors read from JSON bodies. HTTP binding
//! traits are ignored, as the protocol specifies.

use super::Protocol;
use super::json;
use crate::emit::Ctx;
use crate::model::{shape_name, Kind};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    V1_0,
    V1_1,
}

pub struct AwsJson {
    pub version: Version,
}

impl AwsJson {
    fn content_type(&self) -> &'static str {
        match self.version {
            Version::V1_0 => "application/x-amz-json-1.0",
            Version::V1_1 => "application/x-amz-json-1.1",
        }
    }
}

fn service_info<'a>(ctx: &'a Ctx) -> &'a crate::bindings::ServiceInfo {
    match &ctx.model.shapes[&ctx.sel.service].kind {
        Kind::Service(s) => &s.info,
        _ => unreachable!("the selection's service is a service"),
    }
}

impl Protocol for AwsJson {
    fn trait_id(&self) -> &'static str {
        match self.version {
            Version::V1_0 => "aws.protocols#awsJson1_0",
            Version::V1_1 => "aws.protocols#awsJson1_1",
        }
    }

    fn request(&self, ctx: &Ctx, op: &str) -> TokenStream {
        let target = format!("{}.{}", shape_name(&ctx.sel.service), shape_name(op));
        let content_type = self.content_type();
        let build = if service_info(ctx).query_compatible {
            quote!(crate::runtime::aws_json::query_compatible_request(#target, #content_type, body))
        } else {
            quote!(crate::runtime::aws_json::request(#target, #content_type, body))
        };
        quote!(
            let mut body = ::std::string::String::with_capacity(256);
            {
                let mut object = crate::runtime::json::ObjectWriter::new(&mut body);
                ser_input(&mut object, input);
                object.finish();
            }
            #build
        )
    }

    fn response(&self, _ctx: &Ctx, _op: &str) -> TokenStream {
        quote!(crate::runtime::aws_json::read_output(response, de_output))
    }

    fn operation_items(&self, ctx: &Ctx, op: &str) -> TokenStream {
        let names = ctx.sym.op(op);
        let Kind::Operation(o) = &ctx.model.shapes[op].kind else { return quote!() };
        let input_ident = format_ident!("{}", names.input);
        let output_ident = format_ident!("{}", names.output);
        let ser = json::serializer(ctx, &ctx.model.shapes[&o.input], quote!(#input_ident), format_ident!("ser_input"), false);
        let de = json::deserializer(
            ctx,
            &ctx.model.shapes[&o.output],
            quote!(#output_ident),
            format_ident!("de_output"),
            quote!(_response_metadata: ::std::default::Default::default(),),
            false,
        );
        quote!(#ser #de)
    }

    fn error_code(&self, ctx: &Ctx) -> TokenStream {
        if service_info(ctx).query_compatible {
            // The metadata carries the awsQuery code; modelled errors are matched by type.
            quote!(crate::runtime::aws_json::type_code(response).as_deref())
        } else {
            quote!(meta.code())
        }
    }

    fn error_wire_code(&self, _ctx: &Ctx, error: &str) -> String {
        shape_name(error).to_string()
    }

    fn error_metadata_fn(&self, ctx: &Ctx) -> TokenStream {
        if service_info(ctx).query_compatible {
            quote!(crate::runtime::aws_json::error_metadata_query_compatible)
        } else {
            quote!(crate::runtime::aws_json::error_metadata)
        }
    }

    fn shape_codecs(&self, ctx: &Ctx) -> TokenStream {
        let codecs = json::shape_codecs(ctx);
        // An error's fields all come from the JSON body.
        let errors: std::collections::BTreeSet<&String> = ctx.sel.op_errors.values().flatten().collect();
        let readers = errors.into_iter().map(|e| {
            let de = ctx.sym.de_fn(e);
            let ty = ctx.sym.type_path(e);
            quote!(
                impl crate::runtime::orchestrator::ReadError for #ty {
                    fn read(response: &crate::error::HttpResponse) -> ::std::result::Result<Self, crate::runtime::error::DeserializeError> {
                        crate::runtime::json::read_output(response, #de)
                    }
                }
            )
        });
        quote!(#codecs #(#readers)*)
    }

    fn runtime_modules(&self) -> &'static [&'static str] {
        &["aws_json"]
    }
}
