//! Checks on a component binary, before wasmtime-environ translates it, for
//! inputs that the validator accepts but environ cannot translate.
//!
//! Component-model labels compare without regard to case, so the validator
//! lets a record with a field `F0` stand for one with `f0`. environ's
//! adapter generator looks fields up by their exact names and panics, and
//! a second panic while that one unwinds aborts the process, which no
//! `catch_unwind` can stop. Such a component is refused here instead.

use std::collections::HashMap;

use anyhow::bail;
use wasmtime_environ::wasmparser::{
    ComponentDefinedType, ComponentType, ComponentTypeDeclaration, InstanceTypeDeclaration, Parser,
    Payload,
};

use crate::error::Result;

/// Label lists by their case-folded form, with the first spelling seen.
#[derive(Default)]
struct Labels(HashMap<String, String>);

impl Labels {
    fn add<'a>(&mut self, kind: &str, labels: impl Iterator<Item = &'a str>) -> Result<()> {
        let exact: Vec<&str> = labels.collect();
        let exact = exact.join(", ");
        let folded = exact.to_lowercase();
        match self.0.get(&folded) {
            Some(seen) if *seen != exact => bail!(
                "the component has {kind} types whose labels differ only in case ({seen} and {exact}); hostbind cannot pass values between them"
            ),
            Some(_) => {}
            None => {
                self.0.insert(folded, exact);
            }
        }
        Ok(())
    }

    fn ty(&mut self, ty: &ComponentType<'_>) -> Result<()> {
        match ty {
            ComponentType::Defined(d) => self.defined(d),
            ComponentType::Component(decls) => decls.iter().try_for_each(|d| match d {
                ComponentTypeDeclaration::Type(t) => self.ty(t),
                _ => Ok(()),
            }),
            ComponentType::Instance(decls) => decls.iter().try_for_each(|d| match d {
                InstanceTypeDeclaration::Type(t) => self.ty(t),
                _ => Ok(()),
            }),
            _ => Ok(()),
        }
    }

    fn defined(&mut self, d: &ComponentDefinedType<'_>) -> Result<()> {
        match d {
            ComponentDefinedType::Record(fields) => {
                self.add("record", fields.iter().map(|(n, _)| *n))
            }
            ComponentDefinedType::Variant(cases) => {
                self.add("variant", cases.iter().map(|c| c.name))
            }
            ComponentDefinedType::Enum(names) => self.add("enum", names.iter().copied()),
            ComponentDefinedType::Flags(names) => self.add("flags", names.iter().copied()),
            _ => Ok(()),
        }
    }
}

/// Refuses what environ would panic on; anything malformed is left for the
/// validator to report.
pub(crate) fn check(bytes: &[u8]) -> Result<()> {
    header(bytes)?;
    let mut labels = Labels::default();
    for payload in Parser::new(0).parse_all(bytes) {
        let Ok(payload) = payload else {
            return Ok(());
        };
        if let Payload::ComponentTypeSection(reader) = payload {
            for ty in reader {
                let Ok(ty) = ty else {
                    return Ok(());
                };
                labels.ty(&ty)?;
            }
        }
    }
    Ok(())
}

/// Names what the bytes are when they are not a component at all, instead
/// of the validator's dump of the magic number it expected.
fn header(bytes: &[u8]) -> Result<()> {
    const MAGIC: &[u8] = b"\0asm";
    if bytes.starts_with(MAGIC) {
        // A core module has version 1 in layer 0; a component, layer 1.
        if bytes.get(4..8) == Some(&[1, 0, 0, 0]) {
            bail!(
                "this is a core WebAssembly module, not a component (make one with `wasm-tools component new`)"
            );
        }
        return Ok(());
    }
    if super::text::is_text(bytes) {
        bail!(
            "this is WebAssembly text, not a binary component: turn on hostbind's `wat` feature, or parse it first (the `wat` crate's `parse_str`)"
        );
    }
    if bytes.is_empty() {
        bail!("this is not a WebAssembly component: it is empty");
    }
    let start: String = bytes
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ");
    anyhow::bail!(
        "this is not a WebAssembly component (magic header not detected): it starts with the bytes `{start}`, not `00 61 73 6d` (`\\0asm`)"
    )
}
