//! The handle tables of a component instance, and the spec's rules on them.
//!
//! Each runtime component instance has one table of handles, numbered from 1.
//! A slot is an `own` handle (which may be lent out to borrows for the length
//! of a call) or a `borrow` handle (which must be dropped before the call that
//! created it returns). Every operation checks the index, the resource type
//! and the handle's state, and a failure names all three.

use wasmtime_environ::component::ResourceIndex;

use crate::error::{Result, Site};

/// `get` refuses free slots; this is the error if one slipped through.
#[cold]
fn gone(site: &Site<'_>, idx: u32) -> crate::Error {
    site.trap(format_args!("handle {idx} does not exist"))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Slot {
    Free,
    Own {
        rep: u32,
        ty: ResourceIndex,
        lends: u32,
    },
    Borrow {
        rep: u32,
        ty: ResourceIndex,
        /// The call scope that counts it: how many guest-to-guest calls
        /// were in progress when it was made.
        scope: u32,
    },
    /// An object of the async component model (a waitable set, a subtask,
    /// a stream or future end, an error context): `id` is its key in the
    /// store's async state. The spec keeps these in the same table as
    /// resource handles, so they share one index space.
    Async {
        kind: AsyncKind,
        id: u32,
    },
}

/// What an [`Slot::Async`] handle is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AsyncKind {
    /// A waitable set.
    WaitableSet,
    /// A subtask: an async call the component made, as it sees it.
    Subtask,
    /// The readable or writable end of a stream or future.
    StreamReadable,
    StreamWritable,
    FutureReadable,
    FutureWritable,
    /// An error context.
    ErrorContext,
}

impl AsyncKind {
    /// The kind as the spec names it, for messages.
    pub(crate) fn name(self) -> &'static str {
        match self {
            AsyncKind::WaitableSet => "waitable set",
            AsyncKind::Subtask => "subtask",
            AsyncKind::StreamReadable => "readable stream end",
            AsyncKind::StreamWritable => "writable stream end",
            AsyncKind::FutureReadable => "readable future end",
            AsyncKind::FutureWritable => "writable future end",
            AsyncKind::ErrorContext => "error context",
        }
    }

    /// "a" or "an", for messages.
    pub(crate) fn article(self) -> &'static str {
        match self {
            AsyncKind::ErrorContext => "an",
            _ => "a",
        }
    }

    /// Whether it may join a waitable set.
    pub(crate) fn is_waitable(self) -> bool {
        !matches!(self, AsyncKind::WaitableSet | AsyncKind::ErrorContext)
    }
}

/// One runtime component instance's handles.
#[derive(Default)]
struct Table {
    slots: Vec<Slot>,
    free: Vec<u32>,
}

/// Every handle table of one hostbind instance, the names of its resource
/// types for messages, and the bookkeeping of the current call's borrows.
pub(crate) struct Handles {
    tables: Vec<Table>,
    names: std::sync::Arc<[String]>,
    /// The host type key of each imported resource, by `ResourceIndex`.
    host: Vec<Option<core::any::TypeId>>,
    /// Each resource type's representative, by `ResourceIndex`: imported
    /// resources that one host type serves (`wasi:io/poll@0.2.0#pollable`
    /// and `@0.2.1#pollable`) are one type at run time, as in wasmtime.
    canon: Vec<ResourceIndex>,
    /// Own handles lent to the host during the current host call.
    lent: Vec<(usize, u32)>,
    /// Borrow handles handed to the guest by the current export call and
    /// not dropped yet.
    pub(crate) scope_borrows: u32,
    /// Own handles the host holds as `ResourceAny`, by a number never
    /// reused, so a copy kept after a move or a drop is refused rather than
    /// forging a second owner.
    held: std::collections::HashSet<u64>,
    next_held: u64,
    /// The borrow scopes of the guest-to-guest calls in progress, innermost
    /// last: what the caller's scope held when the callee's began.
    calls: Vec<CallScope>,
    /// Stream and future ends and error contexts that values moved between
    /// the host and a guest since the store's async state last took note:
    /// a lift or lower reaches these tables but not that state, which is
    /// brought up to date right after (see `concurrent::host_end`).
    pub(crate) moved: Vec<Moved>,
}

