//! awsQuery and ec2Query: the input flattened into a form-urlencoded body (`Action`, `Version`,
//! dotted keys); responses in XML, inside `<OpResponse><OpResult>` for awsQuery and directly
//! inside `<OpResponse>` for ec2Query; errors in `<ErrorResponse><Error>` and
//! `<Response><Errors><Error>`, identified by `<Code>` (`@awsQueryError` codes for awsQuery).

use super::xml;
use super::Protocol;
use crate::emit::Ctx;
use crate::model::{shape_name, Kind, Member, Shape};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    Aws,
    Ec2,
}

pub struct Query {
    pub flavor: Flavor,
}

impl Query {
    /// The query key of a member: awsQuery `@xmlName` or the name; ec2Query `@ec2QueryName`,
    /// else the capitalised `@xmlName` or name.
    fn key(&self, m: &Member) -> String {
        let xml_name = m.traits.get("smithy.api#xmlName").and_then(Value::as_str);
        match self.flavor {
            Flavor::Aws => xml_name.unwrap_or(&m.name).to_string(),
            Flavor::Ec2 => match m.traits.get("aws.protocols#ec2QueryName").and_then(Value::as_str) {
                Some(n) => n.to_string(),
                None => capitalize(xml_name.unwrap_or(&m.name)),
            },
        }
    }

