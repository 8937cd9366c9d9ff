//! The per-store state of the async component model: tasks, subtasks,
//! waitables and waitable sets, streams, futures and error contexts, in the
//! spec's terms (`Task`, `Subtask`, `Waitable`, `WaitableSet`, `CopyEnd`,
//! `SharedStreamImpl`, `ErrorContext` of `CanonicalABI.md`).
//!
//! A store holds none of this until a component that uses the async ABI is
//! called: synchronous components never allocate it.

use wasmtime_environ::component::{InterfaceType, OptionsIndex, TypeTupleIndex};

use crate::engine::Backend;
use crate::raw::ValRaw;

/// The async state of one store.
pub(crate) struct Tasks<B: Backend> {
    tasks: Slab<Task<B>>,
    waitables: Slab<Waitable>,
    sets: Slab<WaitableSet>,
    /// What the two ends of each stream or future share.
    shared: Slab<Shared>,
    /// Each error context, with the number of handles to it.
    errors: Slab<ErrorContext>,
    /// Guest code on the stack, innermost last: the last task frame is the
    /// spec's `current_task()`.
    pub(crate) current: Vec<Frame>,
    /// Each runtime component instance's backpressure counter and the
    /// task holding it exclusively, by (hostbind instance, runtime
    /// component instance).
    instances: Vec<((usize, usize), InstanceTasks)>,
    /// The suspendable engine calls in progress, innermost last: the task
    /// each runs, and how many frames were on the stack when it started.
    pub(crate) threads: Vec<(u32, usize)>,
    /// A guest-to-guest call prepared by `prepare-call`, waiting for its
    /// `start-call`.
    pub(crate) prepared: Option<u32>,
    /// Callbacks run since a task last started, returned, exited or got
    /// an event: tasks that only yield.
    pub(crate) idle_steps: u32,
    /// Calls of async host functions whose futures have not finished.
    pub(crate) host_calls: Slab<HostCall>,
    /// Who to wake when one of their futures can go on: the waker of the
    /// host's `poll` that drives the store, or a thread blocked on it.
    pub(crate) outer: std::sync::Arc<std::sync::Mutex<Option<core::task::Waker>>>,
    /// Set when the host drops a started call unfinished: the loop then
    /// cancels the tasks whose `dropped` flag is set.
    pub(crate) any_dropped: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl<B: Backend> Default for Tasks<B> {
    fn default() -> Self {
        Tasks {
            tasks: Slab::default(),
            waitables: Slab::default(),
            sets: Slab::default(),
            shared: Slab::default(),
            errors: Slab::default(),
            current: Vec::new(),
            threads: Vec::new(),
            instances: Vec::new(),
            prepared: None,
            idle_steps: 0,
            host_calls: Slab::default(),
            outer: Default::default(),
            any_dropped: Default::default(),
        }
    }
}

/// What the async ABI keeps per runtime component instance.
#[derive(Default)]
pub(crate) struct InstanceTasks {
    pub(crate) backpressure: u16,
    /// The task whose code runs in the instance and needs it alone (a
    /// synchronous task, or a callback-lifted one inside its callback).
    pub(crate) exclusive: Option<u32>,
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
    /// Waiting for backpressure to clear before its params are lowered.
    Starting,
    /// Running or waiting, with no result yet.
    Started,
    /// `task.return` delivered its result (or a synchronous callee returned).
    Resolved,
}

/// A task's cancellation, as the spec's `PENDING_CANCEL` and
/// `CANCEL_DELIVERED` task states track it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cancel {
    NotRequested,
    /// Requested; the task will be told when it next waits cancellably.
    Pending,
    /// The task was told, and may now call `task.cancel`.
    Delivered,
}

