//! The per-store state of the async component model: tasks and waitable
//! sets, in the spec's terms (`Task`, `WaitableSet` of `CanonicalABI.md`).
//!
//! A store holds none of this until a component that uses the async ABI is
//! called: synchronous components never allocate it.

use wasmtime_environ::component::TypeTupleIndex;

/// The async state of one store.
#[derive(Default)]
pub(crate) struct Tasks {
    tasks: Vec<Option<Task>>,
    free_tasks: Vec<u32>,
    /// The tasks whose code is on the stack, innermost last: the last is
    /// the spec's `current_task()`.
    pub(crate) current: Vec<Frame>,
    sets: Vec<Option<WaitableSet>>,
    free_sets: Vec<u32>,
    /// Each runtime component instance's backpressure counter, by
    /// (hostbind instance, runtime component instance).
    backpressure: Vec<((usize, usize), u16)>,
}

/// Guest code on the stack: a task's, or a `realloc` the host calls to
/// lower values, which runs with context slots of its own (as wasmtime
/// runs it), discarded when it returns.
#[derive(Clone, Copy)]
pub(crate) enum Frame {
    Task(u32),
    Scratch([u32; 2]),
}

/// Where a task is in the spec's life cycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TaskState {
    /// Running or waiting, with no result yet.
    Started,
    /// `task.return` delivered its result (or a synchronous callee returned).
    Resolved,
}

/// One call of a lifted function: the spec's `Task`.
pub(crate) struct Task {
    /// The hostbind instance and the runtime component instance (its
    /// handle table) the callee lives in.
    pub(crate) instance: usize,
    pub(crate) table: usize,
    /// The lift's canonical options (an `OptionsIndex`).
    pub(crate) options: u32,
    /// The function's result types, which `task.return` must match.
    pub(crate) results: TypeTupleIndex,
    /// Whether the function was lifted `async`.
    pub(crate) async_: bool,
    pub(crate) state: TaskState,
    /// Where `task.return` delivers the result: an erased
    /// `&mut &mut concurrent::Sink<B, T>` on the stack of the call that
    /// runs the task, which outlives it.
    pub(crate) sink: Option<SinkPtr>,
    /// `context.get`/`context.set` storage.
    pub(crate) context: [u32; 2],
    /// The export's name, for messages.
    pub(crate) name: Box<str>,
}

/// A waitable set: the waitables joined to it, none in this version.
#[derive(Default)]
pub(crate) struct WaitableSet {
    /// How many tasks wait on the set now.
    pub(crate) waiters: u32,
}

/// The erased pointer to a task's result sink.
#[derive(Clone, Copy)]
pub(crate) struct SinkPtr(pub(crate) core::ptr::NonNull<()>);

// SAFETY: the pointer is set only while the call that owns the sink runs
// with the store mutably borrowed, and is used only on that call's thread
// through that borrow: the store cannot move to another thread while the
// pointer can be followed.
unsafe impl Send for SinkPtr {}
// SAFETY: as for `Send`; a shared store gives no way to follow it.
unsafe impl Sync for SinkPtr {}

impl Tasks {
    /// Adds `task`; returns its id.
    pub(crate) fn push_task(&mut self, task: Task) -> u32 {
        match self.free_tasks.pop() {
            Some(id) => {
                self.tasks[id as usize] = Some(task);
                id
            }
            None => {
                self.tasks.push(Some(task));
                (self.tasks.len() - 1) as u32
            }
        }
    }

    /// Removes task `id`.
    pub(crate) fn remove_task(&mut self, id: u32) -> Option<Task> {
        let task = self.tasks.get_mut(id as usize)?.take()?;
        self.free_tasks.push(id);
        Some(task)
    }

    /// Task `id`.
    pub(crate) fn task(&mut self, id: u32) -> Option<&mut Task> {
        self.tasks.get_mut(id as usize)?.as_mut()
    }

    /// The task whose code runs now, if any.
    pub(crate) fn current(&mut self) -> Option<&mut Task> {
        match *self.current.last()? {
            Frame::Task(id) => self.task(id),
            Frame::Scratch(_) => None,
        }
    }

    /// The context slots of the code running now, if any.
    pub(crate) fn context(&mut self) -> Option<&mut [u32; 2]> {
        let Tasks { current, tasks, .. } = self;
        match current.last_mut()? {
            Frame::Task(id) => tasks
                .get_mut(*id as usize)?
                .as_mut()
                .map(|t| &mut t.context),
            Frame::Scratch(slots) => Some(slots),
        }
    }

    /// Adds a waitable set; returns its id.
    pub(crate) fn push_set(&mut self, set: WaitableSet) -> u32 {
        match self.free_sets.pop() {
            Some(id) => {
                self.sets[id as usize] = Some(set);
                id
            }
            None => {
                self.sets.push(Some(set));
                (self.sets.len() - 1) as u32
            }
        }
    }

    /// Waitable set `id`.
    pub(crate) fn set(&mut self, id: u32) -> Option<&mut WaitableSet> {
        self.sets.get_mut(id as usize)?.as_mut()
    }

    /// Removes waitable set `id`.
    pub(crate) fn remove_set(&mut self, id: u32) -> Option<WaitableSet> {
        let set = self.sets.get_mut(id as usize)?.take()?;
        self.free_sets.push(id);
        Some(set)
    }

    /// The backpressure counter of a runtime component instance.
    pub(crate) fn backpressure(&mut self, instance: usize, table: usize) -> &mut u16 {
        let key = (instance, table);
        let at = match self.backpressure.iter().position(|(k, _)| *k == key) {
            Some(at) => at,
            None => {
                self.backpressure.push((key, 0));
                self.backpressure.len() - 1
            }
        };
        &mut self.backpressure[at].1
    }
}