/// A stream or future end or an error context a value moved between the
/// host and a guest.
/// The stream or future table type a host end is lowered as: known from
/// the component's type (a dynamic lower), or to be found from a typed
/// end's static type (`stream<E>`, `future<E>`) among the component's.
#[derive(Clone, Copy, Debug)]
pub(crate) enum EndTy {
    Table(u32),
    Static(&'static crate::types::Ty),
}

pub(crate) enum Moved {
    /// Readable end `w` left table `table` for the host handle numbered
    /// `serial`.
    EndToHost { w: u32, serial: u64 },
    /// The host's readable end `w` (numbered `serial`) is now handle
    /// `handle` of table type `ty` in table `table`.
    EndToGuest {
        w: u32,
        serial: u64,
        table: usize,
        handle: u32,
        ty: EndTy,
    },
    /// Error context `id` was lifted into the host's `message` slot.
    ErrorToHost {
        id: u32,
        message: std::sync::Arc<std::sync::OnceLock<std::sync::Arc<str>>>,
    },
    /// The host's error context with `message` is now handle `handle` in
    /// table `table`, which waits for its id.
    ErrorToGuest {
        message: std::sync::Arc<str>,
        table: usize,
        handle: u32,
    },
}

/// The caller's borrow scope, saved while a guest-to-guest call runs.
struct CallScope {
    borrows: u32,
    lends: usize,
}

/// What a dropped handle leaves for its destructor.
pub(crate) enum Dropped {
    /// An own handle: run the resource's destructor on `rep`.
    Own { rep: u32 },
    /// A borrow: nothing to destroy.
    Borrow,
}

impl Handles {
    /// Tables for `instances` runtime component instances, with `names`
    /// indexed by `ResourceIndex`.
    pub(crate) fn new(
        instances: usize,
        names: std::sync::Arc<[String]>,
        host: Vec<Option<core::any::TypeId>>,
    ) -> Handles {
        let canon = host
            .iter()
            .enumerate()
            .map(|(i, key)| {
                let first = key.and_then(|k| host.iter().position(|h| *h == Some(k)));
                ResourceIndex::from_u32(first.unwrap_or(i) as u32)
            })
            .collect();
        Handles {
            tables: (0..instances).map(|_| Table::default()).collect(),
            names,
            host,
            canon,
            lent: Vec::new(),
            scope_borrows: 0,
            held: std::collections::HashSet::new(),
            next_held: 1,
            calls: Vec::new(),
            moved: Vec::new(),
        }
    }

    /// A fused adapter starts a guest-to-guest call: the callee's borrows
    /// are counted apart from the caller's.
    pub(crate) fn enter_call(&mut self) {
        self.calls.push(CallScope {
            borrows: self.scope_borrows,
            lends: self.lent.len(),
        });
        self.scope_borrows = 0;
    }

    /// The callee returns: every borrow it was given must be dropped, and
    /// the own handles lent to it are the caller's to move again.
    pub(crate) fn exit_call(&mut self) -> Result<()> {
        let Some(scope) = self.calls.pop() else {
            return Err(
                crate::Trap::new("a call between components ended that never started").into(),
            );
        };
        let left = core::mem::replace(&mut self.scope_borrows, scope.borrows);
        self.end_lends(scope.lends);
        if left > 0 {
            return Err(crate::Trap::new(format!(
                "a component returned from a call by another component while it still holds {left} borrow handle(s) it was lent for the call; borrows must be dropped before returning"
            ))
            .into());
        }
        Ok(())
    }

    /// Moves own handle `idx` of `ty` from table `from` to table `to`, for
    /// an `own` passed between components; returns its index in `to`.
    pub(crate) fn transfer_own(
        &mut self,
        site: &Site<'_>,
        from: usize,
        idx: u32,
        ty: ResourceIndex,
        to: usize,
    ) -> Result<u32> {
        let rep = self.take_own(site, from, idx, ty)?;
        self.new_own(site, to, ty, rep)
    }