/// What a suspended task waits for: the built-in it blocked in, with what
/// that built-in needs to finish when the task is resumed.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Blocked {
    /// `waitable-set.wait` on `set`, writing the event at `ptr` in the
    /// memory of canonical options `options` of hostbind instance
    /// `instance`.
    Wait {
        set: u32,
        instance: usize,
        options: OptionsIndex,
        ptr: u32,
        cancellable: bool,
    },
    /// A synchronous stream or future copy on end `w`.
    Copy { w: u32 },
    /// A synchronous `subtask.cancel` of subtask `w`.
    Cancel { w: u32 },
    /// A synchronous call of an async function: its callee's task.
    SyncCall { callee: u32 },
    /// A synchronous call of an async host function: its host call.
    HostCall { call: u32 },
    /// `thread.yield`.
    Yield { cancellable: bool },
}

/// What the return of a task's suspended code means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Finish {
    /// A stackful task's code returned: the task exits.
    Exit,
    /// A callback returned its code.
    Callback,
    /// A synchronously lifted callee of an async call returned: its
    /// result goes to the caller, then its `post-return` runs.
    SyncCallee,
    /// A synchronously lifted export the host started (to finish later)
    /// returned `results` core values: they go to the host's sink, which
    /// lifts them and runs the `post-return`.
    SyncHost { results: u8 },
}

/// Where a task's code is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Exec {
    /// Its code is on the stack.
    Running,
    /// A callback-lifted task that yielded: ready to be called back.
    Yielded,
    /// A callback-lifted task waiting on a waitable set.
    Waiting(u32),
    /// Its code is suspended in a built-in that blocked, until what it
    /// waits for happens (see [`Blocked`]).
    Suspended,
    /// Its code has finished.
    Exited,
}

/// Who receives a task's result.
pub(crate) enum Returns<B: Backend> {
    /// The host, through the sink of the export call that runs the task.
    Host(Option<SinkPtr>),
    /// Another component, through the adapter's `return` function, which
    /// lowers the result into the caller (`retptr` appended when the result
    /// goes to its memory); a synchronous caller's flat result is kept.
    Guest {
        func: B::Func,
        retptr: Option<u32>,
        sync_result: Option<Option<ValRaw>>,
    },
    /// No one: the host's call took the result and returned, and the task
    /// runs on until it exits.
    Detached,
    /// A call the host started and will finish later: its sink, an
    /// `OwnedSink<B, T>` of the store's data type, boxed.
    Owned(Box<dyn core::any::Any + Send>),
}

/// One call of a lifted function: the spec's `Task`, with the `Subtask`
/// its caller sees.
pub(crate) struct Task<B: Backend> {
    /// The hostbind instance and the runtime component instance (its
    /// handle table) the callee lives in.
    pub(crate) instance: usize,
    pub(crate) table: usize,
    /// The lift's string encoding and memory, and its result types, which
    /// `task.return` must match.
    pub(crate) abi: (u8, Option<u32>),
    pub(crate) results: TypeTupleIndex,
    /// Whether the function was lifted `async` (it returns with
    /// `task.return`), and whether its type is async (it may block).
    pub(crate) async_: bool,
    pub(crate) may_block: bool,
    /// The callee's `callback`, if it is callback-lifted.
    pub(crate) callback: Option<B::Func>,
    pub(crate) state: TaskState,
    pub(crate) exec: Exec,
    /// Whether its caller asked to cancel it, and whether it was told.
    pub(crate) cancel: Cancel,
    /// Its suspended code, what it waits for, and what its code's return
    /// means once resumed.
    pub(crate) thread: Option<B::Thread>,
    pub(crate) blocked: Option<Blocked>,
    pub(crate) finish: Finish,
    pub(crate) returns: Returns<B>,
    /// `context.get`/`context.set` storage.
    pub(crate) context: [u32; 2],
    /// The export's or adapter's name, for messages.
    pub(crate) name: Box<str>,
    /// A guest caller's view: the caller task, the waitable standing for
    /// this call in its table, and what starting the call needs.
    pub(crate) caller: Option<u32>,
    pub(crate) waitable: Option<u32>,
    pub(crate) start: Option<Start<B>>,
    /// For a call the host started: set when the host drops its `Call`
    /// unfinished, which cancels the task.
    pub(crate) dropped: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
}

