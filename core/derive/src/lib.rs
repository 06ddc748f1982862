//! `#[derive(Json)]`: the widget's JSON conversions (`allo_core::json::ToJson` / `FromJson`),
//! generated from the same field list and the same `#[serde(...)]` attributes that serde's
//! derives read for the collector.
//!
//! Why: the wasm has no serde (see `allo_core::json`), the collector has nothing but serde,
//! and both must write and read the same wire format. Writing the conversions by hand beside
//! the serde attributes kept every field twice; here the struct is the one definition, and
//! the `serde` attribute is declared as this derive's helper too, so the attributes stay
//! legal when the `serde` feature (and serde's derives) are off.
//!
//! What it reads, and what it makes of it:
//! - structs with named fields: each field is a member of that name. On writing, a field with
//!   `skip_serializing_if = "path"` is left out when `path(&field)` holds; on reading, an
//!   `Option` field is `None` when missing or of another shape, a field with `default` is its
//!   type's default then, and any other field is required (the whole value reads as `None`).
//!   `with = "module"` converts the field through `module::to_json` / `module::from_json`.
//! - enums of unit variants (`rename_all = "snake_case"`, a variant's `rename`): a JSON string;
//!   the enum also gets `as_str` and `NAMES` (every variant with its wire name), the names'
//!   one home for the rest of the code and for the collector's strict reading.
//! - internally tagged enums (`tag = "mode"`) of struct variants: an object whose `tag`
//!   member names the variant, beside the variant's fields.
//!
//! Anything else serde accepts but this does not understand is a compile error here rather
//! than a silent difference on the wire (`deserialize_with` alone is left to serde: it only
//! makes the collector stricter than the widget, which is by design).
use proc_macro::TokenStream;
use proc_macro2::TokenStream as Tokens;
use quote::{format_ident, quote};
use syn::{parse_macro_input, Data, DeriveInput, Error, Fields, LitStr, Type};

/// Derives `ToJson` and `FromJson` (and, for unit enums, `as_str` and `NAMES`) from the
/// type's fields and `#[serde(...)]` attributes; see the crate docs.
#[proc_macro_derive(Json, attributes(serde))]
pub fn derive_json(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand(&input)
        .unwrap_or_else(Error::into_compile_error)
        .into()
}

/// What a field's or container's `#[serde(...)]` attributes say.
#[derive(Default)]
struct Attrs {
    default: bool,
    skip_if: Option<syn::ExprPath>,
    with: Option<syn::Path>,
    rename: Option<String>,
    rename_all: Option<String>,
    tag: Option<String>,
}

fn attrs(list: &[syn::Attribute]) -> syn::Result<Attrs> {
    let mut out = Attrs::default();
    for attr in list.iter().filter(|a| a.path().is_ident("serde")) {
        attr.parse_nested_meta(|meta| {
            let name = meta
                .path
                .get_ident()
                .map(ToString::to_string)
                .unwrap_or_default();
            let text = |meta: &syn::meta::ParseNestedMeta| -> syn::Result<LitStr> {
                meta.value()?.parse::<LitStr>()
            };
            match name.as_str() {
                "default" => {
                    if meta.input.peek(syn::Token![=]) {
                        return Err(meta.error("Json: `default = \"path\"` is not supported"));
                    }
                    out.default = true;
                }
                "skip_serializing_if" => out.skip_if = Some(text(&meta)?.parse()?),
                "with" => out.with = Some(text(&meta)?.parse()?),
                "rename" => out.rename = Some(text(&meta)?.value()),
                "rename_all" => out.rename_all = Some(text(&meta)?.value()),
                "tag" => out.tag = Some(text(&meta)?.value()),
                // Stricter reading on the collector's side only; see the crate docs.
                "deserialize_with" => {
                    text(&meta)?;
                }
                "deny_unknown_fields" => {}
                _ => {
                    return Err(
                        meta.error(format!("Json: serde attribute `{name}` is not supported"))
                    )
                }
            }
            Ok(())
        })?;
    }
    Ok(out)
}

/// `CalledBack` → `called_back`.
fn snake(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.extend(c.to_lowercase());
    }
    out
}

fn is_option(ty: &Type) -> bool {
    matches!(ty, Type::Path(p) if p.qself.is_none()
        && p.path.segments.last().is_some_and(|s| s.ident == "Option"))
}

