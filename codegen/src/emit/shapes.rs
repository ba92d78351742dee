//! Emits data types: structures with builders, enums, intEnums and unions.

use super::{doc_attrs, Ctx};
use crate::model::{EnumLiteral, Kind, Member, Shape};
use crate::symbols::{default_literal, ident};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// What kind of structure is being emitted: it changes extra fields and impls.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum StructRole {
    Plain,
    Input,
    Output,
    Exception,
}

/// How a member's value is handed out by getters and taken by setters.
enum Access {
    Str,
    Copy,
    Slice,
    Ref,
}

fn access(ctx: &Ctx, m: &Member, boxed: bool) -> Access {
    if boxed {
        return Access::Ref;
    }
    match ctx.model.get(&m.target).map(|s| &s.kind) {
        Some(Kind::String) => Access::Str,
        Some(Kind::Boolean | Kind::Byte | Kind::Short | Kind::Integer | Kind::Long | Kind::Float | Kind::Double) => Access::Copy,
        Some(Kind::List(_)) => Access::Slice,
        _ => Access::Ref,
    }
}

/// Whether a member's value must never be printed.
pub fn is_sensitive(ctx: &Ctx, m: &Member) -> bool {
    fn target_sensitive(ctx: &Ctx, target: &str, depth: usize) -> bool {
        let Some(shape) = ctx.model.get(target) else { return false };
        if shape.traits.sensitive() {
            return true;
        }
        if depth > 8 {
            return false;
        }
        match &shape.kind {
            Kind::List(m) => m.traits.sensitive() || target_sensitive(ctx, &m.target, depth + 1),
            Kind::Map(k, v) => {
                k.traits.sensitive() || v.traits.sensitive() || target_sensitive(ctx, &k.target, depth + 1) || target_sensitive(ctx, &v.target, depth + 1)
            }
            _ => false,
        }
    }
    m.traits.sensitive() || target_sensitive(ctx, &m.target, 0)
}

/// The members of a structure shape.
pub fn members_of(shape: &Shape) -> &[Member] {
    match &shape.kind {
        Kind::Structure(ms) | Kind::Union(ms) => ms,
        _ => &[],
    }
}

