//! The WebAssembly text format, read where a binary is expected (the `wat` feature).

use std::borrow::Cow;

use crate::error::Result;

/// Whether `bytes` look like WebAssembly text: they open, after
/// whitespace, with `(` or a `;;` comment.
pub(crate) fn is_text(bytes: &[u8]) -> bool {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    matches!(first, Some(b'(' | b';'))
}

/// `bytes` as a binary: assembled when they are text and the `wat`
/// feature is on; otherwise unchanged, so that the binary's own checks say
/// what is wrong with them.
pub(crate) fn to_binary(bytes: &[u8]) -> Result<Cow<'_, [u8]>> {
    #[cfg(feature = "wat")]
    if is_text(bytes) {
        return wat::parse_bytes(bytes)
            .map_err(|e| anyhow::anyhow!("this WebAssembly text does not assemble: {e}"));
    }
    Ok(Cow::Borrowed(bytes))
}