/// What a prepared guest-to-guest call needs to start: the adapter's
/// function that moves the params across, the caller's flat params for it,
/// and the callee's core function.
pub(crate) struct Start<B: Backend> {
    pub(crate) func: B::Func,
    pub(crate) params: Vec<ValRaw>,
    pub(crate) callee: Option<B::Func>,
    pub(crate) post_return: Option<B::Func>,
    pub(crate) result_count: usize,
}

/// A waitable: a subtask as its caller sees it, or one end of a stream or
/// future.
pub(crate) struct Waitable {
    /// Its handle in its component instance's table.
    pub(crate) handle: u32,
    /// The set it is joined to.
    pub(crate) set: Option<u32>,
    /// A synchronous built-in waits on it now, so it may not join a set.
    pub(crate) sync_waiter: bool,
    pub(crate) kind: WaitableKind,
}

/// What a [`Waitable`] stands for.
pub(crate) enum WaitableKind {
    /// A guest-to-guest call in progress: the callee's task, the last status
    /// not yet delivered as an event, and the last delivered.
    Subtask {
        task: u32,
        pending: Option<u32>,
        delivered: u32,
    },
    /// One end of a stream or future.
    End(End),
    /// An async-lowered call of an async host function: its host call
    /// (gone once it returned), the status not yet delivered and the last
    /// delivered.
    HostCall {
        call: u32,
        pending: Option<u32>,
        delivered: u32,
    },
}

impl Waitable {
    /// Whether an event waits to be delivered.
    pub(crate) fn has_event(&self) -> bool {
        match &self.kind {
            WaitableKind::Subtask { pending, .. } | WaitableKind::HostCall { pending, .. } => {
                pending.is_some()
            }
            WaitableKind::End(end) => end.event.is_some(),
        }
    }

    /// The end it is, if it is one.
    pub(crate) fn end(&mut self) -> Option<&mut End> {
        match &mut self.kind {
            WaitableKind::End(end) => Some(end),
            WaitableKind::Subtask { .. } | WaitableKind::HostCall { .. } => None,
        }
    }
}

/// A call of an async host function whose future has not finished, or
/// whose results its synchronous caller has not taken yet.
pub(crate) struct HostCall {
    pub(crate) future: Option<crate::call::async_glue::CallFuture>,
    /// Set when the future's waker fires: only those futures are polled.
    pub(crate) wake: std::sync::Arc<HostWake>,
    /// The future's output, until its caller takes it.
    pub(crate) done: Option<crate::error::Result<crate::call::async_glue::Lowering>>,
    pub(crate) lowering: HostLowering,
    /// The pointer the caller passed for the results, if any.
    pub(crate) results_at: Option<u32>,
    /// Whether the caller is blocked in a synchronous call (it takes
    /// `done` itself); otherwise the call was lowered async, and the
    /// results go into the caller's memory when the future finishes.
    pub(crate) sync: bool,
    /// The subtask the async caller holds for the call.
    pub(crate) waitable: Option<u32>,
    /// The caller's handles lent to the call's `borrow` params (table and
    /// index in the caller's instance), until the future is done.
    pub(crate) lends: Vec<(usize, u32)>,
}

/// How a host function's call was lowered: what lowering its results
/// into the caller needs.
#[derive(Clone)]
pub(crate) struct HostLowering {
    pub(crate) name: std::sync::Arc<str>,
    pub(crate) types: std::sync::Arc<wasmtime_environ::component::ComponentTypes>,
    pub(crate) ty: wasmtime_environ::component::TypeFuncIndex,
    pub(crate) options: u32,
    pub(crate) encoding: crate::abi::StringEncoding,
    pub(crate) res: crate::abi::ResCx,
    /// Whether the function's type passes streams, futures or error
    /// contexts, whose moves are settled after each lift and lower.
    pub(crate) transmits: bool,
}

