//! `ResourceTable`: the host's state behind its resource handles.

use core::any::Any;

use anyhow::anyhow;

use super::{Borrow, Resource};
use crate::error::Result;

/// A slab of host values of any type, keyed by the `rep` that their
/// [`Resource`] handles carry. Put one in the store's data.
#[derive(Default)]
pub struct ResourceTable {
    slots: Vec<Option<Box<dyn Any + Send>>>,
    free: Vec<u32>,
}

impl core::fmt::Debug for ResourceTable {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ResourceTable")
            .field("live", &(self.slots.len() - self.free.len()))
            .finish()
    }
}

/// Anything naming an entry of type `T`: an owned or a borrowed handle,
/// so that the handle's type says what `get` returns.
pub trait Rep<T> {
    /// The entry's key.
    fn rep(&self) -> u32;
}

impl<T: 'static> Rep<T> for Resource<T> {
    fn rep(&self) -> u32 {
        Resource::rep(self)
    }
}

impl<T: 'static> Rep<T> for Borrow<T> {
    fn rep(&self) -> u32 {
        Borrow::rep(self)
    }
}

impl ResourceTable {
    /// An empty table.
    pub fn new() -> ResourceTable {
        ResourceTable::default()
    }

    /// Stores `value` and returns an owned handle to it.
    pub fn push<T: Send + 'static>(&mut self, value: T) -> Resource<T> {
        let boxed: Box<dyn Any + Send> = Box::new(value);
        let rep = match self.free.pop() {
            Some(rep) => {
                self.slots[rep as usize] = Some(boxed);
                rep
            }
            None => {
                self.slots.push(Some(boxed));
                (self.slots.len() - 1) as u32
            }
        };
        Resource::new(rep)
    }

    fn slot(&self, rep: u32) -> Result<&(dyn Any + Send)> {
        self.slots
            .get(rep as usize)
            .and_then(Option::as_deref)
            .ok_or_else(|| anyhow!("resource table has no entry {rep}"))
    }

    /// The value behind `handle`.
    pub fn get<T: 'static>(&self, handle: &impl Rep<T>) -> Result<&T> {
        let rep = handle.rep();
        self.slot(rep)?.downcast_ref().ok_or_else(|| {
            anyhow!(
                "resource table entry {rep} is not a `{}`",
                core::any::type_name::<T>()
            )
        })
    }

    /// The value behind `handle`, mutable.
    pub fn get_mut<T: 'static>(&mut self, handle: &impl Rep<T>) -> Result<&mut T> {
        let rep = handle.rep();
        self.slots
            .get_mut(rep as usize)
            .and_then(Option::as_deref_mut)
            .ok_or_else(|| anyhow!("resource table has no entry {rep}"))?
            .downcast_mut()
            .ok_or_else(|| {
                anyhow!(
                    "resource table entry {rep} is not a `{}`",
                    core::any::type_name::<T>()
                )
            })
    }

    /// Removes and returns the value behind `handle`.
    pub fn delete<T: 'static>(&mut self, handle: Resource<T>) -> Result<T> {
        let rep = handle.rep();
        self.get::<T>(&handle)?;
        let value = self.slots[rep as usize]
            .take()
            .ok_or_else(|| anyhow!("resource table has no entry {rep}"))?;
        self.free.push(rep);
        value
            .downcast::<T>()
            .map(|b| *b)
            .map_err(|_| anyhow!("resource table entry {rep} changed type"))
    }

    /// How many values the table holds.
    pub fn len(&self) -> usize {
        self.slots.len() - self.free.len()
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
