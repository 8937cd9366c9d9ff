//! WAVE text for `--invoke`: the export's types as wasm-wave's, and values
//! converted between hostbind's [`Val`] and wasm-wave's [`Value`].

use anyhow::{Result, anyhow, bail};
use hostbind::{Type, TypeKind, Val};
use wasm_wave::value::{Type as WType, Value};
use wasm_wave::wasm::{WasmTypeKind, WasmValue};

/// wasm-wave's type for `ty`.
pub fn wave_type(ty: &Type) -> Result<WType> {
    let simple = |k| WType::simple(k).ok_or_else(|| anyhow!("no WAVE type for `{ty}`"));
    Ok(match ty.kind() {
        TypeKind::Bool => simple(WasmTypeKind::Bool)?,
        TypeKind::S8 => simple(WasmTypeKind::S8)?,
        TypeKind::U8 => simple(WasmTypeKind::U8)?,
        TypeKind::S16 => simple(WasmTypeKind::S16)?,
        TypeKind::U16 => simple(WasmTypeKind::U16)?,
        TypeKind::S32 => simple(WasmTypeKind::S32)?,
        TypeKind::U32 => simple(WasmTypeKind::U32)?,
        TypeKind::S64 => simple(WasmTypeKind::S64)?,
        TypeKind::U64 => simple(WasmTypeKind::U64)?,
        TypeKind::Float32 => simple(WasmTypeKind::F32)?,
        TypeKind::Float64 => simple(WasmTypeKind::F64)?,
        TypeKind::Char => simple(WasmTypeKind::Char)?,
        TypeKind::String => simple(WasmTypeKind::String)?,
        TypeKind::List(t) => WType::list(wave_type(&t)?),
        TypeKind::Record(fields) => {
            let fields = fields
                .iter()
                .map(|(n, t)| Ok((n.clone(), wave_type(t)?)))
                .collect::<Result<Vec<_>>>()?;
            WType::record(fields).ok_or_else(|| anyhow!("no WAVE type for `{ty}`"))?
        }
        TypeKind::Tuple(ts) => {
            let ts = ts.iter().map(wave_type).collect::<Result<Vec<_>>>()?;
            WType::tuple(ts).ok_or_else(|| anyhow!("no WAVE type for `{ty}`"))?
        }
        TypeKind::Variant(cases) => {
            let cases = cases
                .iter()
                .map(|(n, t)| Ok((n.clone(), t.as_ref().map(wave_type).transpose()?)))
                .collect::<Result<Vec<_>>>()?;
            WType::variant(cases).ok_or_else(|| anyhow!("no WAVE type for `{ty}`"))?
        }
        TypeKind::Enum(cases) => {
            WType::enum_ty(cases).ok_or_else(|| anyhow!("no WAVE type for `{ty}`"))?
        }
        TypeKind::Option(t) => WType::option(wave_type(&t)?),
        TypeKind::Result(ok, err) => WType::result(
            ok.as_ref().map(wave_type).transpose()?,
            err.as_ref().map(wave_type).transpose()?,
        ),
        TypeKind::Flags(names) => {
            WType::flags(names).ok_or_else(|| anyhow!("no WAVE type for `{ty}`"))?
        }
        TypeKind::Own | TypeKind::Borrow => {
            bail!("`{ty}` is a resource handle, which WAVE text cannot name")
        }
        TypeKind::Stream(_) | TypeKind::Future(_) | TypeKind::ErrorContext => {
            bail!("`{ty}` is an async value, which WAVE text cannot name")
        }
        TypeKind::Unsupported => bail!("`{ty}` has no WAVE form"),
    })
}

