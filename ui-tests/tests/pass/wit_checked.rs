//! Host functions checked against WIT at compile time, of several type kinds.

use hostbind::{Borrow, ComponentType, Lift, Linker, Lower, Resource, host_fn};


#[derive(ComponentType, Lift, Lower)]
struct Point {
    x: i32,
    y: i32,
}

struct Counter;

#[host_fn(inline = "package test:host;
interface api {
  record point { x: s32, y: s32 }
  resource counter;
  log: func(level: u32, msg: string);
  move-to: func(p: point, tags: list<string>) -> result<u32, string>;
  new-counter: func() -> counter;
  peek: func(c: borrow<counter>) -> option<u64>;
}", import = "test:host/api#log")]
fn log(level: u32, msg: &str) {
    let _ = (level, msg);
}

#[host_fn(inline = "package test:host;
interface api {
  record point { x: s32, y: s32 }
  move-to: func(p: point, tags: list<string>) -> result<u32, string>;
}", import = "test:host/api#move-to")]
fn move_to(p: Point, tags: Vec<String>) -> anyhow::Result<Result<u32, String>> {
    let _ = tags;
    Ok(Ok(p.x as u32))
}

#[host_fn(inline = "package test:host;
interface api {
  resource counter;
  new-counter: func() -> counter;
  peek: func(c: borrow<counter>) -> option<u64>;
}", import = "test:host/api#peek")]
fn peek(c: Borrow<Counter>) -> Option<u64> {
    Some(u64::from(c.rep()))
}

#[host_fn(inline = "package test:host;
interface api {
  resource counter;
  new-counter: func() -> counter;
}", import = "test:host/api#new-counter")]
fn new_counter() -> Resource<Counter> {
    Resource::new(1)
}

fn main() {
    let engine = hostbind::Engine::default();
    let mut linker = Linker::<()>::new(&engine);
    linker
        .func_wit(log)
        .unwrap()
        .func_wit(move_to)
        .unwrap()
        .func_wit(peek)
        .unwrap()
        .func_wit(new_counter)
        .unwrap();
}