    /// Lends handle `idx` of `ty` in table `from` to table `to` for the
    /// current call, for a `borrow` passed between components. The
    /// component that defines the resource gets its rep, not a handle.
    pub(crate) fn transfer_borrow(
        &mut self,
        site: &Site<'_>,
        from: usize,
        idx: u32,
        ty: ResourceIndex,
        to: usize,
        to_defines_it: bool,
    ) -> Result<u32> {
        let rep = self.lend(site, from, idx, ty)?;
        if to_defines_it {
            return Ok(rep);
        }
        self.new_borrow(site, to, ty, rep)
    }

    /// Records that the host now owns a handle; returns the number its
    /// `ResourceAny` carries.
    pub(crate) fn hold(&mut self) -> u64 {
        let id = self.next_held;
        self.next_held += 1;
        self.held.insert(id);
        id
    }

    /// Whether the host still owns the handle numbered `id`.
    pub(crate) fn holds(&self, id: u64) -> bool {
        self.held.contains(&id)
    }

    /// Ends the host's ownership of `id`: it was moved to the guest or
    /// dropped. `false` if the host did not own it.
    pub(crate) fn release(&mut self, id: u64) -> bool {
        self.held.remove(&id)
    }

    /// The name of resource type `ty`, for messages.
    pub(crate) fn name(&self, ty: ResourceIndex) -> &str {
        self.names
            .get(ty.as_u32() as usize)
            .map_or("?", String::as_str)
    }

    /// Whether the guest implements resource `ty` (it is not the host's).
    pub(crate) fn guest_defined(&self, ty: ResourceIndex) -> bool {
        self.host
            .get(ty.as_u32() as usize)
            .is_none_or(Option::is_none)
    }

    /// Whether handles of `a` and `b` are of one type at run time.
    pub(crate) fn same_type(&self, a: ResourceIndex, b: ResourceIndex) -> bool {
        let canon = |t: ResourceIndex| self.canon.get(t.as_u32() as usize).copied().unwrap_or(t);
        a == b || canon(a) == canon(b)
    }

    /// The resource that host type `key` was linked to.
    pub(crate) fn host_index(
        &self,
        site: &Site<'_>,
        key: core::any::TypeId,
        rust_name: &str,
    ) -> Result<ResourceIndex> {
        match self.host.iter().position(|k| *k == Some(key)) {
            Some(i) => Ok(ResourceIndex::from_u32(i as u32)),
            None => Err(site.trap(format_args!(
                "host resource type `{rust_name}` is not linked to any resource this component imports"
            ))),
        }
    }

    fn table(&mut self, site: &Site<'_>, table: usize) -> Result<&mut Table> {
        match self.tables.get_mut(table) {
            Some(t) => Ok(t),
            None => Err(site.trap(format_args!(
                "component instance {table} has no handle table"
            ))),
        }
    }

    fn insert(&mut self, site: &Site<'_>, table: usize, slot: Slot) -> Result<u32> {
        let t = self.table(site, table)?;
        if let Some(i) = t.free.pop() {
            t.slots[i as usize - 1] = slot;
            return Ok(i);
        }
        if t.slots.len() >= (1 << 28) {
            return Err(site.trap(format_args!("handle table is full")));
        }
        t.slots.push(slot);
        Ok(t.slots.len() as u32)
    }

    /// Adds an own handle to `rep` of type `ty`; returns its index.
    pub(crate) fn new_own(
        &mut self,
        site: &Site<'_>,
        table: usize,
        ty: ResourceIndex,
        rep: u32,
    ) -> Result<u32> {
        self.insert(site, table, Slot::Own { rep, ty, lends: 0 })
    }

    /// Adds a borrow handle for the current export call.
    pub(crate) fn new_borrow(
        &mut self,
        site: &Site<'_>,
        table: usize,
        ty: ResourceIndex,
        rep: u32,
    ) -> Result<u32> {
        let scope = self.calls.len() as u32;
        let i = self.insert(site, table, Slot::Borrow { rep, ty, scope })?;
        self.scope_borrows += 1;
        Ok(i)
    }

