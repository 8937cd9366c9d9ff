//! The bindings `bindgen!` generates from the vendored WASI 0.3.0 WIT. The
//! resources the two versions share in meaning (descriptors, terminals)
//! stand for the same Rust types as in 0.2, so one [`WasiCtx`](crate::WasiCtx)
//! table holds both; the synchronous functions that make or take streams
//! are async methods, since they reach the store to make their ends.

hostbind::bindgen!({
    path: "wit-0.3",
    world: "host",
    trappable: true,
    async_imports: [
        "wasi:cli/stdin@0.3.0#read-via-stream",
        "wasi:cli/stdout@0.3.0#write-via-stream",
        "wasi:cli/stderr@0.3.0#write-via-stream",
        "wasi:filesystem/types@0.3.0#[method]descriptor.read-via-stream",
        "wasi:filesystem/types@0.3.0#[method]descriptor.write-via-stream",
        "wasi:filesystem/types@0.3.0#[method]descriptor.append-via-stream",
        "wasi:filesystem/types@0.3.0#[method]descriptor.read-directory",
        "wasi:sockets/types@0.3.0#[method]tcp-socket.listen",
        "wasi:sockets/types@0.3.0#[method]tcp-socket.send",
        "wasi:sockets/types@0.3.0#[method]tcp-socket.receive",
    ],
    with: {
        "wasi:cli/terminal-input/terminal-input": crate::cli::TerminalInput,
        "wasi:cli/terminal-output/terminal-output": crate::cli::TerminalOutput,
        "wasi:filesystem/types/descriptor": crate::filesystem::Descriptor,
        "wasi:sockets/types/tcp-socket": crate::p3::sockets::TcpSocket,
        "wasi:sockets/types/udp-socket": crate::p3::sockets::UdpSocket,
    },
});
