//! Engine-independent access to the guest during a call: its memory, its
//! `realloc` and its handle tables, through the call's canonical options.

use std::sync::OnceLock;

use crate::abi::{Guest, HandleTables};
use crate::call::glue::Access;
use crate::call::host::Lowered;
use crate::engine::Backend;
use crate::error::{Result, Trap};
use crate::store::Cx;
use crate::store::instance::{ExportCall, ResolvedOptions};
use crate::store::tasks::Frame;

/// Engine-independent access to the guest during a host call or an export call.
pub(crate) struct GuestAccess<'a, B: Backend, T: 'static> {
    pub(crate) cx: Cx<'a, B, T>,
    /// The call's canonical options, or the lowering's to find them in.
    opts: Opts<'a, B>,
    /// The guest memory's bytes as last looked up, so that a value written
    /// field by field costs one engine lookup, not one per field. Cleared
    /// whenever guest code runs (`realloc`), the only time it can move.
    pub(crate) mem_cache: Option<(core::ptr::NonNull<u8>, usize)>,
}

/// A call's canonical options, as far as they are looked up yet.
enum Opts<'a, B: Backend> {
    Known {
        /// The hostbind instance, whose handle tables resources use.
        instance: usize,
        memory: Option<B::Memory>,
        realloc: Option<B::Realloc>,
        /// The runtime component instance whose `may_leave` is cleared
        /// while `realloc` runs.
        flags: Option<usize>,
    },
    /// An export call's, read where the call keeps them.
    Export {
        instance: usize,
        call: &'a ExportCall<B>,
    },
    /// A lowering's, found in the instance's state when first needed:
    /// most host calls never touch memory. One pointer, so that a host
    /// call's context is quick to build.
    Lowering(&'a LoweringOpts<B>),
}

/// What a lowered import's calls know of their canonical options: fixed
/// when the instance is built, except the memory and realloc, which its
/// first call finds and keeps for the next ones.
pub(crate) struct LoweringOpts<B: Backend> {
    instance: usize,
    /// The options entry's index in the instance's state.
    options: u32,
    /// The runtime component instance of the options.
    table: usize,
    bound: BoundOpts<B>,
}

impl<B: Backend> LoweringOpts<B> {
    /// The options of lowering `l`, memory and realloc not yet found.
    pub(crate) fn new<T>(l: &Lowered<T>) -> Self {
        LoweringOpts {
            instance: l.site.res.instance,
            options: l.options,
            table: l.site.res.table,
            bound: OnceLock::new(),
        }
    }
}