/// The statements that add `fields` (bound by name) to `o`, and the reads that fill them.
fn members(
    fields: &syn::FieldsNamed,
    bind: impl Fn(&syn::Ident) -> Tokens,
) -> syn::Result<(Vec<Tokens>, Vec<Tokens>)> {
    let mut writes = Vec::new();
    let mut reads = Vec::new();
    for f in &fields.named {
        let ident = f.ident.as_ref().expect("named field");
        let a = attrs(&f.attrs)?;
        if a.rename.is_some() {
            return Err(Error::new_spanned(
                f,
                "Json: renamed fields are not supported",
            ));
        }
        let key = ident.to_string();
        let value = bind(ident);
        let set = match &a.with {
            Some(m) => quote! { o.add(#key, #m::to_json(#value)); },
            None => quote! { o.add(#key, #value); },
        };
        writes.push(match &a.skip_if {
            Some(pred) => quote! { if !#pred(#value) { #set } },
            None => set,
        });
        let read = match (&a.with, is_option(&f.ty), a.default) {
            (Some(m), true, _) => quote! { v.get(#key).and_then(#m::from_json) },
            (Some(m), false, true) => {
                quote! { v.get(#key).and_then(#m::from_json).unwrap_or_default() }
            }
            (Some(m), false, false) => quote! { #m::from_json(v.get(#key)?)? },
            (None, true, _) => quote! { v.field(#key) },
            (None, false, true) => quote! { v.field_or_default(#key) },
            (None, false, false) => quote! { v.field(#key)? },
        };
        reads.push(quote! { #ident: #read });
    }
    Ok((writes, reads))
}

fn variant_name(v: &syn::Variant, rename_all: &Option<String>) -> syn::Result<String> {
    let a = attrs(&v.attrs)?;
    Ok(match (a.rename, rename_all.as_deref()) {
        (Some(name), _) => name,
        (None, Some("snake_case")) => snake(&v.ident.to_string()),
        (None, None) => v.ident.to_string(),
        (None, Some(other)) => {
            return Err(Error::new_spanned(
                v,
                format!("Json: rename_all = {other:?} is not supported"),
            ))
        }
    })
}

fn expand(input: &DeriveInput) -> syn::Result<Tokens> {
    let name = &input.ident;
    let container = attrs(&input.attrs)?;
    let json = quote! { crate::json };
    match &input.data {
        Data::Struct(s) => {
            let Fields::Named(fields) = &s.fields else {
                return Err(Error::new_spanned(
                    name,
                    "Json: only structs with named fields",
                ));
            };
            let (writes, reads) = members(fields, |f| quote! { &self.#f })?;
            Ok(quote! {
                impl #json::ToJson for #name {
                    fn to_json(&self) -> #json::Value {
                        let mut o = #json::Obj::new();
                        #(#writes)*
                        o.build()
                    }
                }
                impl #json::FromJson for #name {
                    fn from_json(v: &#json::Value) -> ::core::option::Option<#name> {
                        v.as_object()?;
                        ::core::option::Option::Some(#name { #(#reads,)* })
                    }
                }
            })
        }
        Data::Enum(e) if container.tag.is_none() => {
            let mut idents = Vec::new();
            let mut names = Vec::new();
            for v in &e.variants {
                if !matches!(v.fields, Fields::Unit) {
                    return Err(Error::new_spanned(
                        v,
                        "Json: an untagged enum must have unit variants only",
                    ));
                }
                idents.push(&v.ident);
                names.push(variant_name(v, &container.rename_all)?);
            }
            Ok(quote! {
                impl #name {
                    /// Every variant with its wire name.
                    pub const NAMES: &'static [(&'static str, #name)] = &[#((#names, #name::#idents)),*];

                    /// The wire name.
                    pub const fn as_str(self) -> &'static str {
                        match self { #(#name::#idents => #names,)* }
                    }
                }
                impl #json::ToJson for #name {
                    fn to_json(&self) -> #json::Value {
                        self.as_str().into()
                    }
                }
                impl #json::FromJson for #name {
                    fn from_json(v: &#json::Value) -> ::core::option::Option<#name> {
                        match v.as_str()? {
                            #(#names => ::core::option::Option::Some(#name::#idents),)*
                            _ => ::core::option::Option::None,
                        }
                    }
                }
            })
        }
        Data::Enum(e) => {
            let tag = container.tag.clone().unwrap_or_default();
            let mut writes = Vec::new();
            let mut reads = Vec::new();
            for v in &e.variants {
                let ident = &v.ident;
                let wire = variant_name(v, &container.rename_all)?;
                let Fields::Named(fields) = &v.fields else {
                    return Err(Error::new_spanned(
                        v,
                        "Json: a tagged enum must have struct variants only",
                    ));
                };
                let bound: Vec<_> = fields
                    .named
                    .iter()
                    .map(|f| f.ident.clone().expect("named"))
                    .collect();
                let (sets, gets) = members(fields, |f| {
                    let local = format_ident!("{}", f);
                    quote! { #local }
                })?;
                writes.push(quote! {
                    #name::#ident { #(#bound),* } => {
                        let mut o = #json::Obj::new().set(#tag, #wire);
                        #(#sets)*
                        o.build()
                    }
                });
                reads.push(
                    quote! { #wire => ::core::option::Option::Some(#name::#ident { #(#gets,)* }), },
                );
            }
            Ok(quote! {
                impl #json::ToJson for #name {
                    fn to_json(&self) -> #json::Value {
                        match self { #(#writes)* }
                    }
                }
                impl #json::FromJson for #name {
                    fn from_json(v: &#json::Value) -> ::core::option::Option<#name> {
                        match v.get(#tag)?.as_str()? {
                            #(#reads)*
                            _ => ::core::option::Option::None,
                        }
                    }
                }
            })
        }
        Data::Union(_) => Err(Error::new_spanned(name, "Json: unions are not supported")),
    }
}
