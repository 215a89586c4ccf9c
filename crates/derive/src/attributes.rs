//! The `#[knexrs(…)]` attributes, read into plain values (errors point at
//! the attribute that is wrong).

use crate::case::Case;
use syn::{Attribute, LitStr, Path, Type};

/// The struct's attributes.
#[derive(Default)]
pub(crate) struct ContainerAttributes {
    pub(crate) rename_all: Option<Case>,
    pub(crate) krate: Option<Path>,
}

/// A field's attributes.
#[derive(Default)]
pub(crate) struct FieldAttributes {
    pub(crate) rename: Option<String>,
    pub(crate) default: bool,
    pub(crate) try_from: Option<Type>,
}

pub(crate) fn container(attrs: &[Attribute]) -> syn::Result<ContainerAttributes> {
    let mut out = ContainerAttributes::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident("knexrs")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename_all") {
                let value: LitStr = meta.value()?.parse()?;
                let case = Case::parse(&value.value()).ok_or_else(|| {
                    let names: Vec<&str> = Case::NAMES.iter().map(|(n, _)| *n).collect();
                    syn::Error::new(value.span(), format!("rename_all takes one of: {}", names.join(", ")))
                })?;
                out.rename_all = Some(case);
            } else if meta.path.is_ident("crate") {
                let value: LitStr = meta.value()?.parse()?;
                out.krate = Some(value.parse()?);
            } else {
                return Err(meta.error("expected `rename_all = \"…\"` or `crate = \"…\"` on the struct"));
            }
            Ok(())
        })?;
    }
    Ok(out)
}

pub(crate) fn field(attrs: &[Attribute]) -> syn::Result<FieldAttributes> {
    let mut out = FieldAttributes::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident("knexrs")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                out.rename = Some(meta.value()?.parse::<LitStr>()?.value());
            } else if meta.path.is_ident("default") {
                out.default = true;
            } else if meta.path.is_ident("try_from") {
                out.try_from = Some(meta.value()?.parse::<LitStr>()?.parse()?);
            } else {
                return Err(meta.error("expected `rename = \"…\"`, `default` or `try_from = \"…\"` on a field"));
            }
            Ok(())
        })?;
    }
    Ok(out)
}
