//! Where a Rust type and a component type first differ, for link-time and
//! lookup errors that name the position (`field `name``, `element`) rather
//! than printing two whole types side by side.

use wasmtime_environ::component::InterfaceType;

use crate::types::Ty;
use crate::types::typecheck::{Tc, matches, wit_named};

/// The first place where `ty` and `it` differ: the steps into both types
/// that lead there (empty when the outermost types differ), and the two
/// types at that place, the component's in WIT and Rust's as it describes
/// itself. `None` when they match.
pub(crate) fn first_difference(
    ty: &Ty,
    it: &InterfaceType,
    tc: &Tc<'_>,
) -> Option<(Vec<String>, String, String)> {
    if matches(ty, it, tc) {
        return None;
    }
    let types = tc.types;
    let inner = |step: String, ty: &Ty, it: &InterfaceType| {
        first_difference(ty, it, tc).map(|(mut path, theirs, ours)| {
            path.insert(0, step);
            (path, theirs, ours)
        })
    };
    let deeper = match (ty, it) {
        (Ty::List(e), InterfaceType::List(i)) => inner("the element".into(), e, &types[*i].element),
        (Ty::Option(t), InterfaceType::Option(i)) => {
            inner("the `some` value".into(), t, &types[*i].ty)
        }
        (Ty::Tuple(ts), InterfaceType::Tuple(i)) if ts.len() == types[*i].types.len() => ts
            .iter()
            .zip(types[*i].types.iter())
            .enumerate()
            .find_map(|(n, (t, it))| inner(format!("element {n}"), t, it)),
        (Ty::Record(r), InterfaceType::Record(i))
            if r.fields.len() == types[*i].fields.len()
                && r.fields
                    .iter()
                    .zip(types[*i].fields.iter())
                    .all(|(a, b)| a.name == b.name) =>
        {
            r.fields
                .iter()
                .zip(types[*i].fields.iter())
                .find_map(|(f, g)| inner(format!("field `{}`", g.name), f.ty, &g.ty))
        }
        (Ty::Variant(v), InterfaceType::Variant(i))
            if v.cases.len() == types[*i].cases.len()
                && v.cases
                    .iter()
                    .zip(types[*i].cases.iter())
                    .all(|(a, (b, _))| a.name == b.as_str()) =>
        {
            v.cases
                .iter()
                .zip(types[*i].cases.iter())
                .find_map(|(c, (name, t))| match (c.ty, t) {
                    (Some(a), Some(b)) => inner(format!("case `{name}`"), a, b),
                    _ => None,
                })
        }
        (Ty::Result(ok, err), InterfaceType::Result(i)) => {
            let r = &types[*i];
            match (ok, &r.ok) {
                (Some(a), Some(b)) => inner("the `ok` value".into(), a, b),
                _ => None,
            }
            .or_else(|| match (err, &r.err) {
                (Some(a), Some(b)) => inner("the `err` value".into(), a, b),
                _ => None,
            })
        }
        _ => None,
    };
    // Where nothing inside differs on its own (a count or a name differs,
    // or one resource type is used two ways), the outer types are the place.
    Some(deeper.unwrap_or_else(|| (Vec::new(), wit_named(it, types, tc.names), ty.to_string())))
}
