hostbind::flags! {
    struct Nothing {}
}

fn main() {}
