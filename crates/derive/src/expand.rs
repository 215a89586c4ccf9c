//! The `FromRow` implementation a struct gets.

use crate::attributes::{self, FieldAttributes};
use proc_macro_crate::{FoundCrate, crate_name};
use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::{Data, DeriveInput, Field, Fields, Ident};

pub(crate) fn from_row(input: &DeriveInput) -> syn::Result<TokenStream> {
    let container = attributes::container(&input.attrs)?;
    let krate = container.krate.map_or_else(query_crate, |path| quote!(#path));
    let private = quote!(#krate::__private);
    let Data::Struct(data) = &input.data else {
        return Err(syn::Error::new_spanned(&input.ident, "FromRow derives for structs only: a row has columns"));
    };
    let body = match &data.fields {
        Fields::Named(fields) => {
            let mut inits = Vec::with_capacity(fields.named.len());
            for field in &fields.named {
                let ident = field.ident.as_ref().expect("a named field has a name");
                let attrs = attributes::field(&field.attrs)?;
                let column = attrs.rename.clone().unwrap_or_else(|| {
                    let name = ident.to_string();
                    let name = name.strip_prefix("r#").unwrap_or(&name).to_owned();
                    container.rename_all.map_or(name.clone(), |case| case.apply(&name))
                });
                let value = read(&private, field, &attrs, &column)?;
                inits.push(quote!(#ident: #value));
            }
            quote!(Self { #(#inits,)* })
        }
        Fields::Unnamed(fields) => {
            let mut values = Vec::with_capacity(fields.unnamed.len());
            for (index, field) in fields.unnamed.iter().enumerate() {
                let attrs = attributes::field(&field.attrs)?;
                if attrs.rename.is_some() || attrs.default || attrs.try_from.is_some() {
                    return Err(syn::Error::new_spanned(
                        field,
                        "a tuple struct's fields are read by position: name the fields to use rename, default or try_from",
                    ));
                }
                values.push(quote!(#private::get_index(&row, #index)?));
            }
            quote!(Self(#(#values,)*))
        }
        Fields::Unit => {
            return Err(syn::Error::new_spanned(&input.ident, "FromRow needs fields to fill from the row's columns"));
        }
    };
    let name = &input.ident;
    let (impl_generics, type_generics, where_clause) = input.generics.split_for_impl();
    Ok(quote! {
        impl #impl_generics #private::FromRow for #name #type_generics #where_clause {
            fn from_row(row: #private::Row) -> ::core::result::Result<Self, #krate::QueryError> {
                ::core::result::Result::Ok(#body)
            }
        }
    })
}

/// How one named field is read.
fn read(private: &TokenStream, field: &Field, attrs: &FieldAttributes, column: &str) -> syn::Result<TokenStream> {
    Ok(match (&attrs.try_from, attrs.default) {
        (Some(_), true) => {
            return Err(syn::Error::new_spanned(field, "a field takes `default` or `try_from`, not both"));
        }
        (Some(source), false) => quote!(#private::get_try_from::<#source, _>(&row, #column)?),
        (None, true) => quote!(#private::get_or_default(&row, #column)?),
        (None, false) => quote!(#private::get(&row, #column)?),
    })
}

/// Where knexrs-query is, as the deriving crate's Cargo.toml names it:
/// `knexrs-query` itself, else the `knexrs` facade's `query` module.
fn query_crate() -> TokenStream {
    let root = |name: &str| {
        let ident = Ident::new(&name.replace('-', "_"), Span::call_site());
        quote!(::#ident)
    };
    match crate_name("knexrs-query") {
        Ok(FoundCrate::Name(name)) => root(&name),
        // Its own doctests are crates of their own that depend on it by name.
        Ok(FoundCrate::Itself) => root("knexrs_query"),
        Err(_) => match crate_name("knexrs") {
            Ok(FoundCrate::Name(name)) => {
                let root = root(&name);
                quote!(#root::query)
            }
            Ok(FoundCrate::Itself) => quote!(::knexrs::query),
            Err(_) => root("knexrs_query"),
        },
    }
}