/// The waker of one host call's future: notes that it can go on, and
/// wakes whoever drives the store.
pub(crate) struct HostWake {
    pub(crate) woken: std::sync::atomic::AtomicBool,
    pub(crate) outer: std::sync::Arc<std::sync::Mutex<Option<core::task::Waker>>>,
}

impl std::task::Wake for HostWake {
    fn wake(self: std::sync::Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &std::sync::Arc<Self>) {
        self.woken.store(true, std::sync::atomic::Ordering::Release);
        let outer = self.outer.lock().ok().and_then(|w| w.clone());
        if let Some(w) = outer {
            w.wake();
        }
    }
}

/// A stream or a future.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Transmit {
    Stream,
    Future,
}

impl Transmit {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Transmit::Stream => "stream",
            Transmit::Future => "future",
        }
    }
}

/// The spec's `CopyState` of an end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CopyState {
    Idle,
    Copying,
    Cancelling,
    /// No more copies: the other end dropped, or a future's value moved.
    Done,
}

/// The spec's `CopyResult`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CopyResult {
    Completed = 0,
    Dropped = 1,
    Cancelled = 2,
}

/// The `table` of an end the host holds.
pub(crate) const HOST_TABLE: usize = usize::MAX;

/// One end of a stream or future, held in a component instance's table or
/// by the host.
pub(crate) struct End {
    pub(crate) shared: u32,
    pub(crate) transmit: Transmit,
    pub(crate) readable: bool,
    /// The stream or future table type it is held as
    /// (`TypeStreamTableIndex`/`TypeFutureTableIndex`), and the runtime
    /// component instance whose table holds it.
    pub(crate) ty: u32,
    pub(crate) table: usize,
    pub(crate) state: CopyState,
    /// The buffer of the copy in progress.
    pub(crate) buffer: Option<Buffer>,
    /// The result of that copy, once there is one to deliver.
    pub(crate) event: Option<CopyResult>,
    /// For an end the host holds: the number its host handle carries
    /// (never reused, so a stale handle is refused), and the values of
    /// its copy in progress (to write, or read so far).
    pub(crate) serial: u64,
    pub(crate) items: HostItems,
    /// The waker of a host function's future waiting for this end's copy.
    pub(crate) waker: Option<core::task::Waker>,
}

impl End {
    /// An idle end of shared state `shared`, held in `table` as table type
    /// `ty` (or by the host as `serial`).
    pub(crate) fn new(
        shared: u32,
        (transmit, readable): (Transmit, bool),
        (ty, table): (u32, usize),
        serial: u64,
    ) -> End {
        End {
            shared,
            transmit,
            readable,
            ty,
            table,
            state: CopyState::Idle,
            buffer: None,
            event: None,
            serial,
            items: HostItems::Vals(Vec::new()),
            waker: None,
        }
    }
}

/// The values of a host end's copy: canonical bytes for `u8` elements (a
/// byte stream moves with one `memcpy`), [`Val`]s otherwise.
pub(crate) enum HostItems {
    Bytes(Vec<u8>),
    Vals(Vec<crate::Val>),
    /// A typed end's elements.
    Typed(Box<dyn crate::abi::items::Items>),
}

impl HostItems {
    pub(crate) fn len(&self) -> usize {
        match self {
            HostItems::Bytes(b) => b.len(),
            HostItems::Vals(v) => v.len(),
            HostItems::Typed(t) => t.len(),
        }
    }

    /// The items from `at` on; this keeps those before.
    pub(crate) fn split_off(&mut self, at: usize) -> HostItems {
        match self {
            HostItems::Bytes(b) => HostItems::Bytes(b.split_off(at.min(b.len()))),
            HostItems::Vals(v) => HostItems::Vals(v.split_off(at.min(v.len()))),
            HostItems::Typed(t) => HostItems::Typed(t.split_off(at)),
        }
    }
}

