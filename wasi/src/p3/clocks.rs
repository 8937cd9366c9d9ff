//! `wasi:clocks@0.3`: the monotonic clock, waits on it (timers of
//! `async-io`'s reactor, so no thread sleeps), and the system clock.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hostbind::{Access, Result};

use super::bindings::wasi::clocks::{monotonic_clock, system_clock};
use crate::ctx::WasiCtx;

impl monotonic_clock::Host for WasiCtx {
    fn now(&mut self) -> Result<u64> {
        Ok(self.monotonic_now())
    }

    fn get_resolution(&mut self) -> Result<u64> {
        Ok(1)
    }

    async fn wait_until(access: Access<Self>, when: u64) -> Result<()> {
        match access.with(|cx| cx.instant_at(when))? {
            Some(at) => async_io::Timer::at(at).await,
            // Beyond what `Instant` can hold: centuries from now.
            None => async_io::Timer::never().await,
        };
        Ok(())
    }

    async fn wait_for(_access: Access<Self>, how_long: u64) -> Result<()> {
        async_io::Timer::after(Duration::from_nanos(how_long)).await;
        Ok(())
    }
}

impl system_clock::Host for WasiCtx {
    fn now(&mut self) -> Result<system_clock::Instant> {
        // Before 1970 is a negative count of seconds, with nanoseconds
        // counted forward from it, as the WIT defines.
        let (seconds, nanoseconds) = match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(d) => (d.as_secs() as i64, d.subsec_nanos()),
            Err(before) => {
                let d = before.duration();
                match d.subsec_nanos() {
                    0 => (-(d.as_secs() as i64), 0),
                    n => (-(d.as_secs() as i64) - 1, 1_000_000_000 - n),
                }
            }
        };
        Ok(system_clock::Instant {
            seconds,
            nanoseconds,
        })
    }

    fn get_resolution(&mut self) -> Result<u64> {
        Ok(1)
    }
}
