//! wasi:http 0.2 and 0.3 on both engines: real handlers (componentize-py, jco, C)
//! served by hostbind-wasi-http's `Server` on a loopback port and driven
//! by a real HTTP client, their outgoing requests to a second server, and
//! the faults a server must survive.

mod faults;
mod fixture;
mod guests;
mod p3;