/// The hostbind value of a WAVE value of type `ty`.
pub fn to_val(v: &Value, ty: &Type) -> Result<Val> {
    Ok(match ty.kind() {
        TypeKind::Bool => Val::Bool(v.unwrap_bool()),
        TypeKind::S8 => Val::S8(v.unwrap_s8()),
        TypeKind::U8 => Val::U8(v.unwrap_u8()),
        TypeKind::S16 => Val::S16(v.unwrap_s16()),
        TypeKind::U16 => Val::U16(v.unwrap_u16()),
        TypeKind::S32 => Val::S32(v.unwrap_s32()),
        TypeKind::U32 => Val::U32(v.unwrap_u32()),
        TypeKind::S64 => Val::S64(v.unwrap_s64()),
        TypeKind::U64 => Val::U64(v.unwrap_u64()),
        TypeKind::Float32 => Val::Float32(v.unwrap_f32()),
        TypeKind::Float64 => Val::Float64(v.unwrap_f64()),
        TypeKind::Char => Val::Char(v.unwrap_char()),
        TypeKind::String => Val::String(v.unwrap_string().into_owned()),
        TypeKind::List(t) => Val::List(
            v.unwrap_list()
                .map(|x| to_val(&x, &t))
                .collect::<Result<_>>()?,
        ),
        TypeKind::Record(fields) => Val::Record(
            v.unwrap_record()
                .zip(&fields)
                .map(|((n, x), (_, t))| Ok((n.into_owned(), to_val(&x, t)?)))
                .collect::<Result<_>>()?,
        ),
        TypeKind::Tuple(ts) => Val::Tuple(
            v.unwrap_tuple()
                .zip(&ts)
                .map(|(x, t)| to_val(&x, t))
                .collect::<Result<_>>()?,
        ),
        TypeKind::Variant(cases) => {
            let (name, payload) = v.unwrap_variant();
            let case_ty = cases
                .iter()
                .find(|(n, _)| **n == *name)
                .and_then(|(_, t)| t.clone());
            let payload = match (payload, case_ty) {
                (Some(p), Some(t)) => Some(Box::new(to_val(&p, &t)?)),
                _ => None,
            };
            Val::Variant(name.into_owned(), payload)
        }
        TypeKind::Enum(_) => Val::Enum(v.unwrap_enum().into_owned()),
        TypeKind::Option(t) => Val::Option(
            v.unwrap_option()
                .map(|x| to_val(&x, &t).map(Box::new))
                .transpose()?,
        ),
        TypeKind::Result(ok, err) => {
            let side = |x: Option<std::borrow::Cow<'_, Value>>,
                        t: Option<Type>|
             -> Result<Option<Box<Val>>> {
                match (x, t) {
                    (Some(x), Some(t)) => Ok(Some(Box::new(to_val(&x, &t)?))),
                    _ => Ok(None),
                }
            };
            Val::Result(match v.unwrap_result() {
                Ok(x) => Ok(side(x, ok)?),
                Err(x) => Err(side(x, err)?),
            })
        }
        TypeKind::Flags(_) => Val::Flags(v.unwrap_flags().map(|f| f.into_owned()).collect()),
        TypeKind::Own
        | TypeKind::Borrow
        | TypeKind::Stream(_)
        | TypeKind::Future(_)
        | TypeKind::ErrorContext
        | TypeKind::Unsupported => {
            bail!("`{ty}` has no WAVE form")
        }
    })
}

/// The WAVE value of a hostbind value of type `ty`.
pub fn from_val(v: &Val, ty: &Type) -> Result<Value> {
    let wty = wave_type(ty)?;
    let err = |e: wasm_wave::wasm::WasmValueError| anyhow!("{e}");
    Ok(match (v, ty.kind()) {
        (Val::Bool(x), _) => Value::make_bool(*x),
        (Val::S8(x), _) => Value::make_s8(*x),
        (Val::U8(x), _) => Value::make_u8(*x),
        (Val::S16(x), _) => Value::make_s16(*x),
        (Val::U16(x), _) => Value::make_u16(*x),
        (Val::S32(x), _) => Value::make_s32(*x),
        (Val::U32(x), _) => Value::make_u32(*x),
        (Val::S64(x), _) => Value::make_s64(*x),
        (Val::U64(x), _) => Value::make_u64(*x),
        (Val::Float32(x), _) => Value::make_f32(*x),
        (Val::Float64(x), _) => Value::make_f64(*x),
        (Val::Char(x), _) => Value::make_char(*x),
        (Val::String(x), _) => Value::make_string(x.as_str().into()),
        (Val::List(xs), TypeKind::List(t)) => {
            let xs = xs
                .iter()
                .map(|x| from_val(x, &t))
                .collect::<Result<Vec<_>>>()?;
            Value::make_list(&wty, xs).map_err(err)?
        }
        (Val::Record(fs), TypeKind::Record(ts)) => {
            let fs = fs
                .iter()
                .zip(&ts)
                .map(|((n, x), (_, t))| Ok((n.as_str(), from_val(x, t)?)))
                .collect::<Result<Vec<_>>>()?;
            Value::make_record(&wty, fs).map_err(err)?
        }
        (Val::Tuple(xs), TypeKind::Tuple(ts)) => {
            let xs = xs
                .iter()
                .zip(&ts)
                .map(|(x, t)| from_val(x, t))
                .collect::<Result<Vec<_>>>()?;
            Value::make_tuple(&wty, xs).map_err(err)?
        }
        (Val::Variant(name, payload), TypeKind::Variant(cases)) => {
            let t = cases
                .iter()
                .find(|(n, _)| n == name)
                .and_then(|(_, t)| t.clone());
            let payload = match (payload, t) {
                (Some(p), Some(t)) => Some(from_val(p, &t)?),
                _ => None,
            };
            Value::make_variant(&wty, name, payload).map_err(err)?
        }
        (Val::Enum(name), _) => Value::make_enum(&wty, name).map_err(err)?,
        (Val::Option(x), TypeKind::Option(t)) => {
            let x = x.as_deref().map(|x| from_val(x, &t)).transpose()?;
            Value::make_option(&wty, x).map_err(err)?
        }
        (Val::Result(r), TypeKind::Result(ok, er)) => {
            let side = |x: &Option<Box<Val>>, t: &Option<Type>| -> Result<Option<Value>> {
                match (x, t) {
                    (Some(x), Some(t)) => Ok(Some(from_val(x, t)?)),
                    _ => Ok(None),
                }
            };
            let r = match r {
                Ok(x) => Ok(side(x, &ok)?),
                Err(x) => Err(side(x, &er)?),
            };
            Value::make_result(&wty, r).map_err(err)?
        }
        (Val::Flags(names), _) => {
            Value::make_flags(&wty, names.iter().map(String::as_str)).map_err(err)?
        }
        (v, _) => bail!("a `{}` value has no WAVE form as `{ty}`", v.kind()),
    })
}
