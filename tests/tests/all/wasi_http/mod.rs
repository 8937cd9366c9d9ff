//! wasi:http 0.2 on both engines: real handlers (componentize-py, jco)
//! served by hostbind-wasi-http's `Server` on a loopback port and driven
//! by a real HTTP client, their outgoing requests to a second server, and
//! the faults a server must survive.

mod faults;
mod fixture;
mod guests;
