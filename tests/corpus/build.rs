//! Finds every world of the corpus and writes a `bindgen!` for each one the
//! macro can bind, and the reason for each it cannot, to `worlds.rs`.

use std::collections::HashSet;
use std::fmt::Write;
use std::path::{Path, PathBuf};

use hostbind_expand::naming::{camel, package_module, snake, world_struct};
use wit_parser::{Resolve, Type, TypeDefKind, WorldId, WorldItem};

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let wit = manifest.join("wit");
    println!("cargo::rerun-if-changed=wit");
    let mut roots = Vec::new();
    find_roots(&wit, &mut roots);
    roots.sort();
    let mut out = String::new();
    let mut bound = String::new();
    let mut skipped = String::new();
    // A dependency's world is bound once, from the first root that has it.
    let mut seen: HashSet<String> = HashSet::new();
    let mut n = 0;
    let mut packages: HashSet<String> = HashSet::new();
    for root in expand_roots(&roots) {
        let rel = root
            .strip_prefix(&manifest)
            .expect("under the manifest")
            .to_string_lossy()
            .replace('\\', "/");
        let mut resolve = Resolve::default();
        let main = match resolve.push_path(&root) {
            Ok((main, _)) => main,
            Err(e) => {
                let reason = format!("{e:#}").replace(&format!("{}/", manifest.display()), "");
                let _ = writeln!(
                    skipped,
                    "    Skipped {{ root: {rel:?}, world: \"\", reason: {reason:?} }},"
                );
                continue;
            }
        };
        packages.extend(resolve.packages.iter().map(|(_, p)| p.name.to_string()));
        let mut ids: Vec<WorldId> = resolve.worlds.iter().map(|(id, _)| id).collect();
        ids.sort_by_key(|id| qualified(&resolve, *id));
        for id in ids {
            let name = qualified(&resolve, id);
            let in_main = resolve.worlds[id].package == Some(main);
            if !in_main && !seen.insert(name.clone()) {
                continue;
            }
            if let Some(reason) = unsupported(&resolve, id) {
                let _ = writeln!(
                    skipped,
                    "    Skipped {{ root: {rel:?}, world: {name:?}, reason: {reason:?} }},"
                );
                continue;
            }
            let module = format!("w{n:03}");
            let ty = world_struct(&resolve, id);
            let _ = writeln!(
                out,
                "#[doc = {doc:?}]\npub mod {module} {{\n    hostbind::bindgen!({{ path: {rel:?}, world: {name:?} }});\n}}\n",
                doc = format!("`{name}`, from `{rel}`."),
            );
            let defines = resource_defines(&resolve, id, &module);
            let _ = writeln!(
                bound,
                "    Bound {{ root: {rel:?}, world: {name:?}, resources: |_l| {{ {defines}Ok(()) }}, instantiate: |s, c, l| {module}::{ty}::instantiate(s, c, l).map(drop) }},"
            );
            n += 1;
        }
    }
    let lines = wit_lines(&wit);
    let _ = writeln!(
        out,
        "/// The packages the corpus holds (each version apart).\npub const PACKAGES: usize = {};\n/// The lines of WIT in the corpus, blank lines and comments included.\npub const WIT_LINES: usize = {lines};\n",
        packages.len()
    );
    let _ = write!(
        out,
        "/// Every world `bindgen!` binds, with its bindings' `instantiate`.\npub static BOUND: &[Bound] = &[\n{bound}];\n\n/// Every world left out, and why.\npub static SKIPPED: &[Skipped] = &[\n{skipped}];\n"
    );
    let dest = PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo")).join("worlds.rs");
    std::fs::write(dest, out).expect("OUT_DIR is writable");
}

/// Directories holding `.wit` files of their own, outside any `deps/`: each
/// is one WIT directory, its `deps/` resolved with it.
fn find_roots(dir: &Path, roots: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut subdirs = Vec::new();
    let mut has_wit = false;
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            if p.file_name().is_some_and(|n| n != "deps") {
                subdirs.push(p);
            }
        } else if p.extension().is_some_and(|x| x == "wit") {
            has_wit = true;
        }
    }
    if has_wit {
        roots.push(dir.to_path_buf());
    } else {
        for s in subdirs {
            find_roots(&s, roots);
        }
    }
}

