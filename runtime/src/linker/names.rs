//! The names a linker namespace defines, kept apart from what they name.
//!
//! The linker's methods are compiled in the crate that defines host
//! functions, once for each store type; this code does not depend on the
//! store type, so it is compiled once, in hostbind.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use wasmtime_environ::component::alternate_lookup_key;

/// Each name's index in its namespace's items, and the newest version of
/// each versioned name by its semver-compatible key (`a:b/c@0.2` for
/// `a:b/c@0.2.6`).
#[derive(Default)]
pub(crate) struct Names {
    index: HashMap<String, usize>,
    newest: HashMap<String, (String, semver::Version)>,
}

impl Names {
    /// The index of exactly `name`.
    pub(crate) fn index(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }

    /// Gives `name` the item at `index`; `false`, changing nothing, if
    /// `name` is defined already.
    pub(crate) fn insert(&mut self, name: &str, index: usize) -> bool {
        match self.index.entry(name.to_string()) {
            Entry::Occupied(_) => return false,
            Entry::Vacant(v) => v.insert(index),
        };
        if let Some((key, version)) = alternate_lookup_key(name) {
            let newer = self.newest.get(key).is_none_or(|(_, prev)| *prev < version);
            if newer {
                self.newest
                    .insert(key.to_string(), (name.to_string(), version));
            }
        }
        true
    }

    /// The index of `name`: exactly, or else of the newest
    /// semver-compatible version of it (`a:b/c@0.2.6` for `a:b/c@0.2.1`).
    pub(crate) fn find(&self, name: &str) -> Option<usize> {
        if let Some(i) = self.index(name) {
            return Some(i);
        }
        let (key, _) = alternate_lookup_key(name)?;
        let (exact, _) = self.newest.get(key)?;
        self.index(exact)
    }

    /// For a name nothing matched: the names defined for the same
    /// interface at other versions, as a sentence.
    pub(crate) fn near_match(&self, name: &str) -> Option<String> {
        let base = |n: &str| n.split_once('@').map_or(n, |(b, _)| b).to_string();
        let want = base(name);
        let mut near: Vec<&str> = self
            .index
            .keys()
            .filter(|k| base(k) == want && k.as_str() != name)
            .map(String::as_str)
            .collect();
        if near.is_empty() {
            return None;
        }
        near.sort_unstable();
        let listed = near
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ");
        Some(if !name.contains('@') {
            format!(
                "the linker defines {listed}, but `{name}` is imported without a version and matches only an unversioned name"
            )
        } else if near.iter().all(|n| !n.contains('@')) {
            format!(
                "the linker defines {listed} without a version, which a versioned import does not match"
            )
        } else {
            format!("the linker defines {listed}, which is not semver-compatible with `{name}`")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_finds_the_newest_compatible_name() {
        let mut names = Names::default();
        assert!(names.insert("a:b/c@0.2.1", 0));
        assert!(names.insert("a:b/c@0.2.6", 1));
        assert!(names.insert("a:b/c@0.2.3", 2));
        assert!(
            !names.insert("a:b/c@0.2.6", 3),
            "a second definition is refused"
        );
        assert_eq!(names.find("a:b/c@0.2.1"), Some(0));
        assert_eq!(names.find("a:b/c@0.2.0"), Some(1));
        assert_eq!(names.find("a:b/c@0.3.0"), None);
        let near = names.near_match("a:b/c@0.3.0").expect("a near match");
        assert!(
            near.contains("`a:b/c@0.2.1`, `a:b/c@0.2.3`, `a:b/c@0.2.6`"),
            "{near}"
        );
    }
}
