//! `wasi:random`: the OS's secure randomness, a seeded fast generator for
//! the insecure interface, and the insecure seed.

use hostbind::{Result, Trap};

use crate::bindings::wasi::random::{insecure, insecure_seed, random};
use crate::ctx::WasiCtx;

/// More than any guest could use in one call; a guest asking for more is
/// refused rather than making the host allocate it.
pub(crate) const MAX_BYTES: u64 = 64 << 20;

fn checked_len(func: &str, len: u64) -> Result<usize> {
    if len > MAX_BYTES {
        return Err(Trap::new(format!(
            "`{func}` asked for {len} bytes, more than the {MAX_BYTES} one call may"
        ))
        .into());
    }
    Ok(len as usize)
}

/// `len` bytes of the OS's secure randomness.
pub(crate) fn secure_bytes(len: usize) -> Result<Vec<u8>> {
    let mut buf = vec![0; len];
    getrandom::fill(&mut buf).map_err(|e| anyhow::anyhow!("the OS gave no randomness: {e}"))?;
    Ok(buf)
}

/// A `u64` of the OS's secure randomness.
pub(crate) fn secure_u64() -> Result<u64> {
    getrandom::u64().map_err(|e| anyhow::anyhow!("the OS gave no randomness: {e}"))
}

impl random::Host for WasiCtx {
    fn get_random_bytes(&mut self, len: u64) -> Result<Vec<u8>> {
        secure_bytes(checked_len("get-random-bytes", len)?)
    }

    fn get_random_u64(&mut self) -> Result<u64> {
        secure_u64()
    }
}

impl insecure::Host for WasiCtx {
    fn get_insecure_random_bytes(&mut self, len: u64) -> Result<Vec<u8>> {
        let mut buf = vec![0; checked_len("get-insecure-random-bytes", len)?];
        self.insecure.fill(&mut buf);
        Ok(buf)
    }

    fn get_insecure_random_u64(&mut self) -> Result<u64> {
        Ok(self.insecure.u64(..))
    }
}

impl insecure_seed::Host for WasiCtx {
    fn insecure_seed(&mut self) -> Result<(u64, u64)> {
        Ok(self.insecure_seed)
    }
}
