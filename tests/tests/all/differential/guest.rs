//! The component a differential case runs: it exports `run: func(x: T) -> T`,
//! which passes `x` through the host's `echo: func(x: T) -> T` and returns
//! what came back, and `set-corrupt`, which makes the next `run` damage one
//! byte of guest memory or one flat param before or after the host call.

use super::random::{Core, Ty, flatten, wat};

/// Where `run` puts the results of `echo` when they do not fit one flat
/// value; the types the generator makes take far less than 1 KiB there.
const RETPTR: u32 = 1024;
/// Where the guest's allocator starts.
const HEAP: u32 = 2048;

/// The component's text, for values of `ty` in string `encoding`. With
/// `copying` false, the guest's `realloc` hands out a fresh block without
/// moving the old one's bytes, which the spec lets a guest do: a runtime
/// must then read what is at the new pointer, not what it wrote before.
pub fn component(ty: &Ty, encoding: &str, copying: bool) -> String {
    let copy = if copying {
        "(if (local.get $old) (then (memory.copy (local.get $p) (local.get $old) (local.get $osz))))"
    } else {
        ""
    };
    let mut defs = Vec::new();
    let t = wat(ty, &mut defs);
    let aliases: String = (0..defs.len())
        .map(|i| format!("  (alias export $api \"t{i}\" (type $t{i}))\n"))
        .collect();
    let mut params = Vec::new();
    flatten(ty, &mut params);
    let mut results = params.clone();
    let spill_params = params.len() > 16;
    if spill_params {
        params = vec![Core::I32];
    }
    let retptr = results.len() > 1;
    let list = |cs: &[Core]| cs.iter().map(|c| c.wat()).collect::<Vec<_>>().join(" ");
    let (echo_params, echo_results, run_results) = if retptr {
        let mut p = params.clone();
        p.push(Core::I32);
        (p, vec![], vec![Core::I32])
    } else {
        (
            params.clone(),
            results.clone(),
            std::mem::take(&mut results),
        )
    };
    let args: String = params
        .iter()
        .enumerate()
        .map(|(k, c)| match c {
            // The param `set-corrupt` picked is damaged with its mask.
            Core::I32 => format!(
                "(if (result i32) (i32.eq (global.get $pick) (i32.const {k})) (then (i32.xor (local.get {k}) (global.get $pmask))) (else (local.get {k}))) "
            ),
            _ => format!("(local.get {k}) "),
        })
        .collect();
    let (local, call, ret) = match (retptr, run_results.first()) {
        (true, _) => (
            String::new(),
            format!("{args} (i32.const {RETPTR}) (call $echo)"),
            format!("(i32.const {RETPTR})"),
        ),
        (false, Some(r)) => (
            format!("(local $r {})", r.wat()),
            format!("{args} (call $echo) (local.set $r)"),
            "(local.get $r)".to_string(),
        ),
        (false, None) => (String::new(), format!("{args} (call $echo)"), String::new()),
    };
    let p = |cs: &[Core]| {
        if cs.is_empty() {
            String::new()
        } else {
            format!("(param {})", list(cs))
        }
    };
    let r = |cs: &[Core]| {
        if cs.is_empty() {
            String::new()
        } else {
            format!("(result {})", list(cs))
        }
    };
    let defs = defs.join("\n    ");
    format!(
        r#"(component
  (import "test:diff/api" (instance $api
    {defs}
    (export "echo" (func (param "x" {t}) (result {t})))))
{aliases}  (core module $Libc
    (memory (export "memory") 1)
    (global $bump (mut i32) (i32.const {HEAP}))
    (global $when (mut i32) (i32.const 0))
    (global $off (mut i32) (i32.const 0))
    (global $mask (mut i32) (i32.const 0))
    (global $pick (export "pick") (mut i32) (i32.const -1))
    (global $pmask (export "pmask") (mut i32) (i32.const 0))
    ;; A bump allocator; it copies when it grows a block if `copying`.
    (func (export "realloc") (param $old i32) (param $osz i32) (param $al i32) (param $nsz i32) (result i32)
      (local $p i32)
      (if (i32.and (i32.ne (local.get $old) (i32.const 0)) (i32.le_u (local.get $nsz) (local.get $osz)))
        (then (return (local.get $old))))
      (local.set $p (i32.and
        (i32.add (global.get $bump) (i32.sub (local.get $al) (i32.const 1)))
        (i32.sub (i32.const 0) (local.get $al))))
      (global.set $bump (i32.add (local.get $p) (local.get $nsz)))
      (block $ok (loop $grow
        (br_if $ok (i32.le_u (global.get $bump) (i32.mul (memory.size) (i32.const 65536))))
        (if (i32.eq (memory.grow (i32.const 1)) (i32.const -1)) (then unreachable))
        (br $grow)))
      {copy}
      (local.get $p))
    (func (export "set-corrupt") (param i32 i32 i32 i32 i32)
      (global.set $when (local.get 0))
      (global.set $off (local.get 1))
      (global.set $mask (local.get 2))
      (global.set $pick (local.get 3))
      (global.set $pmask (local.get 4)))
    ;; At step `w` (1 before the host call, 2 after), flips bits of one byte
    ;; of what the guest holds: the return area or what was allocated.
    (func (export "corrupt") (param $w i32)
      (local $len i32) (local $a i32)
      (if (i32.ne (local.get $w) (global.get $when)) (then return))
      (if (i32.eqz (global.get $mask)) (then return))
      (local.set $len (i32.sub (global.get $bump) (i32.const {RETPTR})))
      (local.set $a (i32.add (i32.const {RETPTR}) (i32.rem_u (global.get $off) (local.get $len))))
      (i32.store8 (local.get $a) (i32.xor (i32.load8_u (local.get $a)) (global.get $mask)))))
  (core instance $libc (instantiate $Libc))
  (alias core export $libc "memory" (core memory $mem))
  (alias core export $libc "realloc" (core func $realloc))
  (core func $echo (canon lower (func $api "echo") (memory $mem) (realloc $realloc) {encoding}))
  (core module $Main
    (import "libc" "corrupt" (func $corrupt (param i32)))
    (import "libc" "pick" (global $pick (mut i32)))
    (import "libc" "pmask" (global $pmask (mut i32)))
    (import "api" "echo" (func $echo {echo_p} {echo_r}))
    (func (export "run") {run_p} {run_r} {local}
      (call $corrupt (i32.const 1))
      {call}
      (call $corrupt (i32.const 2))
      {ret}))
  (core instance $main (instantiate $Main
    (with "libc" (instance $libc))
    (with "api" (instance (export "echo" (func $echo))))))
  (func $run (param "x" {t}) (result {t})
    (canon lift (core func $main "run") (memory $mem) (realloc $realloc) {encoding}))
  (export "run" (func $run))
  (func $set (param "when" u32) (param "off" u32) (param "mask" u32) (param "pick" u32) (param "pmask" u32)
    (canon lift (core func $libc "set-corrupt")))
  (export "set-corrupt" (func $set)))"#,
        echo_p = p(&echo_params),
        echo_r = r(&echo_results),
        run_p = p(&params),
        run_r = r(&run_results),
    )
}

