//! Every diagnostic of the macros, as trybuild compile-fail cases with
//! `.stderr` snapshots (re-bless with `TRYBUILD=overwrite`), plus cases that
//! must compile.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/host_fn/*.rs");
    t.compile_fail("tests/derive/*.rs");
    t.compile_fail("tests/wit/*.rs");
    t.compile_fail("tests/flags/*.rs");
    t.compile_fail("tests/bindgen/*.rs");
    t.pass("tests/pass/*.rs");
}