/// Each root as wit-parser reads it: the directory, or, where its files
/// are packages of their own (not one package split over files), each
/// file, as wit-bindgen's test runner reads `test.wit` beside `other.wit`.
fn expand_roots(roots: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for root in roots {
        if Resolve::default().push_dir(root).is_ok() {
            out.push(root.clone());
            continue;
        }
        let mut files: Vec<PathBuf> = std::fs::read_dir(root)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "wit"))
            .collect();
        files.sort();
        let each_alone = files.len() > 1
            && files
                .iter()
                .all(|f| Resolve::default().push_file(f).is_ok());
        if each_alone {
            out.extend(files);
        } else {
            out.push(root.clone());
        }
    }
    out
}

/// The lines of every `.wit` file under `dir`.
fn wit_lines(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| e.path())
        .map(|p| {
            if p.is_dir() {
                wit_lines(&p)
            } else if p.extension().is_some_and(|x| x == "wit") {
                std::fs::read_to_string(&p).map_or(0, |s| s.lines().count())
            } else {
                0
            }
        })
        .sum()
}

/// Statements defining each resource world `id` imports in linker `_l`,
/// as the Rust type its bindings in `module` generate for it (with a
/// destructor that does nothing): what a host's `add_to_linker` defines
/// besides its functions, so that exports taking the host's resources
/// typecheck against the bindings.
fn resource_defines(resolve: &Resolve, id: WorldId, module: &str) -> String {
    let world = &resolve.worlds[id];
    let mut out = String::new();
    for (key, item) in &world.imports {
        match item {
            WorldItem::Interface { id: iface_id, .. } => {
                let iface = &resolve.interfaces[*iface_id];
                let path = match (iface.package, &iface.name) {
                    (Some(pkg), Some(name)) => {
                        let p = &resolve.packages[pkg].name;
                        let pkg_mod = package_module(resolve, pkg);
                        format!("{}::{pkg_mod}::{}", snake(&p.namespace), snake(name))
                    }
                    _ => snake(&resolve.name_world_key(key)),
                };
                let full = resolve.name_world_key(key);
                for (tname, tid) in &iface.types {
                    if matches!(resolve.types[*tid].kind, TypeDefKind::Resource) {
                        let _ = write!(
                            out,
                            "_l.instance({full:?})?.resource::<{module}::{path}::{}>({tname:?}, |_, _| Ok(()))?; ",
                            camel(tname)
                        );
                    }
                }
            }
            WorldItem::Type { id: tid, .. }
                if matches!(resolve.types[*tid].kind, TypeDefKind::Resource) =>
            {
                let tname = resolve.types[*tid].name.clone().unwrap_or_default();
                let _ = write!(
                    out,
                    "_l.root().resource::<{module}::{}>({tname:?}, |_, _| Ok(()))?; ",
                    camel(&tname)
                );
            }
            _ => {}
        }
    }
    out
}

/// `ns:pkg/world@version`.
fn qualified(resolve: &Resolve, id: WorldId) -> String {
    let w = &resolve.worlds[id];
    let Some(p) = w.package else {
        return w.name.clone();
    };
    let p = &resolve.packages[p].name;
    match &p.version {
        Some(v) => format!("{}:{}/{}@{v}", p.namespace, p.name, w.name),
        None => format!("{}:{}/{}", p.namespace, p.name, w.name),
    }
}

/// Why `bindgen!` cannot bind world `id` yet, if it cannot: the WIT
/// features it does not support, found in the world's functions and in
/// every type they and its interfaces reach.
fn unsupported(resolve: &Resolve, id: WorldId) -> Option<String> {
    let world = &resolve.worlds[id];
    let mut found: Vec<&'static str> = Vec::new();
    let mut seen = HashSet::new();
    let mut funcs = Vec::new();
    let mut types = Vec::new();
    for item in world.imports.values().chain(world.exports.values()) {
        match item {
            WorldItem::Interface { id, .. } => {
                let iface = &resolve.interfaces[*id];
                funcs.extend(iface.functions.values());
                types.extend(iface.types.values().map(|t| Type::Id(*t)));
            }
            WorldItem::Function(f) => funcs.push(f),
            WorldItem::Type { id, .. } => types.push(Type::Id(*id)),
        }
    }
    for f in funcs {
        types.extend(f.params.iter().map(|p| p.ty));
        types.extend(f.result);
    }
    if exports_two_guest_resources(resolve, world) {
        note(
            &mut found,
            "an exported function over two resource types of the guest",
        );
    }
    for t in types {
        walk(resolve, t, &mut seen, &mut found);
    }
    (!found.is_empty()).then(|| found.join(", "))
}

