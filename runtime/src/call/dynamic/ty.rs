//! Run-time types: what a dynamic host function or export call is given to
//! inspect, backed by the component's own type tables.

use std::fmt;
use std::sync::Arc;

use wasmtime_environ::component::{ComponentTypes, InterfaceType, TypeFuncIndex};

use crate::types::typecheck::wit;

/// A component value type, as the component declares it.
#[derive(Clone)]
pub struct Type {
    pub(crate) ty: InterfaceType,
    pub(crate) types: Arc<ComponentTypes>,
}

/// The shape of a [`Type`], one level deep.
#[derive(Clone, Debug)]
pub enum TypeKind {
    /// `bool`
    Bool,
    /// `s8`
    S8,
    /// `u8`
    U8,
    /// `s16`
    S16,
    /// `u16`
    U16,
    /// `s32`
    S32,
    /// `u32`
    U32,
    /// `s64`
    S64,
    /// `u64`
    U64,
    /// `f32`
    Float32,
    /// `f64`
    Float64,
    /// `char`
    Char,
    /// `string`
    String,
    /// `list<T>`
    List(Type),
    /// `record { .. }`
    Record(Vec<(String, Type)>),
    /// `tuple<..>`
    Tuple(Vec<Type>),
    /// `variant { .. }`
    Variant(Vec<(String, Option<Type>)>),
    /// `enum { .. }`
    Enum(Vec<String>),
    /// `option<T>`
    Option(Type),
    /// `result<T, E>`
    Result(Option<Type>, Option<Type>),
    /// `flags { .. }`
    Flags(Vec<String>),
    /// `own<R>`
    Own,
    /// `borrow<R>`
    Borrow,
    /// `stream<T>`, with its element type (`None` for `stream`).
    Stream(Option<Type>),
    /// `future<T>`, with its value type (`None` for `future`).
    Future(Option<Type>),
    /// `error-context`
    ErrorContext,
    /// A type hostbind does not handle yet.
    Unsupported,
}

impl Type {
    pub(crate) fn new(ty: InterfaceType, types: &Arc<ComponentTypes>) -> Type {
        Type {
            ty,
            types: types.clone(),
        }
    }

    fn sub(&self, ty: &InterfaceType) -> Type {
        Type::new(*ty, &self.types)
    }

    /// The type's shape, with its member types.
    pub fn kind(&self) -> TypeKind {
        let t = &self.types;
        match &self.ty {
            InterfaceType::Bool => TypeKind::Bool,
            InterfaceType::S8 => TypeKind::S8,
            InterfaceType::U8 => TypeKind::U8,
            InterfaceType::S16 => TypeKind::S16,
            InterfaceType::U16 => TypeKind::U16,
            InterfaceType::S32 => TypeKind::S32,
            InterfaceType::U32 => TypeKind::U32,
            InterfaceType::S64 => TypeKind::S64,
            InterfaceType::U64 => TypeKind::U64,
            InterfaceType::Float32 => TypeKind::Float32,
            InterfaceType::Float64 => TypeKind::Float64,
            InterfaceType::Char => TypeKind::Char,
            InterfaceType::String => TypeKind::String,
            InterfaceType::List(i) => TypeKind::List(self.sub(&t[*i].element)),
            InterfaceType::Record(i) => TypeKind::Record(
                t[*i]
                    .fields
                    .iter()
                    .map(|f| (f.name.clone(), self.sub(&f.ty)))
                    .collect(),
            ),
            InterfaceType::Tuple(i) => {
                TypeKind::Tuple(t[*i].types.iter().map(|x| self.sub(x)).collect())
            }
            InterfaceType::Variant(i) => TypeKind::Variant(
                t[*i]
                    .cases
                    .iter()
                    .map(|(n, ty)| (n.clone(), ty.as_ref().map(|x| self.sub(x))))
                    .collect(),
            ),
            InterfaceType::Enum(i) => TypeKind::Enum(t[*i].names.iter().cloned().collect()),
            InterfaceType::Option(i) => TypeKind::Option(self.sub(&t[*i].ty)),
            InterfaceType::Result(i) => TypeKind::Result(
                t[*i].ok.as_ref().map(|x| self.sub(x)),
                t[*i].err.as_ref().map(|x| self.sub(x)),
            ),
            InterfaceType::Flags(i) => TypeKind::Flags(t[*i].names.iter().cloned().collect()),
            InterfaceType::Own(_) => TypeKind::Own,
            InterfaceType::Borrow(_) => TypeKind::Borrow,
            InterfaceType::Stream(i) => {
                TypeKind::Stream(t[t[*i].ty].payload.as_ref().map(|p| self.sub(p)))
            }
            InterfaceType::Future(i) => {
                TypeKind::Future(t[t[*i].ty].payload.as_ref().map(|p| self.sub(p)))
            }
            InterfaceType::ErrorContext(_) => TypeKind::ErrorContext,
            _ => TypeKind::Unsupported,
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&wit(&self.ty, &self.types))
    }
}

impl fmt::Debug for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Type({self})")
    }
}

/// A component function's type: named params and results.
#[derive(Clone, Debug)]
pub struct FuncType {
    params: Vec<(String, Type)>,
    results: Vec<Type>,
}

impl FuncType {
    pub(crate) fn new(ty: TypeFuncIndex, types: &Arc<ComponentTypes>) -> FuncType {
        let f = &types[ty];
        let params = types[f.params]
            .types
            .iter()
            .zip(&f.param_names)
            .map(|(t, n)| (n.clone(), Type::new(*t, types)))
            .collect();
        let results = types[f.results]
            .types
            .iter()
            .map(|t| Type::new(*t, types))
            .collect();
        FuncType { params, results }
    }

    /// The parameters: names and types, in order.
    pub fn params(&self) -> &[(String, Type)] {
        &self.params
    }

    /// The result types: none or one.
    pub fn results(&self) -> &[Type] {
        &self.results
    }
}

impl fmt::Display for FuncType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("func(")?;
        for (i, (n, t)) in self.params.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{n}: {t}")?;
        }
        f.write_str(")")?;
        if let Some(r) = self.results.first() {
            write!(f, " -> {r}")?;
        }
        Ok(())
    }
}
