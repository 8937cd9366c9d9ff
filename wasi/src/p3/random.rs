//! `wasi:random@0.3`: the same sources as 0.2; a call asking for more
//! than one reply may carry gets fewer bytes, as `max-len` allows.

use hostbind::Result;

use super::bindings::wasi::random::{insecure, insecure_seed, random};
use crate::ctx::WasiCtx;
use crate::random::MAX_BYTES;

fn capped(max_len: u64) -> usize {
    max_len.min(MAX_BYTES) as usize
}

impl random::Host for WasiCtx {
    fn get_random_bytes(&mut self, max_len: u64) -> Result<Vec<u8>> {
        crate::random::secure_bytes(capped(max_len))
    }

    fn get_random_u64(&mut self) -> Result<u64> {
        crate::random::secure_u64()
    }
}

impl insecure::Host for WasiCtx {
    fn get_insecure_random_bytes(&mut self, max_len: u64) -> Result<Vec<u8>> {
        let mut buf = vec![0; capped(max_len)];
        self.insecure.fill(&mut buf);
        Ok(buf)
    }

    fn get_insecure_random_u64(&mut self) -> Result<u64> {
        Ok(self.insecure.u64(..))
    }
}

impl insecure_seed::Host for WasiCtx {
    fn get_insecure_seed(&mut self) -> Result<(u64, u64)> {
        Ok(self.insecure_seed)
    }
}
