//! The bindings `bindgen!` generates from the vendored WASI 0.2.12 WIT, with
//! every WASI resource standing for hostbind-wasi's own type, so that a
//! `Resource<T>` is a key into the context's [`ResourceTable`](hostbind::ResourceTable)
//! that holds that very `T`.

hostbind::bindgen!({
    path: "wit",
    world: "host",
    trappable: true,
    with: {
        "wasi:io/error/error": crate::io::IoError,
        "wasi:io/poll/pollable": crate::poll::Pollable,
        "wasi:io/streams/input-stream": crate::io::InputStream,
        "wasi:io/streams/output-stream": crate::io::OutputStream,
        "wasi:cli/terminal-input/terminal-input": crate::cli::TerminalInput,
        "wasi:cli/terminal-output/terminal-output": crate::cli::TerminalOutput,
        "wasi:filesystem/types/descriptor": crate::filesystem::Descriptor,
        "wasi:filesystem/types/directory-entry-stream": crate::filesystem::DirectoryEntryStream,
        "wasi:sockets/network/network": crate::sockets::Network,
        "wasi:sockets/tcp/tcp-socket": crate::sockets::TcpSocket,
        "wasi:sockets/udp/udp-socket": crate::sockets::UdpSocket,
        "wasi:sockets/udp/incoming-datagram-stream": crate::sockets::IncomingDatagramStream,
        "wasi:sockets/udp/outgoing-datagram-stream": crate::sockets::OutgoingDatagramStream,
        "wasi:sockets/ip-name-lookup/resolve-address-stream": crate::sockets::ResolveAddressStream,
    },
});
