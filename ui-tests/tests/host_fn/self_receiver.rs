use hostbind::host_fn;

struct S;

impl S {
    #[host_fn]
    fn f(&self) {}
}

fn main() {}