    /// The slot at `idx`, checked to exist and to be of type `ty`.
    fn get(&mut self, site: &Site<'_>, table: usize, idx: u32, ty: ResourceIndex) -> Result<Slot> {
        let slot = self
            .table(site, table)?
            .slots
            .get((idx as usize).wrapping_sub(1))
            .copied()
            .unwrap_or(Slot::Free);
        let found = match slot {
            Slot::Free => {
                return Err(site.trap(format_args!(
                    "handle {idx} of `{}` does not exist (never created, already moved or already dropped)",
                    self.name(ty)
                )));
            }
            Slot::Own { ty, .. } | Slot::Borrow { ty, .. } => ty,
            Slot::Async { kind, .. } => {
                return Err(site.trap(format_args!(
                    "handle {idx} is a {}, but a handle of `{}` was expected",
                    kind.name(),
                    self.name(ty)
                )));
            }
        };
        if !self.same_type(found, ty) {
            return Err(site.trap(format_args!(
                "handle {idx} is a `{}`, but `{}` was expected",
                self.name(found),
                self.name(ty)
            )));
        }
        Ok(slot)
    }

    /// Adds a handle to async object `id` of `kind`; returns its index.
    pub(crate) fn new_async(
        &mut self,
        site: &Site<'_>,
        table: usize,
        kind: AsyncKind,
        id: u32,
    ) -> Result<u32> {
        self.insert(site, table, Slot::Async { kind, id })
    }

    /// Points async handle `idx` of table `table` at object `id`, for a
    /// handle added before its object existed.
    pub(crate) fn set_async_id(&mut self, table: usize, idx: u32, id: u32) {
        if let Some(Slot::Async { id: slot, .. }) = self
            .tables
            .get_mut(table)
            .and_then(|t| t.slots.get_mut((idx as usize).wrapping_sub(1)))
        {
            *slot = id;
        }
    }

    /// Frees async handle `idx` of table `table`, if it is one.
    pub(crate) fn free_async(&mut self, table: usize, idx: u32) {
        let is_async = self
            .tables
            .get(table)
            .and_then(|t| t.slots.get((idx as usize).wrapping_sub(1)))
            .is_some_and(|s| matches!(s, Slot::Async { .. }));
        if is_async {
            self.free(table, idx);
        }
    }

    /// The async object of `kind` that handle `idx` names.
    pub(crate) fn get_async(
        &mut self,
        site: &Site<'_>,
        table: usize,
        idx: u32,
        kind: AsyncKind,
    ) -> Result<u32> {
        let slot = self
            .table(site, table)?
            .slots
            .get((idx as usize).wrapping_sub(1))
            .copied()
            .unwrap_or(Slot::Free);
        match slot {
            Slot::Async { kind: k, id } if k == kind => Ok(id),
            Slot::Async { kind: k, .. } => Err(site.trap(format_args!(
                "handle {idx} is a {}, not a {}",
                k.name(),
                kind.name()
            ))),
            Slot::Own { ty, .. } | Slot::Borrow { ty, .. } => Err(site.trap(format_args!(
                "handle {idx} is a handle of `{}`, not a {}",
                self.name(ty),
                kind.name()
            ))),
            Slot::Free => Err(site.trap(format_args!(
                "unknown handle index {idx} (expected {} {})",
                kind.article(),
                kind.name()
            ))),
        }
    }

    /// The async object that handle `idx` names, whatever its kind.
    pub(crate) fn get_async_any(
        &mut self,
        site: &Site<'_>,
        table: usize,
        idx: u32,
    ) -> Result<(AsyncKind, u32)> {
        let slot = self
            .table(site, table)?
            .slots
            .get((idx as usize).wrapping_sub(1))
            .copied()
            .unwrap_or(Slot::Free);
        match slot {
            Slot::Async { kind, id } => Ok((kind, id)),
            Slot::Own { ty, .. } | Slot::Borrow { ty, .. } => Err(site.trap(format_args!(
                "handle {idx} is a handle of `{}`, not a waitable",
                self.name(ty)
            ))),
            Slot::Free => Err(site.trap(format_args!("unknown handle index {idx}"))),
        }
    }

