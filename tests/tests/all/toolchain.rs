//! A composed component built by real toolchains: two C components (clang,
//! wasi-libc and wit-bindgen's C bindings) plugged together with `wac plug`,
//! from `tests/guests/composed`. Strings cross the inner boundary between a
//! UTF-8 app and a UTF-16 library, lists of strings both ways, and a
//! resource of the library is created, lent, moved and destroyed by the app.

use hostbind::{Linker, Store};
use hostbind_tests::engines;

// `::hostbind`: the bindings define a module `hostbind` for the WIT namespace.
mod bindings {
    ::hostbind::bindgen!({ path: "guests/composed/wit", world: "composed" });
}

use bindings::{Composed, Report};

/// Built by `tests/guests/composed/build.sh`.
const COMPOSED: &[u8] = include_bytes!("../../guests/composed/composed.wasm");

/// What the app logged through `hostbind:compose/host`.
#[derive(Default)]
struct Host {
    log: Vec<String>,
}

impl bindings::hostbind::compose::host::Host for Host {
    fn log(&mut self, message: &str) {
        self.log.push(message.to_owned());
    }
}

/// Non-ASCII in one, two, three and four UTF-8 bytes (the last a surrogate
/// pair in UTF-16), and runs of whitespace.
const INPUT: &str = "héllo  wörld\thello 世界 🎉party\nhello";

fn expected(dropped: u32) -> Report {
    let words = ["HéLLO", "WöRLD", "HELLO", "世界", "🎉PARTY", "HELLO"];
    Report {
        words: words.iter().map(|w| w.to_string()).collect(),
        joined: words.join("-"),
        // Six words in the first tally, the first of them again in the second.
        total: 7,
        name: "merged".to_owned(),
        dropped,
    }
}

#[test]
fn the_composed_c_guest_runs_through_bindgen() {
    for engine in engines() {
        let component = hostbind::Component::new(&engine, COMPOSED).unwrap();
        let mut linker = Linker::<Host>::new(&engine);
        Composed::add_to_linker(&mut linker, |h| h).unwrap();
        let mut store = Store::new(&engine, Host::default());
        let guest = Composed::instantiate(&mut store, &component, &linker).unwrap();

        // Each run destroys three tallies in the library: the one `merge`
        // consumed, and the two the app drops after it.
        assert_eq!(guest.call_run(&mut store, INPUT).unwrap(), expected(3));
        assert_eq!(guest.call_run(&mut store, INPUT).unwrap(), expected(6));
        assert_eq!(
            guest.call_run(&mut store, "").unwrap().words,
            Vec::<String>::new()
        );
        assert_eq!(guest.call_count(&mut store, INPUT).unwrap(), 6);
        assert_eq!(guest.call_count(&mut store, " \t\n").unwrap(), 0);

        let joined = expected(0).joined;
        assert_eq!(
            store.data().log,
            [
                format!("run: {INPUT}"),
                format!("joined: {joined}"),
                format!("run: {INPUT}"),
                format!("joined: {joined}"),
                "run: ".to_owned(),
                "joined: ".to_owned(),
            ]
        );
    }
}

/// wasmtime's own component model, running the same binary, agrees.
#[test]
fn wasmtime_agrees_on_the_composed_c_guest() {
    use wasmtime::component::{Component, Linker, Val};
    let engine = wasmtime::Engine::default();
    let component = Component::new(&engine, COMPOSED).unwrap();
    let mut linker = Linker::<Vec<String>>::new(&engine);
    linker
        .instance("hostbind:compose/host@0.1.0")
        .unwrap()
        .func_wrap("log", |mut cx, (m,): (String,)| {
            cx.data_mut().push(m);
            Ok(())
        })
        .unwrap();
    let mut store = wasmtime::Store::new(&engine, Vec::new());
    let instance = linker.instantiate(&mut store, &component).unwrap();
    let run = instance.get_func(&mut store, "run").unwrap();
    let mut out = [Val::Bool(false)];
    run.call(&mut store, &[Val::String(INPUT.into())], &mut out)
        .unwrap();
    let Val::Record(fields) = &out[0] else {
        panic!("{out:?}")
    };
    let want = expected(3);
    let words: Vec<Val> = want.words.iter().map(|w| Val::String(w.clone())).collect();
    assert_eq!(
        fields,
        &[
            ("words".to_owned(), Val::List(words)),
            ("joined".to_owned(), Val::String(want.joined.clone())),
            ("total".to_owned(), Val::U32(want.total)),
            ("name".to_owned(), Val::String(want.name)),
            ("dropped".to_owned(), Val::U32(3)),
        ]
    );
    assert_eq!(store.data().len(), 2);
}
