//! The guest every system runs: a core module that loops over host calls,
//! and the component wrapping it for the component-model systems.

/// Calls per batch: the loop runs in the guest, so harness overhead is
/// spread over this many calls.
pub const N: u32 = 1000;

/// A 4096-byte string the host returns.
pub fn big() -> &'static str {
    static BIG: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    BIG.get_or_init(|| "b".repeat(4096))
}

/// The cases: the export each runs, and the loop body calling the host.
pub const CASES: &[(&str, &str)] = &[
    ("noop", "(call $noop)"),
    ("add", "(drop (call $add (local.get $n) (i32.const 1)))"),
    (
        "str16",
        "(drop (call $take-str (i32.const 1024) (i32.const 16)))",
    ),
    (
        "str4096",
        "(drop (call $take-str (i32.const 1024) (i32.const 4096)))",
    ),
    ("make-str4096", "(call $make-str (i32.const 512))"),
    (
        "sum1000",
        "(drop (call $sum (i32.const 8192) (i32.const 1000)))",
    ),
    (
        "record",
        "(drop (call $norm (f64.const 1) (f64.const 2) (f64.const 3)))",
    ),
    ("result", "(call $check (i32.const 512))"),
];

/// The memory and `realloc` of the guest: 2 pages, and a `realloc` that
/// always hands out the block at 0x10000 (each call "frees" the previous one).
const LIBC: &str = r#"(memory (export "memory") 2)
  (func (export "realloc") (param i32 i32 i32 i32) (result i32) (i32.const 0x10000))"#;

/// The core module: the host imports, 4096 `a`s at 1024 (and 1000 zero
/// `u32`s at 8192), one loop per case and `echo`. With `own_memory` it
/// defines the memory and `realloc` (for the hand-written floors); otherwise
/// it imports them from `env` (in the component, so that the lowerings that
/// need them exist before it is instantiated).
pub fn core_module(own_memory: bool) -> String {
    format!("(module {})", core_fields(own_memory))
}

/// The fields of [`core_module`], to embed in a component.
fn core_fields(own_memory: bool) -> String {
    let libc = if own_memory {
        LIBC.to_string()
    } else {
        r#"(import "env" "memory" (memory 2))"#.to_string()
    };
    let mut loops = String::new();
    for (name, body) in CASES {
        loops += &format!(
            "(func (export \"run-{name}\") (param $n i32)
               (loop $l {body} (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))\n"
        );
    }
    format!(
        r#"
  (import "host" "noop" (func $noop))
  (import "host" "add" (func $add (param i32 i32) (result i32)))
  (import "host" "take-str" (func $take-str (param i32 i32) (result i32)))
  (import "host" "make-str" (func $make-str (param i32)))
  (import "host" "sum" (func $sum (param i32 i32) (result i64)))
  (import "host" "norm" (func $norm (param f64 f64 f64) (result f64)))
  (import "host" "check" (func $check (param i32)))
  {libc}
  (data (i32.const 1024) "{}")
  (func (export "echo") (param i32 i32) (result i32)
    (i32.store (i32.const 256) (local.get 0))
    (i32.store (i32.const 260) (local.get 1))
    (i32.const 256))
  {loops}"#,
        "a".repeat(4096)
    )
}

/// The component: imports `test:bench/host`, lowers each import with the
/// memory and realloc of the core module, lifts each loop and `echo`.
pub fn component() -> String {
    let mut exports = String::new();
    for (name, _) in CASES {
        exports += &format!(
            "(func (export \"run-{name}\") (param \"n\" u32) (canon lift (core func $main \"run-{name}\")))\n"
        );
    }
    format!(
        r#"(component
  (import "test:bench/host" (instance $host
    (type $point-def (record (field "x" f64) (field "y" f64) (field "z" f64)))
    (export "point" (type $point (eq $point-def)))
    (export "noop" (func))
    (export "add" (func (param "a" u32) (param "b" u32) (result u32)))
    (export "take-str" (func (param "s" string) (result u32)))
    (export "make-str" (func (result string)))
    (export "sum" (func (param "xs" (list u32)) (result u64)))
    (export "norm" (func (param "p" $point) (result f64)))
    (export "check" (func (result (result u32 (error string)))))))
  (core module $Libc {LIBC})
  (core instance $libc (instantiate $Libc))
  (alias core export $libc "memory" (core memory $memory))
  (alias core export $libc "realloc" (core func $realloc))
  (core module $Main {core})
  (core func $noop (canon lower (func $host "noop")))
  (core func $add (canon lower (func $host "add")))
  (core func $take-str (canon lower (func $host "take-str") (memory $memory)))
  (core func $make-str (canon lower (func $host "make-str") (memory $memory) (realloc $realloc)))
  (core func $sum (canon lower (func $host "sum") (memory $memory)))
  (core func $norm (canon lower (func $host "norm")))
  (core func $check (canon lower (func $host "check") (memory $memory) (realloc $realloc)))
  (core instance $main (instantiate $Main
    (with "env" (instance (export "memory" (memory $memory))))
    (with "host" (instance
      (export "noop" (func $noop)) (export "add" (func $add)) (export "take-str" (func $take-str))
      (export "make-str" (func $make-str)) (export "sum" (func $sum)) (export "norm" (func $norm))
      (export "check" (func $check))))))
  {exports}
  (func (export "echo") (param "s" string) (result string)
    (canon lift (core func $main "echo") (memory $memory) (realloc $realloc))))"#,
        core = core_fields(false)
    )
}

/// The 16-byte string of the export case.
pub const S16: &str = "sixteen bytes ok";
