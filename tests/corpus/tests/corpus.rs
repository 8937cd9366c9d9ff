//! The corpus of public WIT, bound by `bindgen!`: every world the build
//! script lists as bound compiled with this crate; here each one's bindings
//! instantiate a component of the world, and each world left out is shown
//! to fail in `bindgen!` for the reason the list gives.

use std::path::Path;

use hostbind::{Component, Linker, Store};
use hostbind_corpus::{BOUND, PACKAGES, SKIPPED, WIT_LINES};
use hostbind_tests::{dummy_component, engines};
use wit_parser::{Resolve, WorldId};

/// The world `name` (`ns:pkg/world@version`) of the WIT at `root`.
fn world(root: &str, name: &str) -> (Resolve, WorldId) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(root);
    let mut resolve = Resolve::default();
    let (main, _) = resolve
        .push_path(&dir)
        .unwrap_or_else(|e| panic!("{root}: {e:#}"));
    let id = resolve
        .select_world(&[main], Some(name))
        .unwrap_or_else(|e| panic!("{root}: {name}: {e:#}"));
    (resolve, id)
}

#[test]
fn the_corpus_is_what_the_note_says() {
    let left_out = SKIPPED.iter().filter(|s| !s.world.is_empty()).count();
    let unresolved = SKIPPED.len() - left_out;
    println!(
        "corpus: {PACKAGES} packages, {} worlds ({} bound, {left_out} left out), {WIT_LINES} lines of WIT, {unresolved} directory(ies) whose WIT does not resolve",
        BOUND.len() + left_out,
        BOUND.len(),
    );
    for s in SKIPPED {
        println!("left out: {} {}: {}", s.root, s.world, s.reason);
    }
    // WASI 0.2's worlds are all bound, and every one of the public
    // platforms' worlds that uses no async.
    for w in [
        "wasi:cli/command@0.2.12",
        "wasi:cli/imports@0.2.12",
        "wasi:http/proxy@0.2.12",
        "wasi:http/imports@0.2.12",
        "wasi:sockets/imports@0.2.12",
        "wasi:filesystem/imports@0.2.12",
        "wasi:keyvalue/imports@0.2.0-draft2",
        "wasi:config/imports@0.2.0-draft",
        "wasi:blobstore/imports@0.2.0-draft",
        "wasi:messaging/imports@0.2.0-draft",
        "wasi:logging/imports@0.1.0-draft",
        "wasmcloud:runtime/http-server@0.1.0",
        "wasmcloud:runtime/postgres@0.1.0",
        "fermyon:spin/http-trigger@3.0.0",
    ] {
        assert!(
            BOUND.iter().any(|b| b.world == w),
            "{w} is not bound; bound: {}",
            BOUND.iter().map(|b| b.world).collect::<Vec<_>>().join(", ")
        );
    }
    assert!(BOUND.len() >= 200, "{} worlds bound", BOUND.len());
}

#[test]
fn every_bound_world_instantiates_a_component_of_it() {
    for engine in engines() {
        for b in BOUND {
            let (resolve, id) = world(b.root, b.world);
            let bytes = dummy_component(&resolve, id);
            let what = format!("{} ({}) on {:?}", b.world, b.root, engine.kind());
            let c = Component::new(&engine, bytes).unwrap_or_else(|e| panic!("{what}: {e:#}"));
            let mut linker = Linker::new(&engine);
            (b.resources)(&mut linker).unwrap_or_else(|e| panic!("{what}: {e:#}"));
            linker
                .define_unknown_imports_as_traps(&c)
                .unwrap_or_else(|e| panic!("{what}: {e:#}"));
            let mut store = Store::new(&engine, ());
            (b.instantiate)(&mut store, &c, &linker).unwrap_or_else(|e| panic!("{what}: {e:#}"));
        }
    }
}

#[test]
fn every_world_left_out_fails_in_bindgen_for_its_reason() {
    for s in SKIPPED {
        let input = if s.world.is_empty() {
            format!("{{ path: {:?} }}", s.root)
        } else {
            format!("{{ path: {:?}, world: {:?} }}", s.root, s.world)
        };
        let out = hostbind_expand::bindgen(input.parse().expect("tokens")).to_string();
        let expected = if s.world.is_empty() {
            "invalid WIT"
        } else {
            "does not support"
        };
        assert!(
            out.starts_with(":: core :: compile_error") && out.contains(expected),
            "{} {} was left out ({}), but bindgen! gives: {}",
            s.root,
            s.world,
            s.reason,
            &out[..out.len().min(300)]
        );
    }
}