impl<'a, B: Backend, T: 'static> GuestAccess<'a, B, T> {
    /// Access to the guest through `cx`, with canonical options `memory`,
    /// `realloc` and `flags`.
    pub(crate) fn new(
        cx: Cx<'a, B, T>,
        instance: usize,
        memory: Option<B::Memory>,
        realloc: Option<B::Realloc>,
        flags: Option<usize>,
    ) -> Self {
        GuestAccess {
            cx,
            opts: Opts::Known {
                instance,
                memory,
                realloc,
                flags,
            },
            mem_cache: None,
        }
    }

    /// Access to the guest through `cx` for a call of an export of
    /// `instance` with what `call` holds.
    #[inline(always)]
    pub(crate) fn export(cx: Cx<'a, B, T>, instance: usize, call: &'a ExportCall<B>) -> Self {
        GuestAccess {
            cx,
            opts: Opts::Export { instance, call },
            mem_cache: None,
        }
    }

    /// Access to the guest through `cx` for a call of a lowering with
    /// options `opts`.
    #[inline(always)]
    pub(crate) fn lowering(cx: Cx<'a, B, T>, opts: &'a LoweringOpts<B>) -> Self {
        GuestAccess {
            cx,
            opts: Opts::Lowering(opts),
            mem_cache: None,
        }
    }

    /// The hostbind instance, whose handle tables resources use.
    #[inline]
    fn instance(&self) -> usize {
        match self.opts {
            Opts::Known { instance, .. } | Opts::Export { instance, .. } => instance,
            Opts::Lowering(o) => o.instance,
        }
    }

    /// The options' memory, looked up on first use.
    #[inline]
    fn memory_handle(&mut self) -> Option<B::Memory> {
        match self.opts {
            Opts::Known { memory, .. } => memory,
            Opts::Export { call, .. } => call.memory,
            Opts::Lowering(o) => match o.bound.get() {
                Some(known) => known.0,
                None => self.find_opts(o).0,
            },
        }
    }

    /// Lowering `o`'s memory and realloc from the instance's state, kept in
    /// `o` once instantiation has resolved them all (a start function
    /// calling out during instantiation resolves them on the way), and in
    /// `self` for the rest of the call.
    #[cold]
    #[inline(never)]
    fn find_opts(&mut self, o: &LoweringOpts<B>) -> (Option<B::Memory>, Option<B::Realloc>) {
        let Some(state) = B::data(&mut self.cx).instances.get(o.instance) else {
            return (None, None);
        };
        let pair =
            |o: Option<ResolvedOptions<B>>| o.map_or((None, None), |o| (o.memory, o.realloc));
        let found = match state.resolved.get(o.options as usize) {
            Some(&resolved) => {
                let found = pair(resolved);
                let _ = o.bound.set(found);
                found
            }
            None => pair(state.resolve_options(o.options)),
        };
        self.opts = Opts::Known {
            instance: o.instance,
            memory: found.0,
            realloc: found.1,
            flags: Some(o.table),
        };
        found
    }
}

impl<B: Backend, T: 'static> Guest for GuestAccess<'_, B, T> {
    #[inline]
    fn memory(&mut self) -> &mut [u8] {
        if let Some((ptr, len)) = self.mem_cache {
            // A memory's buffer moves or resizes only when guest code grows
            // it, and guest code runs here only in `realloc`, which clears
            // the cache first.
            // SAFETY: `ptr`/`len` are the bytes `B::memory` returned for this
            // store, which `self.cx` borrows exclusively; the slice borrows
            // `self` mutably, so it is the only view of them, and (above) they
            // have not moved.
            return unsafe { core::slice::from_raw_parts_mut(ptr.as_ptr(), len) };
        }
        match self.memory_handle() {
            Some(m) => {
                let bytes = B::memory(&mut self.cx, m).0;
                self.mem_cache =
                    core::ptr::NonNull::new(bytes.as_mut_ptr()).map(|p| (p, bytes.len()));
                bytes
            }
            None => &mut [],
        }
    }

    fn realloc(&mut self, old_ptr: u32, old_size: u32, align: u32, new_size: u32) -> Result<u32> {
        let found = self.found();
        self.run_realloc(&found, [old_ptr, old_size, align, new_size])
    }

    fn realloc_memory(
        &mut self,
        old_ptr: u32,
        old_size: u32,
        align: u32,
        new_size: u32,
    ) -> Result<(u32, &mut [u8])> {
        let found = self.found();
        let ptr = self.run_realloc(&found, [old_ptr, old_size, align, new_size])?;
        let bytes = match found.memory {
            Some(m) => B::memory(&mut self.cx, m).0,
            None => &mut [],
        };
        self.mem_cache = core::ptr::NonNull::new(bytes.as_mut_ptr()).map(|p| (p, bytes.len()));
        Ok((ptr, bytes))
    }

    fn handles(&mut self) -> Option<&HandleTables> {
        let instance = self.instance();
        B::data(&mut self.cx)
            .instances
            .get(instance)
            .map(|s| &s.handles)
    }
}

/// The options a `realloc` call needs, found with one match.
struct Found<B: Backend> {
    instance: usize,
    memory: Option<B::Memory>,
    realloc: Option<B::Realloc>,
    /// The runtime component instance whose `may_leave` is cleared while
    /// `realloc` runs.
    flags: Option<usize>,
}

