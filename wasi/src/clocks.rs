//! `wasi:clocks`: the monotonic clock (nanoseconds since the context was
//! built) and the wall clock, and pollables for instants and durations.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use hostbind::{Resource, Result};

use crate::bindings::wasi::clocks::{monotonic_clock, wall_clock};
use crate::ctx::WasiCtx;
use crate::poll::Pollable;

impl WasiCtx {
    pub(crate) fn monotonic_now(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_nanos()).unwrap_or(u64::MAX)
    }

    /// The instant `nanos` after the epoch, or none if it is too far away
    /// to name (a pollable that is then never ready).
    pub(crate) fn instant_at(&self, nanos: u64) -> Option<Instant> {
        self.epoch.checked_add(Duration::from_nanos(nanos))
    }
}

impl monotonic_clock::Host for WasiCtx {
    fn now(&mut self) -> Result<u64> {
        Ok(self.monotonic_now())
    }

    fn resolution(&mut self) -> Result<u64> {
        Ok(1)
    }

    fn subscribe_instant(&mut self, when: u64) -> Result<Resource<Pollable>> {
        let p = match self.instant_at(when) {
            Some(t) => Pollable::at(t),
            // Beyond what `Instant` can hold: centuries from now.
            None => Pollable::at(far_future()),
        };
        Ok(self.table.push(p))
    }

    fn subscribe_duration(&mut self, when: u64) -> Result<Resource<Pollable>> {
        let at = self.monotonic_now().saturating_add(when);
        self.subscribe_instant(at)
    }
}

fn far_future() -> Instant {
    let now = Instant::now();
    let mut d = Duration::from_secs(u64::MAX / 4);
    loop {
        if let Some(t) = now.checked_add(d) {
            return t;
        }
        d /= 2;
    }
}

impl wall_clock::Host for WasiCtx {
    fn now(&mut self) -> Result<wall_clock::Datetime> {
        let d = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        Ok(wall_clock::Datetime {
            seconds: d.as_secs(),
            nanoseconds: d.subsec_nanos(),
        })
    }

    fn resolution(&mut self) -> Result<wall_clock::Datetime> {
        Ok(wall_clock::Datetime {
            seconds: 0,
            nanoseconds: 1,
        })
    }
}