/// Whether a function of an exported interface has handles of two
/// resource types that interface defines in its params and results (out
/// of streams and futures): a typed export call stands for the guest's
/// resources with one `ResourceAny` type.
fn exports_two_guest_resources(resolve: &Resolve, world: &wit_parser::World) -> bool {
    world.exports.values().any(|item| {
        let WorldItem::Interface { id, .. } = item else {
            return false;
        };
        resolve.interfaces[*id].functions.values().any(|f| {
            let mut found = HashSet::new();
            let tys = f.params.iter().map(|p| p.ty).chain(f.result);
            for t in tys {
                guest_handles(resolve, t, *id, &mut found, &mut HashSet::new());
            }
            found.len() > 1
        })
    })
}

fn guest_handles(
    resolve: &Resolve,
    t: Type,
    iface: wit_parser::InterfaceId,
    found: &mut HashSet<wit_parser::TypeId>,
    seen: &mut HashSet<wit_parser::TypeId>,
) {
    let Type::Id(id) = t else { return };
    if !seen.insert(id) {
        return;
    }
    let mut inner: Vec<Type> = Vec::new();
    match &resolve.types[id].kind {
        TypeDefKind::Handle(wit_parser::Handle::Own(r) | wit_parser::Handle::Borrow(r)) => {
            let mut r = *r;
            while let TypeDefKind::Type(Type::Id(next)) = resolve.types[r].kind {
                r = next;
            }
            if resolve.types[r].owner == wit_parser::TypeOwner::Interface(iface) {
                found.insert(r);
            }
        }
        TypeDefKind::Record(r) => inner.extend(r.fields.iter().map(|f| f.ty)),
        TypeDefKind::Variant(v) => inner.extend(v.cases.iter().filter_map(|c| c.ty)),
        TypeDefKind::Tuple(t) => inner.extend(t.types.iter().copied()),
        TypeDefKind::Option(t) | TypeDefKind::List(t) | TypeDefKind::Type(t) => inner.push(*t),
        TypeDefKind::Result(r) => inner.extend(r.ok.iter().chain(r.err.iter()).copied()),
        _ => {}
    }
    for t in inner {
        guest_handles(resolve, t, iface, found, seen);
    }
}

fn note(found: &mut Vec<&'static str>, what: &'static str) {
    if !found.contains(&what) {
        found.push(what);
    }
}

/// Notes the unsupported kinds of type in `t` and in every type it holds.
fn walk(
    resolve: &Resolve,
    t: Type,
    seen: &mut HashSet<wit_parser::TypeId>,
    found: &mut Vec<&'static str>,
) {
    let id = match t {
        Type::Id(id) => id,
        _ => return,
    };
    if !seen.insert(id) {
        return;
    }
    let mut inner: Vec<Type> = Vec::new();
    match &resolve.types[id].kind {
        TypeDefKind::Future(t) | TypeDefKind::Stream(t) => inner.extend(*t),
        TypeDefKind::Map(k, v) => {
            note(found, "map");
            inner.extend([*k, *v]);
        }
        TypeDefKind::FixedLengthList(t, _) => {
            note(found, "fixed-length lists");
            inner.push(*t);
        }
        TypeDefKind::Record(r) => inner.extend(r.fields.iter().map(|f| f.ty)),
        TypeDefKind::Variant(v) => inner.extend(v.cases.iter().filter_map(|c| c.ty)),
        TypeDefKind::Tuple(t) => inner.extend(t.types.iter().copied()),
        TypeDefKind::Option(t) | TypeDefKind::List(t) | TypeDefKind::Type(t) => inner.push(*t),
        TypeDefKind::Result(r) => inner.extend(r.ok.iter().chain(r.err.iter()).copied()),
        TypeDefKind::Handle(wit_parser::Handle::Own(r) | wit_parser::Handle::Borrow(r)) => {
            inner.push(Type::Id(*r))
        }
        _ => {}
    }
    for t in inner {
        walk(resolve, t, seen, found);
    }
}
