//! Host functions checked against a WIT file at compile time, linked under
//! their WIT names with `Linker::func_wit`, and called by a real component.

use hostbind::{ComponentType, Lift, Linker, Lower, Store, WitImport, host_fn};
use hostbind_tests::{Echo, Ret, echo_guest, engines};

#[derive(ComponentType, Lift, Lower, Clone, Debug, PartialEq)]
struct Point {
    x: i32,
    y: i32,
}

#[host_fn(wit = "wit", import = "test:host/api#log")]
fn log(lines: &mut Vec<String>, level: u32, msg: &str) {
    lines.push(format!("{level}: {msg}"));
}

/// A WIT `result`, nested in the host function's error channel.
#[host_fn(wit = "wit/api.wit", import = "test:host/api#move-by")]
fn move_by(lines: &mut Vec<String>, p: Point, dx: i32) -> hostbind::Result<Result<Point, String>> {
    lines.push(format!("move {dx}"));
    Ok(match p.x.checked_add(dx) {
        Some(x) => Ok(Point { x, y: p.y }),
        None => Err("overflow".to_string()),
    })
}

#[test]
fn wit_checked_functions_link_by_their_wit_names_and_run() {
    assert_eq!(<log as WitImport>::WIT_IMPORT, "test:host/api#log");
    let point = ("point", r#"(record (field "x" s32) (field "y" s32))"#);
    let funcs = [
        Echo::new(
            "log",
            r#"(param "level" u32) (param "msg" string)"#,
            &["i32", "i32", "i32"],
            Ret::None,
        ),
        Echo::new(
            "move-by",
            r#"(param "p" $point) (param "dx" s32) (result (result $point (error string)))"#,
            &["i32", "i32", "i32"],
            Ret::Memory,
        ),
    ];
    for engine in engines() {
        let wat = echo_guest(&[point], &funcs, "");
        let c = hostbind_tests::component(&engine, &wat);
        let mut linker = Linker::<Vec<String>>::new(&engine);
        linker.func_wit(log).unwrap().func_wit(move_by).unwrap();
        let mut store = Store::new(&engine, Vec::new());
        let inst = linker.instantiate(&mut store, &c).unwrap();
        let l = inst
            .get_typed_func::<(u32, &str), ()>(&mut store, "log")
            .unwrap();
        l.call(&mut store, (2, "checked at compile time")).unwrap();
        let m = inst
            .get_typed_func::<(Point, i32), (Result<Point, String>,)>(&mut store, "move-by")
            .unwrap();
        assert_eq!(
            m.call(&mut store, (Point { x: 1, y: 2 }, 3)).unwrap(),
            (Ok(Point { x: 4, y: 2 }),)
        );
        assert_eq!(
            m.call(&mut store, (Point { x: i32::MAX, y: 0 }, 1))
                .unwrap(),
            (Err("overflow".to_string()),)
        );
        assert_eq!(
            store.data().as_slice(),
            ["2: checked at compile time", "move 3", "move 1"]
        );
    }
}
