//! Shared helpers for the integration tests: building components from WAT.

use hostbind::{Component, Engine, EngineKind};

/// Every engine the suite runs on.
pub fn engines() -> Vec<Engine> {
    vec![Engine::new(EngineKind::Wasmi)]
}

/// Compiles a component written in the WebAssembly text format.
pub fn component(engine: &Engine, wat: &str) -> Component {
    let bytes = wat::parse_str(wat).unwrap_or_else(|e| panic!("invalid WAT: {e}"));
    Component::new(engine, bytes).unwrap_or_else(|e| panic!("component failed to load: {e:#}"))
}

/// A core module with a memory and a bump-allocating `realloc`, for
/// components to instantiate as `$libc`. Allocation starts at 1024.
pub const LIBC: &str = r#"
  (core module $Libc
    (memory (export "memory") 1)
    (global $bump (mut i32) (i32.const 1024))
    (func (export "realloc") (param $old i32) (param $old_size i32) (param $align i32) (param $size i32) (result i32)
      (local $p i32)
      (local.set $p
        (i32.and
          (i32.add (global.get $bump) (i32.sub (local.get $align) (i32.const 1)))
          (i32.sub (i32.const 0) (local.get $align))))
      (global.set $bump (i32.add (local.get $p) (local.get $size)))
      (local.get $p)))
  (core instance $libc (instantiate $Libc))
  (alias core export $libc "memory" (core memory $memory))
  (alias core export $libc "realloc" (core func $realloc))
"#;