impl<B: Backend, T: 'static> GuestAccess<'_, B, T> {
    /// The options' instance, memory, realloc and flags.
    #[inline(always)]
    fn found(&mut self) -> Found<B> {
        match self.opts {
            Opts::Known {
                instance,
                memory,
                realloc,
                flags,
            } => Found {
                instance,
                memory,
                realloc,
                flags,
            },
            // An export's own `realloc` runs while the host lowers the
            // params, with no host call to refuse.
            Opts::Export { instance, call } => Found {
                instance,
                memory: call.memory,
                realloc: call.realloc,
                flags: None,
            },
            Opts::Lowering(o) => {
                let (memory, realloc) = match o.bound.get() {
                    Some(&known) => known,
                    None => self.find_opts(o),
                };
                Found {
                    instance: o.instance,
                    memory,
                    realloc,
                    flags: Some(o.table),
                }
            }
        }
    }

    /// Calls the options' `realloc` with `old_ptr, old_size, align,
    /// new_size`, with `may_leave` cleared.
    #[inline(always)]
    fn run_realloc(
        &mut self,
        found: &Found<B>,
        [old_ptr, old_size, align, new_size]: [u32; 4],
    ) -> Result<u32> {
        let Some(realloc) = found.realloc else {
            return Err(Trap::new("the canonical options name no `realloc`").into());
        };
        // Guest code may grow (and so move) the memory.
        self.mem_cache = None;
        let args = [
            old_ptr as i32,
            old_size as i32,
            align as i32,
            new_size as i32,
        ];
        let instance = found.instance;
        let saved = found.flags.and_then(|f| {
            Some((
                f,
                crate::store::instance::set_may_leave::<B, T>(&mut self.cx, instance, f, false)?,
            ))
        });
        // In a store running async tasks, a `realloc` the host calls has
        // context slots of its own.
        let scratch = match &mut B::data(&mut self.cx).tasks {
            Some(tasks) => {
                tasks.current.push(Frame::Scratch([0; 2]));
                true
            }
            None => false,
        };
        let result = B::call_realloc(&mut self.cx, realloc, args);
        if scratch && let Some(tasks) = &mut B::data(&mut self.cx).tasks {
            tasks.current.pop();
        }
        if let Some((f, v)) = saved {
            crate::store::instance::set_may_leave::<B, T>(&mut self.cx, instance, f, v);
        }
        Ok(result? as u32)
    }
}

impl<B: Backend, T: 'static> Access<T> for GuestAccess<'_, B, T> {
    #[inline]
    fn parts(&mut self, memory: bool, handles: bool) -> (&mut T, &[u8], Option<&HandleTables>) {
        let m = if memory { self.memory_handle() } else { None };
        let (mem, data): (&[u8], _) = match m {
            Some(m) => {
                let (mem, data) = B::memory(&mut self.cx, m);
                // Lowering the results reuses this lookup: no guest code
                // runs before it but `realloc`, which clears the cache.
                self.mem_cache = core::ptr::NonNull::new(mem.as_mut_ptr()).map(|p| (p, mem.len()));
                (mem, data)
            }
            None => (&[], B::data(&mut self.cx)),
        };
        let tables = match handles {
            true => {
                // Not `self.instance()`: `data` borrows `self.cx` here.
                let instance = match self.opts {
                    Opts::Known { instance, .. } | Opts::Export { instance, .. } => instance,
                    Opts::Lowering(o) => o.instance,
                };
                data.instances.get(instance).map(|s| &s.handles)
            }
            false => None,
        };
        (&mut data.data, mem, tables)
    }

    fn fail(&mut self, error: crate::Error) {
        B::data(&mut self.cx).pending = Some(error);
    }
}

/// A lowered import's memory and realloc, found on its first call after
/// instantiation and kept by its host function for the next ones.
type BoundOpts<B> = OnceLock<(
    Option<<B as Backend>::Memory>,
    Option<<B as Backend>::Realloc>,
)>;