    /// Removes handle `idx`, which must name an async object of `kind`;
    /// returns the object's id.
    pub(crate) fn remove_async(
        &mut self,
        site: &Site<'_>,
        table: usize,
        idx: u32,
        kind: AsyncKind,
    ) -> Result<u32> {
        let id = self.get_async(site, table, idx, kind)?;
        self.free(table, idx);
        Ok(id)
    }

    fn free(&mut self, table: usize, idx: u32) {
        if let Some(t) = self.tables.get_mut(table) {
            t.slots[idx as usize - 1] = Slot::Free;
            t.free.push(idx);
        }
    }

    /// Moves own handle `idx` out of the table (lifting an `own`).
    pub(crate) fn take_own(
        &mut self,
        site: &Site<'_>,
        table: usize,
        idx: u32,
        ty: ResourceIndex,
    ) -> Result<u32> {
        match self.get(site, table, idx, ty)? {
            Slot::Own { rep, lends: 0, .. } => {
                self.free(table, idx);
                Ok(rep)
            }
            Slot::Own { lends, .. } => Err(site.trap(format_args!(
                "own handle {idx} of `{}` cannot be moved while it is lent to {lends} borrow(s)",
                self.name(ty)
            ))),
            _ => Err(site.trap(format_args!(
                "handle {idx} of `{}` is a borrow, but an own handle was expected",
                self.name(ty)
            ))),
        }
    }

    /// Lends handle `idx` for the current host call (lifting a `borrow`);
    /// returns its rep.
    pub(crate) fn lend(
        &mut self,
        site: &Site<'_>,
        table: usize,
        idx: u32,
        ty: ResourceIndex,
    ) -> Result<u32> {
        match self.get(site, table, idx, ty)? {
            Slot::Own { rep, ty, lends } => {
                if let Some(t) = self.tables.get_mut(table) {
                    t.slots[idx as usize - 1] = Slot::Own {
                        rep,
                        ty,
                        lends: lends + 1,
                    };
                }
                self.lent.push((table, idx));
                Ok(rep)
            }
            Slot::Borrow { rep, .. } => Ok(rep),
            Slot::Free | Slot::Async { .. } => Err(gone(site, idx)),
        }
    }

    /// How many lends are recorded; pass it to [`Handles::end_lends`] when
    /// the host call returns.
    pub(crate) fn lends_mark(&self) -> usize {
        self.lent.len()
    }

    /// Ends the lends made since `mark`: the host call that borrowed returned.
    #[inline]
    pub(crate) fn end_lends(&mut self, mark: usize) {
        while self.lent.len() > mark {
            let Some(lend) = self.lent.pop() else {
                break;
            };
            self.end_lends_of(&[lend]);
        }
    }

    /// The lends made since `mark`, which now last until they are given to
    /// [`end_lends_of`](Handles::end_lends_of): an async host call's, which end when
    /// its future does, not when the call returns to the guest.
    pub(crate) fn take_lends(&mut self, mark: usize) -> Vec<(usize, u32)> {
        self.lent.split_off(mark.min(self.lent.len()))
    }

    /// Ends `lends` (from [`take_lends`](Handles::take_lends)).
    pub(crate) fn end_lends_of(&mut self, lends: &[(usize, u32)]) {
        for &(table, idx) in lends {
            if let Some(Slot::Own { lends, .. }) = self
                .tables
                .get_mut(table)
                .and_then(|t| t.slots.get_mut(idx as usize - 1))
            {
                *lends = lends.saturating_sub(1);
            }
        }
    }

    /// The rep behind handle `idx` (`resource.rep`).
    pub(crate) fn rep(
        &mut self,
        site: &Site<'_>,
        table: usize,
        idx: u32,
        ty: ResourceIndex,
    ) -> Result<u32> {
        match self.get(site, table, idx, ty)? {
            Slot::Own { rep, .. } | Slot::Borrow { rep, .. } => Ok(rep),
            Slot::Free | Slot::Async { .. } => Err(gone(site, idx)),
        }
    }

