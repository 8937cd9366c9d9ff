//! The interface instances of a world, each with its side, Rust module and
//! the names components and generated methods know it by.

use std::collections::HashMap;

use quote::format_ident;
use wit_parser::{InterfaceId, PackageId, Resolve, World, WorldItem, WorldKey};

use super::names::snake;
use super::types::Side;

/// One interface of the world, on one side: an interface both imported and
/// exported is two of these.
pub(super) struct Iface {
    pub(super) id: InterfaceId,
    pub(super) side: Side,
    /// Its module, from the macro's scope: `ns::pkg::iface` for imports,
    /// under `exports::` for exports; an unnamed interface's is its name in
    /// the world.
    pub(super) path: Vec<syn::Ident>,
    /// The name components import or export it by: `ns:pkg/iface@1.2.3`,
    /// or the world's name for an unnamed interface.
    pub(super) full: String,
    /// A name unique among the world's exports, for the views and `call_*`
    /// methods of an exported interface: the interface's own name unless
    /// another export shares it (two versions of one package, two packages
    /// with an interface of one name).
    pub(super) short: String,
}

/// Every interface `world` imports, then every one it exports.
pub(super) fn collect(resolve: &Resolve, world: &World) -> Vec<Iface> {
    let mut out = Vec::new();
    for (side, items) in [
        (Side::Import, &world.imports),
        (Side::Export, &world.exports),
    ] {
        for (key, item) in items {
            let WorldItem::Interface { id, .. } = item else {
                continue;
            };
            let iface = &resolve.interfaces[*id];
            let mut path = match side {
                Side::Import => Vec::new(),
                Side::Export => vec![format_ident!("exports")],
            };
            let short = match (iface.package, &iface.name, key) {
                (Some(pkg), Some(name), _) => {
                    let p = &resolve.packages[pkg].name;
                    path.push(snake(&p.namespace));
                    path.push(package_module(resolve, pkg));
                    path.push(snake(name));
                    name.clone()
                }
                (_, _, WorldKey::Name(n)) => {
                    path.push(snake(n));
                    n.clone()
                }
                // wit-parser names every interface a world reaches by id.
                (_, _, WorldKey::Interface(_)) => continue,
            };
            out.push(Iface {
                id: *id,
                side,
                path,
                full: resolve.name_world_key(key),
                short,
            });
        }
    }
    disambiguate(&mut out);
    out
}

/// Qualifies the short names that several exports share with their
/// package's module, then with its namespace too.
fn disambiguate(ifaces: &mut [Iface]) {
    for qualify in [2, 3] {
        let mut count: HashMap<String, usize> = HashMap::new();
        for i in ifaces.iter().filter(|i| i.side == Side::Export) {
            *count.entry(i.short.clone()).or_default() += 1;
        }
        for i in ifaces.iter_mut().filter(|i| i.side == Side::Export) {
            // Only named interfaces have a package to qualify with.
            if count[&i.short] > 1 && i.path.len() == 4 {
                let parts: Vec<String> = i.path[4 - qualify..]
                    .iter()
                    .map(|p| p.to_string().trim_start_matches("r#").to_string())
                    .collect();
                i.short = parts.join("-").replace('_', "-");
            }
        }
    }
}

/// A package's module: its name, with its version when the WIT holds
/// several versions of the package (`dep0_1_0`, `dep0_2_0`), as wasmtime's
/// `bindgen!` names them, so that each version has a module of its own.
pub(crate) fn package_module(resolve: &Resolve, pkg: PackageId) -> syn::Ident {
    let name = &resolve.packages[pkg].name;
    let versions = resolve
        .packages
        .iter()
        .filter(|(_, p)| p.name.namespace == name.namespace && p.name.name == name.name)
        .count();
    match &name.version {
        Some(v) if versions > 1 => {
            let v = v.to_string().replace(['.', '-', '+'], "_");
            snake(&format!("{}{v}", name.name))
        }
        _ => snake(&name.name),
    }
}