/// The buffer of a stream or future copy: `len` elements at `ptr` in the
/// memory of canonical options `options` (the host's [`End::items`] when
/// `None`), `progress` of them copied.
#[derive(Clone, Copy)]
pub(crate) struct Buffer {
    pub(crate) options: Option<OptionsIndex>,
    pub(crate) ptr: u32,
    pub(crate) len: u32,
    pub(crate) progress: u32,
}

impl Buffer {
    pub(crate) fn remain(&self) -> u32 {
        self.len - self.progress
    }
}

/// What both ends of a stream or future share.
pub(crate) struct Shared {
    /// The hostbind instance whose components hold its ends (none yet for
    /// one the host made and has not passed to a guest).
    pub(crate) instance: Option<usize>,
    /// The element type (`None` for `stream`/`future` without one), in
    /// `types`: the instance's component's, or those of the type the host
    /// made it from.
    pub(crate) payload: Option<InterfaceType>,
    pub(crate) types: std::sync::Arc<wasmtime_environ::component::ComponentTypes>,
    /// One end has been dropped.
    pub(crate) dropped: bool,
    /// The end whose copy waits for the other end.
    pub(crate) pending: Option<u32>,
    /// How many ends are still held.
    pub(crate) ends: u8,
    /// Made by the host for typed ends: the element type is the Rust one,
    /// and `payload` is learnt when the readable end is given to a guest.
    pub(crate) typed: bool,
}

/// An error context: its debug message, and how many handles name it.
pub(crate) struct ErrorContext {
    pub(crate) message: String,
    pub(crate) refs: u32,
}

/// A waitable set: the waitables joined to it.
#[derive(Default)]
pub(crate) struct WaitableSet {
    pub(crate) members: Vec<u32>,
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

/// A vector of optional slots with a free list.
pub(crate) struct Slab<V> {
    slots: Vec<Option<V>>,
    free: Vec<u32>,
}

impl<V> Default for Slab<V> {
    fn default() -> Self {
        Slab {
            slots: Vec::new(),
            free: Vec::new(),
        }
    }
}

impl<V> Slab<V> {
    pub(crate) fn push(&mut self, v: V) -> u32 {
        match self.free.pop() {
            Some(id) => {
                self.slots[id as usize] = Some(v);
                id
            }
            None => {
                self.slots.push(Some(v));
                (self.slots.len() - 1) as u32
            }
        }
    }

    pub(crate) fn get(&mut self, id: u32) -> Option<&mut V> {
        self.slots.get_mut(id as usize)?.as_mut()
    }

    pub(crate) fn remove(&mut self, id: u32) -> Option<V> {
        let v = self.slots.get_mut(id as usize)?.take()?;
        self.free.push(id);
        Some(v)
    }

    /// Whether no entry is live.
    pub(crate) fn is_empty(&self) -> bool {
        self.free.len() == self.slots.len()
    }

    /// Whether `id` names a live entry; `false` for a freed one.
    pub(crate) fn live(&self, id: u32) -> bool {
        self.slots.get(id as usize).is_some_and(Option::is_some)
    }

    /// The ids of the live entries, in order.
    pub(crate) fn ids(&self) -> Vec<u32> {
        (0..self.slots.len() as u32)
            .filter(|i| self.slots[*i as usize].is_some())
            .collect()
    }
}

impl<B: Backend> Tasks<B> {
    pub(crate) fn tasks(&mut self) -> &mut Slab<Task<B>> {
        &mut self.tasks
    }

    pub(crate) fn waitables(&mut self) -> &mut Slab<Waitable> {
        &mut self.waitables
    }

    pub(crate) fn sets(&mut self) -> &mut Slab<WaitableSet> {
        &mut self.sets
    }

    pub(crate) fn shared(&mut self) -> &mut Slab<Shared> {
        &mut self.shared
    }

    pub(crate) fn errors(&mut self) -> &mut Slab<ErrorContext> {
        &mut self.errors
    }