    /// Removes handle `idx` (`resource.drop`).
    pub(crate) fn drop_handle(
        &mut self,
        site: &Site<'_>,
        table: usize,
        idx: u32,
        ty: ResourceIndex,
    ) -> Result<Dropped> {
        match self.get(site, table, idx, ty)? {
            Slot::Own { lends: 0, rep, .. } => {
                self.free(table, idx);
                Ok(Dropped::Own { rep })
            }
            Slot::Own { lends, .. } => Err(site.trap(format_args!(
                "own handle {idx} of `{}` cannot be dropped while it is lent to {lends} borrow(s)",
                self.name(ty)
            ))),
            Slot::Borrow { scope, .. } => {
                self.free(table, idx);
                // A borrow lent to an async callee may be dropped from
                // inside another call: it counts in the scope it was made
                // in, not the one running now.
                let count = match self.calls.get_mut(scope as usize) {
                    Some(saved) => &mut saved.borrows,
                    None => &mut self.scope_borrows,
                };
                *count = count.saturating_sub(1);
                Ok(Dropped::Borrow)
            }
            Slot::Free | Slot::Async { .. } => Err(gone(site, idx)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Place;

    const SITE: Site<'static> = Site {
        func: "f",
        place: Place::Param("h"),
    };

    fn handles() -> (Handles, ResourceIndex, ResourceIndex) {
        let h = Handles::new(1, vec!["a".into(), "b".into()].into(), vec![None, None]);
        (h, ResourceIndex::from_u32(0), ResourceIndex::from_u32(1))
    }

    fn msg(r: Result<impl Sized>) -> String {
        match r {
            Ok(_) => "ok".into(),
            Err(e) => format!("{e:#}"),
        }
    }

    #[test]
    fn indices_start_at_one_and_are_reused() {
        let (mut h, a, _) = handles();
        assert_eq!(h.new_own(&SITE, 0, a, 10).unwrap(), 1);
        assert_eq!(h.new_own(&SITE, 0, a, 11).unwrap(), 2);
        assert_eq!(h.take_own(&SITE, 0, 1, a).unwrap(), 10);
        assert_eq!(h.new_own(&SITE, 0, a, 12).unwrap(), 1);
        assert_eq!(
            msg(h.rep(&SITE, 0, 0, a)),
            "handle 0 of `a` does not exist (never created, already moved or already dropped) in param `h` of `f`"
        );
    }

    #[test]
    fn type_moved_and_lent_rules() {
        let (mut h, a, b) = handles();
        let i = h.new_own(&SITE, 0, a, 7).unwrap();
        assert_eq!(
            msg(h.rep(&SITE, 0, i, b)),
            "handle 1 is a `a`, but `b` was expected in param `h` of `f`"
        );
        let mark = h.lends_mark();
        assert_eq!(h.lend(&SITE, 0, i, a).unwrap(), 7);
        assert_eq!(
            msg(h.take_own(&SITE, 0, i, a)),
            "own handle 1 of `a` cannot be moved while it is lent to 1 borrow(s) in param `h` of `f`"
        );
        assert_eq!(
            msg(h.drop_handle(&SITE, 0, i, a)),
            "own handle 1 of `a` cannot be dropped while it is lent to 1 borrow(s) in param `h` of `f`"
        );
        h.end_lends(mark);
        assert!(matches!(
            h.drop_handle(&SITE, 0, i, a).unwrap(),
            Dropped::Own { rep: 7 }
        ));
        assert_eq!(
            msg(h.drop_handle(&SITE, 0, i, a)),
            "handle 1 of `a` does not exist (never created, already moved or already dropped) in param `h` of `f`"
        );
    }

    #[test]
    fn borrows_count_in_the_scope_until_dropped() {
        let (mut h, a, _) = handles();
        let i = h.new_borrow(&SITE, 0, a, 3).unwrap();
        assert_eq!(h.scope_borrows, 1);
        assert_eq!(
            msg(h.take_own(&SITE, 0, i, a)),
            "handle 1 of `a` is a borrow, but an own handle was expected in param `h` of `f`"
        );
        assert!(matches!(
            h.drop_handle(&SITE, 0, i, a).unwrap(),
            Dropped::Borrow
        ));
        assert_eq!(h.scope_borrows, 0);
    }
}