/// Two of these guests composed: the outer one's `echo` is the inner one's
/// `run`, so each value crosses a fused adapter between the two components
/// (with their own string encodings) on its way to the host and back.
pub fn composed(ty: &Ty, outer: &str, inner: &str, copying: bool) -> String {
    let mut defs = Vec::new();
    let t = wat(ty, &mut defs);
    let n = defs.len();
    let aliases: String = (0..n)
        .map(|i| format!("  (alias export $api \"t{i}\" (type $t{i}))\n"))
        .collect();
    let shim_types: String = (0..n)
        .map(|i| format!(" (export \"t{i}\" (type $t{i}))"))
        .collect();
    let nest = |id: &str, text: String| text.replacen("(component", &format!("(component {id}"), 1);
    let defs = defs.join("\n    ");
    format!(
        r#"(component
  (import "test:diff/api" (instance $api
    {defs}
    (export "echo" (func (param "x" {t}) (result {t})))))
{aliases}  {inner_c}
  (instance $lib (instantiate $Inner (with "test:diff/api" (instance $api))))
  (alias export $lib "run" (func $lib-run))
  (instance $shim{shim_types} (export "echo" (func $lib-run)))
  {outer_c}
  (instance $app (instantiate $Outer (with "test:diff/api" (instance $shim))))
  (alias export $app "run" (func $run))
  (alias export $app "set-corrupt" (func $set))
  (export "run" (func $run))
  (export "set-corrupt" (func $set)))"#,
        inner_c = nest("$Inner", component(ty, inner, copying)),
        outer_c = nest("$Outer", component(ty, outer, copying)),
    )
}