    /// The end that waitable `id` is, if it is one.
    pub(crate) fn end(&mut self, id: u32) -> Option<&mut End> {
        self.waitables.get(id)?.end()
    }

    /// Task `id`.
    pub(crate) fn task(&mut self, id: u32) -> Option<&mut Task<B>> {
        self.tasks.get(id)
    }

    /// The id of the task whose code runs now, if any.
    pub(crate) fn current_id(&self) -> Option<u32> {
        match *self.current.last()? {
            Frame::Task(id) => Some(id),
            Frame::Scratch(_) => None,
        }
    }

    /// The task whose code runs now, if any.
    pub(crate) fn current(&mut self) -> Option<&mut Task<B>> {
        let id = self.current_id()?;
        self.tasks.get(id)
    }

    /// The context slots of the code running now, if any.
    pub(crate) fn context(&mut self) -> Option<&mut [u32; 2]> {
        let Tasks { current, tasks, .. } = self;
        match current.last_mut()? {
            Frame::Task(id) => tasks.get(*id).map(|t| &mut t.context),
            Frame::Scratch(slots) => Some(slots),
        }
    }

    /// What the async ABI keeps for a runtime component instance.
    pub(crate) fn instance(&mut self, instance: usize, table: usize) -> &mut InstanceTasks {
        let key = (instance, table);
        let at = match self.instances.iter().position(|(k, _)| *k == key) {
            Some(at) => at,
            None => {
                self.instances.push((key, InstanceTasks::default()));
                self.instances.len() - 1
            }
        };
        &mut self.instances[at].1
    }

    /// Drops every task of hostbind instance `instance`, and what holds
    /// its runtime instances: a trap left it unusable.
    pub(crate) fn abandon(&mut self, instance: usize) {
        for id in self.tasks.ids() {
            if self.tasks.get(id).is_some_and(|t| t.instance == instance) {
                self.tasks.remove(id);
            }
        }
        for id in self.waitables.ids() {
            let gone = self.waitables.get(id).is_some_and(|w| match &w.kind {
                WaitableKind::Subtask { task, .. } => self.tasks.get(*task).is_none(),
                WaitableKind::HostCall { call, .. } => self
                    .host_calls
                    .get(*call)
                    .is_none_or(|c| c.lowering.res.instance == instance),
                WaitableKind::End(end) => self
                    .shared
                    .get(end.shared)
                    .is_none_or(|s| s.instance == Some(instance)),
            });
            if gone {
                self.waitables.remove(id);
            }
        }
        for id in self.host_calls.ids() {
            if self
                .host_calls
                .get(id)
                .is_some_and(|c| c.lowering.res.instance == instance)
            {
                self.host_calls.remove(id);
            }
        }
        for id in self.shared.ids() {
            if self
                .shared
                .get(id)
                .is_some_and(|s| s.instance == Some(instance))
            {
                self.shared.remove(id);
            }
        }
        for ((i, _), inst) in &mut self.instances {
            if *i == instance {
                inst.exclusive = None;
            }
        }
        let tasks = &self.tasks;
        self.current.retain(|f| match f {
            Frame::Task(t) => tasks.live(*t),
            Frame::Scratch(_) => true,
        });
    }

    /// Whether task `id`'s caller is a task whose code is on the stack,
    /// below it: that caller would run on if the task could suspend.
    pub(crate) fn caller_on_stack(&mut self, id: u32) -> bool {
        let Some(caller) = self.tasks.get(id).and_then(|t| t.caller) else {
            return false;
        };
        self.current
            .iter()
            .any(|f| matches!(f, Frame::Task(t) if *t == caller))
    }

    /// Whether waitable set `set` has a member with an event to deliver.
    pub(crate) fn set_has_event(&mut self, set: u32) -> bool {
        let Some(s) = self.sets.get(set) else {
            return false;
        };
        let members = s.members.clone();
        members
            .iter()
            .any(|w| self.waitables.get(*w).is_some_and(|w| w.has_event()))
    }
}