    /// Statements writing `value` (a reference) under the `String` expression `key`.
    fn write_value(&self, ctx: &Ctx, m: &Member, target: &str, value: TokenStream, key: TokenStream, depth: usize) -> TokenStream {
        let shape = &ctx.model.shapes[target];
        match &shape.kind {
            Kind::Structure(_) | Kind::Union(_) => {
                let f = ctx.sym.ser_fn(target);
                quote!(crate::protocol::#f(q, #value, &#key);)
            }
            Kind::List(item) => {
                let it = format_ident!("item_{}", depth);
                let i = format_ident!("i_{}", depth);
                let item_key = match (self.flavor, m.traits.has("smithy.api#xmlFlattened")) {
                    (Flavor::Ec2, _) | (Flavor::Aws, true) => quote!(::std::format!("{}.{}", #key, #i + 1)),
                    (Flavor::Aws, false) => {
                        let member = item.traits.get("smithy.api#xmlName").and_then(Value::as_str).unwrap_or("member");
                        quote!(::std::format!("{}.{}.{}", #key, #member, #i + 1))
                    }
                };
                let inner = self.write_value(ctx, item, &item.target, quote!(#it), quote!(item_key), depth + 1);
                // An empty list is sent as an empty value in awsQuery, and not at all in ec2Query.
                let empty = match self.flavor {
                    Flavor::Aws => quote!(if #value.is_empty() { q.push(&#key, ""); }),
                    Flavor::Ec2 => quote!(),
                };
                quote!({
                    #empty
                    for (#i, #it) in #value.iter().enumerate() {
                        let item_key = #item_key;
                        #inner
                    }
                })
            }
            Kind::Map(k, v) => {
                let i = format_ident!("i_{}", depth);
                let kk = format_ident!("k_{}", depth);
                let vv = format_ident!("v_{}", depth);
                let key_name = k.traits.get("smithy.api#xmlName").and_then(Value::as_str).unwrap_or("key");
                let value_name = v.traits.get("smithy.api#xmlName").and_then(Value::as_str).unwrap_or("value");
                let entry = if m.traits.has("smithy.api#xmlFlattened") || self.flavor == Flavor::Ec2 {
                    quote!(::std::format!("{}.{}", #key, #i + 1))
                } else {
                    quote!(::std::format!("{}.entry.{}", #key, #i + 1))
                };
                let write_key = self.write_value(ctx, k, &k.target, quote!(#kk), quote!(::std::format!("{}.{}", entry, #key_name)), depth + 1);
                let write_val = self.write_value(ctx, v, &v.target, quote!(#vv), quote!(::std::format!("{}.{}", entry, #value_name)), depth + 1);
                quote!({
                    let entries = crate::runtime::primitives::sorted_entries(#value);
                    for (#i, (#kk, #vv)) in entries.into_iter().enumerate() {
                        let entry = #entry;
                        #write_key
                        #write_val
                    }
                })
            }
            _ => {
                let t = xml::text(ctx, Some(m), target, value);
                quote!(q.push(&#key, &#t);)
            }
        }
    }

    /// The writer of a structure or union's members under `prefix`.
    fn serializer(&self, ctx: &Ctx, shape: &Shape, type_path: TokenStream, fn_name: proc_macro2::Ident) -> TokenStream {
        let id = &shape.id;
        match &shape.kind {
            Kind::Structure(members) => {
                let mut body = Vec::new();
                for m in members {
                    let field = ctx.sym.member_ident(id, &m.name);
                    let name = self.key(m);
                    let write = self.write_value(ctx, m, &m.target, quote!(value), quote!(key), 0);
                    let optional = ctx.sym.is_optional(ctx.model, id, m);
                    let write = quote!({ let key = crate::runtime::query::key(prefix, #name); #write });
                    if m.traits.idempotency_token() && optional {
                        body.push(quote!(match &input.#field {
                            ::std::option::Option::Some(value) => #write,
                            ::std::option::Option::None => {
                                let token = crate::runtime::orchestrator::new_uuid();
                                q.push(&crate::runtime::query::key(prefix, #name), &token);
                            }
                        }));
                    } else if optional {
                        body.push(quote!(if let ::std::option::Option::Some(value) = &input.#field #write));
                    } else {
                        body.push(quote!({ let value = &input.#field; #write }));
                    }
                }
                quote!(
                    #[allow(unused_variables, clippy::needless_borrow)]
                    pub(crate) fn #fn_name(q: &mut crate::runtime::query::QueryWriter, input: &#type_path, prefix: &str) {
                        #(#body)*
                    }
                )
            }
            Kind::Union(members) => {
                let mut arms = Vec::new();
                for m in members {
                    let variant = ctx.sym.member_ident(id, &m.name);
                    let name = self.key(m);
                    if m.target == "smithy.api#Unit" {
                        arms.push(quote!(#type_path::#variant => q.push(&crate::runtime::query::key(prefix, #name), ""),));
                    } else {
                        let write = self.write_value(ctx, m, &m.target, quote!(value), quote!(key), 0);
                        arms.push(quote!(#type_path::#variant(value) => { let key = crate::runtime::query::key(prefix, #name); #write }));
                    }
                }
                quote!(
                    #[allow(clippy::needless_borrow)]
                    pub(crate) fn #fn_name(q: &mut crate::runtime::query::QueryWriter, input: &#type_path, prefix: &str) {
                        match input {
                            #(#arms)*
                            #type_path::Unknown => {}
                        }
                    }
                )
            }
            _ => quote!(),
        }
    }
}

fn capitalize(name: &str) -> String {
    let mut c = name.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

impl Protocol for Query {
    fn trait_id(&self) -> &'static str {
        match self.flavor {
            Flavor::Aws => "aws.protocols#awsQuery",
            Flavor::Ec2 => "aws.protocols#ec2Query",
        }
    }

    fn dependencies(&self) -> &'static [&'static str] {
        &["xmlparser"]
    }

    fn request(&self, ctx: &Ctx, op: &str) -> TokenStream {
        let action = shape_name(op);
        let version = match &ctx.model.shapes[&ctx.sel.service].kind {
            Kind::Service(s) => s.version.clone().unwrap_or_default(),
            _ => String::new(),
        };
        quote!(
            let mut q = crate::runtime::query::QueryWriter::new(#action, #version);
            ser_input(&mut q, input, "");
            q.into_request()
        )
    }

    fn response(&self, ctx: &Ctx, op: &str) -> TokenStream {
        match self.flavor {
            Flavor::Aws => {
                let result = format!("{}Result", shape_name(op));
                let _ = ctx;
                quote!(
                    let root = crate::runtime::xml::parse(response.body())?;
                    let empty = crate::runtime::xml::Element::default();
                    de_output(root.child(#result).unwrap_or(&empty))
                )
            }
            Flavor::Ec2 => quote!(
                let root = crate::runtime::xml::parse(response.body())?;
                de_output(&root)
            ),
        }
    }

    fn operation_items(&self, ctx: &Ctx, op: &str) -> TokenStream {
        let names = ctx.sym.op(op);
        let Kind::Operation(o) = &ctx.model.shapes[op].kind else { return quote!() };
        let input_ident = format_ident!("{}", names.input);
        let output_ident = format_ident!("{}", names.output);
        let ser = self.serializer(ctx, &ctx.model.shapes[&o.input], quote!(#input_ident), format_ident!("ser_input"));
        let de = xml::deserializer(
            ctx,
            &ctx.model.shapes[&o.output],
            quote!(#output_ident),
            format_ident!("de_output"),
            quote!(_response_metadata: ::std::default::Default::default(),),
            false,
        );
        quote!(#ser #de)
    }

    fn error_code(&self, _ctx: &Ctx) -> TokenStream {
        quote!(meta.code())
    }

    fn error_wire_code(&self, ctx: &Ctx, error: &str) -> String {
        let shape = &ctx.model.shapes[error];
        match self.flavor {
            Flavor::Aws => shape
                .traits
                .get("aws.protocols#awsQueryError")
                .and_then(|v| v.get("code"))
                .and_then(Value::as_str)
                .map(str::to_string)
                .unwrap_or_else(|| shape_name(error).to_string()),
            Flavor::Ec2 => shape_name(error).to_string(),
        }
    }

    fn error_metadata_fn(&self, _ctx: &Ctx) -> TokenStream {
        quote!(crate::runtime::xml::error_metadata)
    }

    fn shape_codecs(&self, ctx: &Ctx) -> TokenStream {
        let mut items = Vec::new();
        for id in &ctx.sel.shapes {
            let shape = &ctx.model.shapes[id];
            if !matches!(shape.kind, Kind::Structure(_) | Kind::Union(_)) {
                continue;
            }
            let path = ctx.sym.type_path(id);
            if ctx.needs_ser.contains(id) {
                items.push(self.serializer(ctx, shape, path.clone(), ctx.sym.ser_fn(id)));
            }
            if ctx.needs_de.contains(id) {
                let extra = if shape.traits.error().is_some() { quote!(meta: ::std::default::Default::default(),) } else { quote!() };
                items.push(xml::deserializer(ctx, shape, path, ctx.sym.de_fn(id), extra, false));
            }
        }
        let errors: std::collections::BTreeSet<&String> = ctx.sel.op_errors.values().flatten().collect();
        for e in errors {
            let de = ctx.sym.de_fn(e);
            let ty = ctx.sym.type_path(e);
            items.push(quote!(
                impl crate::runtime::orchestrator::ReadError for #ty {
                    fn read(response: &crate::error::HttpResponse) -> ::std::result::Result<Self, crate::runtime::error::DeserializeError> {
                    let root = crate::runtime::xml::parse(response.body())?;
                    #de(crate::runtime::xml::error_element(&root).unwrap_or(&root))
                    }
                }
            ));
        }
        quote!(#(#items)*)
    }

    fn runtime_modules(&self) -> &'static [&'static str] {
        &["query", "xml"]
    }
}
