use hostbind::{Access, Engine, Linker, host_fn};

/// With the store's data, a borrowed string param and a fallible result.
#[host_fn]
async fn lookup(access: Access<Vec<String>>, key: &str) -> hostbind::Result<Option<String>> {
    let found = access.with(|keys| keys.iter().find(|k| k.as_str() == key).cloned())?;
    Ok(found)
}

/// With no store access, so for a store of any data type.
#[host_fn]
async fn total(xs: &[u32]) -> u64 {
    xs.iter().map(|x| u64::from(*x)).sum()
}

fn main() {
    let engine = Engine::default();
    let mut linker = Linker::<Vec<String>>::new(&engine);
    linker
        .root()
        .func("lookup", lookup)
        .unwrap()
        .func("total", total)
        .unwrap();
}
