//! wasmtime's `bindgen!` over the generated world, every function stubbed.
wasmtime::component::bindgen!({ path: "../wit", world: "bench" });

pub struct State;

pub fn link(engine: &wasmtime::Engine) -> wasmtime::Result<wasmtime::component::Linker<State>> {
    let mut linker = wasmtime::component::Linker::new(engine);
    Bench::add_to_linker::<_, wasmtime::component::HasSelf<_>>(&mut linker, |s: &mut State| s)?;
    Ok(linker)
}

impl bench::bind::i0::Host for State {
    fn f0(&mut self, _a: u32, _b: u32) -> u32 {
        unimplemented!()
    }
    fn f1(&mut self, _s: String) -> String {
        unimplemented!()
    }
    fn f2(&mut self, _r: bench::bind::i0::Rec) -> Vec<u8> {
        unimplemented!()
    }
    fn f3(&mut self, _xs: Vec<bench::bind::i0::Rec>) -> Option<bench::bind::i0::Rec> {
        unimplemented!()
    }
    fn f4(&mut self, _v: bench::bind::i0::Var) -> Result<u64, String> {
        unimplemented!()
    }
    fn f5(&mut self, _e: bench::bind::i0::En, _f: bench::bind::i0::Fl) -> (u32, String) {
        unimplemented!()
    }
}

impl bench::bind::i1::Host for State {
    fn f0(&mut self, _a: u32, _b: u32) -> u32 {
        unimplemented!()
    }
    fn f1(&mut self, _s: String) -> String {
        unimplemented!()
    }
    fn f2(&mut self, _r: bench::bind::i1::Rec) -> Vec<u8> {
        unimplemented!()
    }
    fn f3(&mut self, _xs: Vec<bench::bind::i1::Rec>) -> Option<bench::bind::i1::Rec> {
        unimplemented!()
    }
    fn f4(&mut self, _v: bench::bind::i1::Var) -> Result<u64, String> {
        unimplemented!()
    }
    fn f5(&mut self, _e: bench::bind::i1::En, _f: bench::bind::i1::Fl) -> (u32, String) {
        unimplemented!()
    }
}

impl bench::bind::i2::Host for State {
    fn f0(&mut self, _a: u32, _b: u32) -> u32 {
        unimplemented!()
    }
    fn f1(&mut self, _s: String) -> String {
        unimplemented!()
    }
    fn f2(&mut self, _r: bench::bind::i2::Rec) -> Vec<u8> {
        unimplemented!()
    }
    fn f3(&mut self, _xs: Vec<bench::bind::i2::Rec>) -> Option<bench::bind::i2::Rec> {
        unimplemented!()
    }
    fn f4(&mut self, _v: bench::bind::i2::Var) -> Result<u64, String> {
        unimplemented!()
    }
    fn f5(&mut self, _e: bench::bind::i2::En, _f: bench::bind::i2::Fl) -> (u32, String) {
        unimplemented!()
    }
}

impl bench::bind::i3::Host for State {
    fn f0(&mut self, _a: u32, _b: u32) -> u32 {
        unimplemented!()
    }
    fn f1(&mut self, _s: String) -> String {
        unimplemented!()
    }
    fn f2(&mut self, _r: bench::bind::i3::Rec) -> Vec<u8> {
        unimplemented!()
    }
    fn f3(&mut self, _xs: Vec<bench::bind::i3::Rec>) -> Option<bench::bind::i3::Rec> {
        unimplemented!()
    }
    fn f4(&mut self, _v: bench::bind::i3::Var) -> Result<u64, String> {
        unimplemented!()
    }
    fn f5(&mut self, _e: bench::bind::i3::En, _f: bench::bind::i3::Fl) -> (u32, String) {
        unimplemented!()
    }
}

impl bench::bind::i4::Host for State {
    fn f0(&mut self, _a: u32, _b: u32) -> u32 {
        unimplemented!()
    }
    fn f1(&mut self, _s: String) -> String {
        unimplemented!()
    }
    fn f2(&mut self, _r: bench::bind::i4::Rec) -> Vec<u8> {
        unimplemented!()
    }
    fn f3(&mut self, _xs: Vec<bench::bind::i4::Rec>) -> Option<bench::bind::i4::Rec> {
        unimplemented!()
    }
    fn f4(&mut self, _v: bench::bind::i4::Var) -> Result<u64, String> {
        unimplemented!()
    }
    fn f5(&mut self, _e: bench::bind::i4::En, _f: bench::bind::i4::Fl) -> (u32, String) {
        unimplemented!()
    }
}