/// A structure's type and its builder: `(type items, builder items)`.
pub fn structure(ctx: &Ctx, shape: &Shape, name: &proc_macro2::Ident, role: StructRole) -> (TokenStream, TokenStream) {
    let id = &shape.id;
    let builder_name = format_ident!("{}Builder", name);
    let self_path = match role {
        StructRole::Plain => quote!(crate::types::#name),
        StructRole::Exception => quote!(crate::types::error::#name),
        StructRole::Input | StructRole::Output => quote!(super::#name),
    };
    let builder_path = match role {
        StructRole::Plain => quote!(crate::types::builders::#builder_name),
        StructRole::Exception => quote!(crate::types::error::builders::#builder_name),
        StructRole::Input | StructRole::Output => quote!(builders::#builder_name),
    };
    let docs = doc_attrs(&shape.traits, None);
    let members = members_of(shape);
    let mut fields = Vec::new();
    let mut getters = Vec::new();
    let mut builder_fields = Vec::new();
    let mut setters = Vec::new();
    let mut build_fields = Vec::new();
    let mut debug_fields = Vec::new();
    let mut fallible = false;
    let mut any_sensitive = false;
    for m in members {
        let field = ctx.sym.member_ident(id, &m.name);
        let field_name = crate::sanitize::bare(ctx.sym.member(id, &m.name)).to_string();
        let ty = ctx.sym.member_value_type(ctx.model, id, m);
        let optional = ctx.sym.is_optional(ctx.model, id, m);
        let boxed = ctx.sym.is_boxed(id, &m.name);
        let mdocs = doc_attrs(&m.traits, ctx.model.get(&m.target).and_then(|t| t.traits.documentation()));
        let sensitive = is_sensitive(ctx, m);
        any_sensitive |= sensitive;
        if optional {
            fields.push(quote!(#mdocs pub #field: ::std::option::Option<#ty>,));
        } else {
            fields.push(quote!(#mdocs pub #field: #ty,));
        }
        // Getter.
        let getter = match (access(ctx, m, boxed), optional) {
            (Access::Str, true) => quote!(pub fn #field(&self) -> ::std::option::Option<&str> { self.#field.as_deref() }),
            (Access::Str, false) => quote!(pub fn #field(&self) -> &str { &self.#field }),
            (Access::Copy, true) => quote!(pub fn #field(&self) -> ::std::option::Option<#ty> { self.#field }),
            (Access::Copy, false) => quote!(pub fn #field(&self) -> #ty { self.#field }),
            (Access::Slice, true) => {
                let elem = list_elem_type(ctx, m);
                quote!(
                    #[doc = "If no value was sent for this field, a default will be set. If you want to determine if no value was sent, use `.is_none()` on the field."]
                    pub fn #field(&self) -> &[#elem] { self.#field.as_deref().unwrap_or_default() }
                )
            }
            (Access::Slice, false) => {
                let elem = list_elem_type(ctx, m);
                quote!(pub fn #field(&self) -> &[#elem] { &self.#field })
            }
            (Access::Ref, true) if boxed => {
                let inner = ctx.sym.value_type(ctx.model, &m.target);
                quote!(pub fn #field(&self) -> ::std::option::Option<&#inner> { self.#field.as_deref() })
            }
            (Access::Ref, true) => quote!(pub fn #field(&self) -> ::std::option::Option<&#ty> { self.#field.as_ref() }),
            (Access::Ref, false) => quote!(pub fn #field(&self) -> &#ty { &self.#field }),
        };
        getters.push(quote!(#mdocs #getter));
        // Builder.
        builder_fields.push(quote!(pub(crate) #field: ::std::option::Option<#ty>,));
        setters.push(setter_methods(ctx, id, m, &mdocs, SetterHost::Builder));
        if optional {
            build_fields.push(quote!(#field: self.#field,));
        } else {
            let target = &ctx.model.shapes[&m.target];
            match m.traits.default_value().and_then(|v| default_literal(ctx.model, target, v)) {
                Some(default) => build_fields.push(quote!(#field: self.#field.unwrap_or_else(|| #default),)),
                None => {
                    fallible = true;
                    let msg = format!("{field_name} was not specified but it is required when building {name}");
                    build_fields.push(quote!(
                        #field: self.#field.ok_or_else(|| crate::error::BuildError::missing_field(#field_name, #msg))?,
                    ));
                }
            }
        }
        if sensitive {
            debug_fields.push(quote!(formatter.field(#field_name, &"*** Sensitive Data Redacted ***");));
        } else {
            debug_fields.push(quote!(formatter.field(#field_name, &self.#field);));
        }
    }
    let whole_sensitive = shape.traits.sensitive();
    let name_str = name.to_string();
    let builder_name_str = builder_name.to_string();
    let (extra_fields, extra_builder_fields, extra_build, extra_impls, extra_debug) = match role {
        StructRole::Output => (
            quote!(_response_metadata: crate::operation::ResponseMetadata,),
            quote!(_response_metadata: crate::operation::ResponseMetadata,),
            quote!(_response_metadata: self._response_metadata,),
            quote!(
                impl crate::operation::RequestId for #name {
                    fn request_id(&self) -> ::std::option::Option<&str> { self._response_metadata.request_id() }
                }
                impl #name {
                    #[doc = "HTTP status, request id and attempt count of the response."]
                    pub fn response_metadata(&self) -> &crate::operation::ResponseMetadata { &self._response_metadata }
                }
            ),
            quote!(formatter.field("_response_metadata", &self._response_metadata);),
        ),
        StructRole::Exception => (
            quote!(pub(crate) meta: crate::error::ErrorMetadata,),
            quote!(meta: ::std::option::Option<crate::error::ErrorMetadata>,),
            quote!(meta: self.meta.unwrap_or_default(),),
            quote!(),
            quote!(formatter.field("meta", &self.meta);),
        ),
        _ => (quote!(), quote!(), quote!(), quote!(), quote!()),
    };
    let derive_debug = !any_sensitive && !whole_sensitive;
    let struct_derives = if derive_debug { quote!(#[derive(::std::clone::Clone, ::std::cmp::PartialEq, ::std::fmt::Debug)]) } else { quote!(#[derive(::std::clone::Clone, ::std::cmp::PartialEq)]) };
    let builder_derives = if derive_debug {
        quote!(#[derive(::std::clone::Clone, ::std::cmp::PartialEq, ::std::default::Default, ::std::fmt::Debug)])
    } else {
        quote!(#[derive(::std::clone::Clone, ::std::cmp::PartialEq, ::std::default::Default)])
    };
    let (debug_impl, builder_debug_impl) = if derive_debug {
        (quote!(), quote!())
    } else if whole_sensitive {
        (
            quote!(
                impl ::std::fmt::Debug for #name {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result { f.write_str("*** Sensitive Data Redacted ***") }
                }
            ),
            quote!(
                impl ::std::fmt::Debug for #builder_name {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result { f.write_str("*** Sensitive Data Redacted ***") }
                }
            ),
        )
    } else {
        (
            quote!(
                impl ::std::fmt::Debug for #name {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        let mut formatter = f.debug_struct(#name_str);
                        #(#debug_fields)*
                        #extra_debug
                        formatter.finish()
                    }
                }
            ),
            quote!(
                impl ::std::fmt::Debug for #builder_name {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        let mut formatter = f.debug_struct(#builder_name_str);
                        #(#debug_fields)*
                        formatter.finish()
                    }
                }
            ),
        )
    };
    let fallible = fallible || role == StructRole::Input;
    let build_doc = format!("Consumes the builder and constructs a [`{name}`].");
    let build_fn = if fallible {
        quote!(
            #[doc = #build_doc]
            pub fn build(self) -> ::std::result::Result<#self_path, crate::error::BuildError> {
                ::std::result::Result::Ok(#self_path { #(#build_fields)* #extra_build })
            }
        )
    } else {
        quote!(
            #[doc = #build_doc]
            pub fn build(self) -> #self_path { #self_path { #(#build_fields)* #extra_build } }
        )
    };
    let extra_setters = match role {
        StructRole::Output => quote!(
            #[doc = "Sets the request id (used by tests and mocks)."]
            pub fn _request_id(mut self, request_id: impl ::std::convert::Into<::std::string::String>) -> Self {
                self._response_metadata = crate::operation::ResponseMetadata::new(
                    self._response_metadata.status(),
                    ::std::option::Option::Some(request_id.into()),
                    self._response_metadata.attempts(),
                );
                self
            }
        ),
        StructRole::Exception => quote!(
            #[doc = "Sets error metadata."]
            pub fn meta(mut self, meta: crate::error::ErrorMetadata) -> Self {
                self.meta = ::std::option::Option::Some(meta);
                self
            }
        ),
        _ => quote!(),
    };
    let builder_doc = match role {
        StructRole::Plain => format!("A builder for [`{name}`](crate::types::{name})."),
        StructRole::Exception => format!("A builder for [`{name}`](crate::types::error::{name})."),
        StructRole::Input | StructRole::Output => format!("A builder for [`{name}`](super::{name})."),
    };
    let new_doc = format!("Creates a new builder-style object to manufacture [`{name}`].");
    let ty = quote!(
        #docs
        #[non_exhaustive]
        #struct_derives
        pub struct #name {
            #(#fields)*
            #extra_fields
        }
        impl #name {
            #(#getters)*
        }
        impl #name {
            #[doc = #new_doc]
            pub fn builder() -> #builder_path {
                ::std::default::Default::default()
            }
        }
        #extra_impls
        #debug_impl
    );
    if role == StructRole::Input {
        // The input builder is also the operation's fluent builder: `S` is `()` for a plain
        // builder and `crate::operation::Sender<M>` for one bound to a client, so the setters
        // exist once for both.
        let none_fields = members.iter().map(|m| {
            let field = ctx.sym.member_ident(id, &m.name);
            quote!(#field: ::std::option::Option::None,)
        });
        let debug_body = if whole_sensitive {
            quote!(f.write_str("*** Sensitive Data Redacted ***"))
        } else {
            quote!(
                let mut formatter = f.debug_struct(#builder_name_str);
                #(#debug_fields)*
                formatter.finish()
            )
        };
        let builder_doc = format!(
            "A builder for [`{name}`](super::{name}); bound to a client (`S` = [`Sender`](crate::operation::Sender)) it is the operation's fluent builder."
        );
        let builder = quote!(
            #[doc = #builder_doc]
            #[non_exhaustive]
            #[derive(::std::clone::Clone, ::std::cmp::PartialEq)]
            pub struct #builder_name<S = ()> {
                #(#builder_fields)*
                pub(crate) _sender: S,
            }
            impl ::std::default::Default for #builder_name {
                fn default() -> Self {
                    Self::with_sender(())
                }
            }
            impl<S> #builder_name<S> {
                pub(crate) fn with_sender(sender: S) -> Self {
                    Self { #(#none_fields)* _sender: sender }
                }
                #(#setters)*
                #build_fn
            }
            impl<S> ::std::fmt::Debug for #builder_name<S> {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    #debug_body
                }
            }
        );
        return (ty, builder);
    }
    let builder = quote!(
        #[doc = #builder_doc]
        #[non_exhaustive]
        #builder_derives
        pub struct #builder_name {
            #(#builder_fields)*
            #extra_builder_fields
        }
        impl #builder_name {
            #(#setters)*
            #extra_setters
            #build_fn
        }
        #builder_debug_impl
    );
    (ty, builder)
}

fn list_elem_type(ctx: &Ctx, m: &Member) -> TokenStream {
    let shape = &ctx.model.shapes[&m.target];
    match &shape.kind {
        Kind::List(inner) => {
            let t = ctx.sym.value_type(ctx.model, &inner.target);
            if shape.traits.sparse() {
                quote!(::std::option::Option<#t>)
            } else {
                t
            }
        }
        _ => quote!(()),
    }
}

/// Where setters are emitted: on a builder (which owns the fields) or on an operation's fluent
/// builder (which forwards to its `inner` input builder).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum SetterHost {
    Builder,
    Fluent,
}

/// The three setters of a member (`x`, `set_x`, `get_x`). The full documentation goes on `x`;
/// `set_x` and `get_x` point to it, which keeps generated files (and build times) small.
pub fn setter_methods(ctx: &Ctx, container: &str, m: &Member, docs: &TokenStream, host: SetterHost) -> TokenStream {
    let field = ctx.sym.member_ident(container, &m.name);
    let bare = crate::sanitize::bare(ctx.sym.member(container, &m.name));
    let set = ctx.sym.setter(container, &m.name);
    let get = ctx.sym.getter(container, &m.name);
    let ty = ctx.sym.member_value_type(ctx.model, container, m);
    let boxed = ctx.sym.is_boxed(container, &m.name);
    let shape = &ctx.model.shapes[&m.target];
    let required = if m.traits.required() { quote!(#[doc = ""] #[doc = "This field is required."]) } else { quote!() };
    let fluent = host == SetterHost::Fluent;
    let (doc, args, params, body) = match &shape.kind {
        Kind::List(inner) if !boxed => {
            let elem = ctx.sym.value_type(ctx.model, &inner.target);
            let elem = if shape.traits.sparse() { quote!(::std::option::Option<#elem>) } else { elem };
            let doc = format!("Appends an item to `{bare}`. To override the contents of this collection use [`{set}`](Self::{set}).");
            // `impl Into` as for map entries (and as aws-sdk-rust does): `.names("a")` works.
            (doc, quote!(input: impl ::std::convert::Into<#elem>), quote!(input), quote!(
                let mut v = self.#field.unwrap_or_default();
                v.push(input.into());
                self.#field = ::std::option::Option::Some(v);
            ))
        }
        Kind::Map(k, v) if !boxed => {
            let key = ctx.sym.value_type(ctx.model, &k.target);
            let value = ctx.sym.value_type(ctx.model, &v.target);
            let value = if shape.traits.sparse() { quote!(::std::option::Option<#value>) } else { value };
            let doc = format!("Adds a key-value pair to `{bare}`. To override the contents of this collection use [`{set}`](Self::{set}).");
            (doc, quote!(k: impl ::std::convert::Into<#key>, v: impl ::std::convert::Into<#value>), quote!(k, v), quote!(
                let mut hash_map = self.#field.unwrap_or_default();
                hash_map.insert(k.into(), v.into());
                self.#field = ::std::option::Option::Some(hash_map);
            ))
        }
        _ if boxed => {
            let inner = ctx.sym.value_type(ctx.model, &m.target);
            (format!("Sets `{bare}`."), quote!(input: #inner), quote!(input), quote!(
                self.#field = ::std::option::Option::Some(::std::boxed::Box::new(input));
            ))
        }
        _ => (format!("Sets `{bare}`."), quote!(input: impl ::std::convert::Into<#ty>), quote!(input), quote!(
            self.#field = ::std::option::Option::Some(input.into());
        )),
    };
    let main_body = if fluent { quote!(self.inner = self.inner.#field(#params);) } else { body };
    let set_body = if fluent { quote!(self.inner = self.inner.#set(input);) } else { quote!(self.#field = input;) };
    let get_body = if fluent { quote!(self.inner.#get()) } else { quote!(&self.#field) };
    let set_doc = format!("Sets or clears `{bare}`; see [`{bare}`](Self::{field}).");
    let get_doc = format!("The value of `{bare}` set so far; see [`{bare}`](Self::{field}).");
    quote!(
        #[doc = #doc]
        #[doc = ""]
        #docs
        #required
        pub fn #field(mut self, #args) -> Self {
            #main_body
            self
        }
        #[doc = #set_doc]
        pub fn #set(mut self, input: ::std::option::Option<#ty>) -> Self {
            #set_body
            self
        }
        #[doc = #get_doc]
        pub fn #get(&self) -> &::std::option::Option<#ty> {
            #get_body
        }
    )
}

/// A string enum with a forward-compatible `Unknown` variant.
pub fn string_enum(ctx: &Ctx, shape: &Shape) -> TokenStream {
    let Kind::Enum(values) = &shape.kind else { return quote!() };
    let name = ctx.sym.type_ident(&shape.id);
    let docs = doc_attrs(&shape.traits, None);
    let mut variants = Vec::new();
    let mut from_arms = Vec::new();
    let mut as_str_arms = Vec::new();
    let mut literals = Vec::new();
    for v in values {
        let variant = ident(ctx.sym.member(&shape.id, &v.name));
        let EnumLiteral::String(lit) = &v.value else { continue };
        let vdocs = doc_attrs(&v.traits, None);
        variants.push(quote!(#vdocs #variant,));
        from_arms.push(quote!(#lit => #name::#variant,));
        as_str_arms.push(quote!(#name::#variant => #lit,));
        literals.push(lit.clone());
    }
    let doc_match = enum_match_doc(ctx, &name.to_string(), values.iter().map(|v| ctx.sym.member(&shape.id, &v.name).to_string()).collect());
    quote!(
        #docs
        #doc_match
        #[non_exhaustive]
        #[derive(::std::clone::Clone, ::std::cmp::Eq, ::std::cmp::Ord, ::std::cmp::PartialEq, ::std::cmp::PartialOrd, ::std::fmt::Debug, ::std::hash::Hash)]
        pub enum #name {
            #(#variants)*
            #[doc = "`Unknown` contains new variants that have been added since this code was generated."]
            #[deprecated(note = "Don't directly match on `Unknown`. See the docs on this enum for the correct way to handle unknown variants.")]
            Unknown(crate::primitives::sealed_enum_unknown::UnknownVariantValue),
        }
        #[allow(deprecated)]
        impl ::std::convert::From<&str> for #name {
            fn from(s: &str) -> Self {
                match s {
                    #(#from_arms)*
                    other => #name::Unknown(crate::primitives::sealed_enum_unknown::UnknownVariantValue::new(other)),
                }
            }
        }
        impl ::std::str::FromStr for #name {
            type Err = ::std::convert::Infallible;
            fn from_str(s: &str) -> ::std::result::Result<Self, <Self as ::std::str::FromStr>::Err> {
                ::std::result::Result::Ok(#name::from(s))
            }
        }
        impl #name {
            #[doc = "Returns the `&str` value of the enum member."]
            #[allow(deprecated)]
            pub fn as_str(&self) -> &str {
                match self {
                    #(#as_str_arms)*
                    #name::Unknown(value) => value.as_str(),
                }
            }
            #[doc = "Returns all the `&str` representations of the enum members."]
            pub const fn values() -> &'static [&'static str] {
                &[#(#literals),*]
            }
            #[doc = "Parses the enum value while disallowing unknown variants."]
            #[allow(deprecated)]
            pub fn try_parse(value: &str) -> ::std::result::Result<Self, crate::error::UnknownVariantError> {
                match Self::from(value) {
                    #name::Unknown(_) => ::std::result::Result::Err(crate::error::UnknownVariantError::new(value)),
                    known => ::std::result::Result::Ok(known),
                }
            }
        }
        impl ::std::convert::AsRef<str> for #name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }
        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    )
}

fn enum_match_doc(ctx: &Ctx, name: &str, variants: Vec<String>) -> TokenStream {
    let crate_ident = ctx.crate_ident();
    let first = variants.first().cloned().unwrap_or_else(|| "Value".into());
    let text = format!(
        "When matching on `{name}`, match with a wildcard arm so that values added to the service later still compile and are handled:\n\n```\n# let value = {crate_ident}::types::{name}::from(\"anything\");\nmatch value {{\n    {crate_ident}::types::{name}::{first} => {{ /* ... */ }}\n    other => println!(\"{{}}\", other.as_str()),\n}}\n```\n\nAn unknown value read from the service is kept: `as_str()` returns it unchanged."
    );
    quote!(#[doc = ""] #[doc = #text])
}

/// An intEnum with a forward-compatible `Unknown(i32)` variant.
pub fn int_enum(ctx: &Ctx, shape: &Shape) -> TokenStream {
    let Kind::IntEnum(values) = &shape.kind else { return quote!() };
    let name = ctx.sym.type_ident(&shape.id);
    let docs = doc_attrs(&shape.traits, None);
    let mut variants = Vec::new();
    let mut from_arms = Vec::new();
    let mut as_arms = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for v in values {
        let variant = ident(ctx.sym.member(&shape.id, &v.name));
        let EnumLiteral::Int(n) = &v.value else { continue };
        let n = *n as i32;
        let vdocs = doc_attrs(&v.traits, None);
        variants.push(quote!(#vdocs #variant,));
        if seen.insert(n) {
            from_arms.push(quote!(#n => #name::#variant,));
        }
        as_arms.push(quote!(#name::#variant => #n,));
    }
    quote!(
        #docs
        #[non_exhaustive]
        #[derive(::std::clone::Clone, ::std::cmp::Eq, ::std::cmp::Ord, ::std::cmp::PartialEq, ::std::cmp::PartialOrd, ::std::fmt::Debug, ::std::hash::Hash)]
        pub enum #name {
            #(#variants)*
            #[doc = "A value added to the service after this code was generated."]
            Unknown(i32),
        }
        impl ::std::convert::From<i32> for #name {
            fn from(n: i32) -> Self {
                match n {
                    #(#from_arms)*
                    other => #name::Unknown(other),
                }
            }
        }
        impl #name {
            #[doc = "The integer value of the enum member."]
            pub fn as_i32(&self) -> i32 {
                match self {
                    #(#as_arms)*
                    #name::Unknown(n) => *n,
                }
            }
        }
    )
}

/// A union: one variant per member, unit members as unit variants, and `Unknown` for members
/// added to the service later.
pub fn union(ctx: &Ctx, shape: &Shape) -> TokenStream {
    let Kind::Union(members) = &shape.kind else { return quote!() };
    let name = ctx.sym.type_ident(&shape.id);
    let docs = doc_attrs(&shape.traits, None);
    let mut variants = Vec::new();
    let mut helpers = Vec::new();
    let mut debug_arms = Vec::new();
    let any_sensitive = members.iter().any(|m| is_sensitive(ctx, m)) || shape.traits.sensitive();
    for m in members {
        let variant = ctx.sym.member_ident(&shape.id, &m.name);
        let vname = ctx.sym.member(&shape.id, &m.name).to_string();
        let (as_fn, is_fn) = ctx.sym.union_accessors(&shape.id, &m.name);
        let mdocs = doc_attrs(&m.traits, None);
        let unit = m.target == "smithy.api#Unit";
        let sensitive = is_sensitive(ctx, m) || shape.traits.sensitive();
        if unit {
            variants.push(quote!(#mdocs #variant,));
            let doc = format!("Returns `Ok(())` if this is a [`{vname}`](Self::{vname}).");
            helpers.push(quote!(
                #[doc = #doc]
                pub fn #as_fn(&self) -> ::std::result::Result<(), &Self> {
                    if let #name::#variant = &self { ::std::result::Result::Ok(()) } else { ::std::result::Result::Err(self) }
                }
            ));
            debug_arms.push(quote!(#name::#variant => f.write_str(#vname),));
        } else {
            let ty = ctx.sym.member_value_type(ctx.model, &shape.id, m);
            variants.push(quote!(#mdocs #variant(#ty),));
            let doc = format!("Returns the value if this is a [`{vname}`](Self::{vname}), or `Err(self)`.");
            helpers.push(quote!(
                #[doc = #doc]
                pub fn #as_fn(&self) -> ::std::result::Result<&#ty, &Self> {
                    if let #name::#variant(val) = &self { ::std::result::Result::Ok(val) } else { ::std::result::Result::Err(self) }
                }
            ));
            if sensitive {
                debug_arms.push(quote!(#name::#variant(_) => f.debug_tuple(#vname).field(&"*** Sensitive Data Redacted ***").finish(),));
            } else {
                debug_arms.push(quote!(#name::#variant(val) => f.debug_tuple(#vname).field(val).finish(),));
            }
        }
        let doc = format!("Whether this is a [`{vname}`](Self::{vname}).");
        let pat = if unit { quote!(#name::#variant) } else { quote!(#name::#variant(_)) };
        helpers.push(quote!(
            #[doc = #doc]
            pub fn #is_fn(&self) -> bool { matches!(self, #pat) }
        ));
    }
    let (derives, debug) = if any_sensitive {
        (
            quote!(#[derive(::std::clone::Clone, ::std::cmp::PartialEq)]),
            quote!(
                impl ::std::fmt::Debug for #name {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        match self {
                            #(#debug_arms)*
                            #name::Unknown => f.write_str("Unknown"),
                        }
                    }
                }
            ),
        )
    } else {
        (quote!(#[derive(::std::clone::Clone, ::std::cmp::PartialEq, ::std::fmt::Debug)]), quote!())
    };
    quote!(
        #docs
        #[non_exhaustive]
        #derives
        pub enum #name {
            #(#variants)*
            #[doc = "A member added to the service after this code was generated (read only: it cannot be sent)."]
            #[non_exhaustive]
            Unknown,
        }
        impl #name {
            #(#helpers)*
            #[doc = "Whether this is a member this client does not know."]
            pub fn is_unknown(&self) -> bool { matches!(self, Self::Unknown) }
        }
        #debug
    )
}
