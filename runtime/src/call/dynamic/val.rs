//! `Val`: a component value whose type is known only at run time.

/// A component-model value of any type, for dynamic host functions
/// ([`LinkerInstance::func_new`](crate::LinkerInstance::func_new)) and
/// dynamic export calls ([`Func::call`](crate::Func::call)).
///
/// Lowering a `Val` checks it against the expected type and names that type
/// when they differ.
#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    /// `bool`
    Bool(bool),
    /// `s8`
    S8(i8),
    /// `u8`
    U8(u8),
    /// `s16`
    S16(i16),
    /// `u16`
    U16(u16),
    /// `s32`
    S32(i32),
    /// `u32`
    U32(u32),
    /// `s64`
    S64(i64),
    /// `u64`
    U64(u64),
    /// `f32`
    Float32(f32),
    /// `f64`
    Float64(f64),
    /// `char`
    Char(char),
    /// `string`
    String(String),
    /// `list<T>`
    List(Vec<Val>),
    /// `record { .. }`: fields by name, in the type's order.
    Record(Vec<(String, Val)>),
    /// `tuple<..>`
    Tuple(Vec<Val>),
    /// `variant { .. }`: the case's name and its payload.
    Variant(String, Option<Box<Val>>),
    /// `enum { .. }`: the case's name.
    Enum(String),
    /// `option<T>`
    Option(Option<Box<Val>>),
    /// `result<T, E>`; a side without a type holds `None`.
    Result(Result<Option<Box<Val>>, Option<Box<Val>>>),
    /// `flags { .. }`: the names of the flags that are set.
    Flags(Vec<String>),
    /// `own<R>` or `borrow<R>`: a handle to a resource of any type.
    Resource(crate::ResourceAny),
    /// `stream<T>`: its readable end.
    Stream(super::StreamReader),
    /// `future<T>`: its readable end.
    Future(super::FutureReader),
    /// `error-context`
    ErrorContext(super::ErrorContext),
}

impl Val {
    /// What kind of value this is, for messages: `u32`, `string`, `record`…
    pub fn kind(&self) -> &'static str {
        match self {
            Val::Bool(_) => "bool",
            Val::S8(_) => "s8",
            Val::U8(_) => "u8",
            Val::S16(_) => "s16",
            Val::U16(_) => "u16",
            Val::S32(_) => "s32",
            Val::U32(_) => "u32",
            Val::S64(_) => "s64",
            Val::U64(_) => "u64",
            Val::Float32(_) => "f32",
            Val::Float64(_) => "f64",
            Val::Char(_) => "char",
            Val::String(_) => "string",
            Val::List(_) => "list",
            Val::Record(_) => "record",
            Val::Tuple(_) => "tuple",
            Val::Variant(..) => "variant",
            Val::Enum(_) => "enum",
            Val::Option(_) => "option",
            Val::Result(_) => "result",
            Val::Flags(_) => "flags",
            Val::Resource(_) => "resource",
            Val::Stream(_) => "stream",
            Val::Future(_) => "future",
            Val::ErrorContext(_) => "error-context",
        }
    }
}