impl bench::bind::i5::Host for State {
    fn f0(&mut self, _a: u32, _b: u32) -> u32 {
        unimplemented!()
    }
    fn f1(&mut self, _s: String) -> String {
        unimplemented!()
    }
    fn f2(&mut self, _r: bench::bind::i5::Rec) -> Vec<u8> {
        unimplemented!()
    }
    fn f3(&mut self, _xs: Vec<bench::bind::i5::Rec>) -> Option<bench::bind::i5::Rec> {
        unimplemented!()
    }
    fn f4(&mut self, _v: bench::bind::i5::Var) -> Result<u64, String> {
        unimplemented!()
    }
    fn f5(&mut self, _e: bench::bind::i5::En, _f: bench::bind::i5::Fl) -> (u32, String) {
        unimplemented!()
    }
}

impl bench::bind::i6::Host for State {
    fn f0(&mut self, _a: u32, _b: u32) -> u32 {
        unimplemented!()
    }
    fn f1(&mut self, _s: String) -> String {
        unimplemented!()
    }
    fn f2(&mut self, _r: bench::bind::i6::Rec) -> Vec<u8> {
        unimplemented!()
    }
    fn f3(&mut self, _xs: Vec<bench::bind::i6::Rec>) -> Option<bench::bind::i6::Rec> {
        unimplemented!()
    }
    fn f4(&mut self, _v: bench::bind::i6::Var) -> Result<u64, String> {
        unimplemented!()
    }
    fn f5(&mut self, _e: bench::bind::i6::En, _f: bench::bind::i6::Fl) -> (u32, String) {
        unimplemented!()
    }
}

impl bench::bind::i7::Host for State {
    fn f0(&mut self, _a: u32, _b: u32) -> u32 {
        unimplemented!()
    }
    fn f1(&mut self, _s: String) -> String {
        unimplemented!()
    }
    fn f2(&mut self, _r: bench::bind::i7::Rec) -> Vec<u8> {
        unimplemented!()
    }
    fn f3(&mut self, _xs: Vec<bench::bind::i7::Rec>) -> Option<bench::bind::i7::Rec> {
        unimplemented!()
    }
    fn f4(&mut self, _v: bench::bind::i7::Var) -> Result<u64, String> {
        unimplemented!()
    }
    fn f5(&mut self, _e: bench::bind::i7::En, _f: bench::bind::i7::Fl) -> (u32, String) {
        unimplemented!()
    }
}

impl bench::bind::i8::Host for State {
    fn f0(&mut self, _a: u32, _b: u32) -> u32 {
        unimplemented!()
    }
    fn f1(&mut self, _s: String) -> String {
        unimplemented!()
    }
    fn f2(&mut self, _r: bench::bind::i8::Rec) -> Vec<u8> {
        unimplemented!()
    }
    fn f3(&mut self, _xs: Vec<bench::bind::i8::Rec>) -> Option<bench::bind::i8::Rec> {
        unimplemented!()
    }
    fn f4(&mut self, _v: bench::bind::i8::Var) -> Result<u64, String> {
        unimplemented!()
    }
    fn f5(&mut self, _e: bench::bind::i8::En, _f: bench::bind::i8::Fl) -> (u32, String) {
        unimplemented!()
    }
}

impl bench::bind::i9::Host for State {
    fn f0(&mut self, _a: u32, _b: u32) -> u32 {
        unimplemented!()
    }
    fn f1(&mut self, _s: String) -> String {
        unimplemented!()
    }
    fn f2(&mut self, _r: bench::bind::i9::Rec) -> Vec<u8> {
        unimplemented!()
    }
    fn f3(&mut self, _xs: Vec<bench::bind::i9::Rec>) -> Option<bench::bind::i9::Rec> {
        unimplemented!()
    }
    fn f4(&mut self, _v: bench::bind::i9::Var) -> Result<u64, String> {
        unimplemented!()
    }
    fn f5(&mut self, _e: bench::bind::i9::En, _f: bench::bind::i9::Fl) -> (u32, String) {
        unimplemented!()
    }
}
