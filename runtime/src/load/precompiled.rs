//! Precompiled components: [`Component::serialize`] and
//! [`Component::deserialize`] on the wasmtime engine, and
//! [`ComponentCache`], an opt-in directory of them keyed by content.
//!
//! The saved form holds the component's binary and each core module's
//! machine code. Loading it decomposes the binary again (parsing and
//! validation, which cost a small fraction of compiling) and takes the
//! modules' code as it was saved, so only compilation is skipped.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, anyhow, bail};

use crate::engine::{Engine, EngineRepr};
use crate::error::Result;
use crate::load::component::{Compiled, Component, Source};

/// The first bytes of a precompiled component.
const MAGIC: &[u8; 16] = b"\0hostbind-cwasm\0";
/// Bumped whenever the layout below changes.
const FORMAT: u32 = 1;

impl Component {
    /// The component with its compiled code, for
    /// [`Component::deserialize`] to load without compiling again.
    ///
    /// Only the wasmtime engine compiles to machine code; on wasmi this is
    /// an error.
    // Without the wasmtime engine every component is wasmi's, and the
    // writing below is never reached.
    #[cfg_attr(not(feature = "wasmtime"), allow(unreachable_code, unused_variables))]
    pub fn serialize(&self) -> Result<Vec<u8>> {
        let inner = &self.inner;
        let modules: Vec<Vec<u8>> = match &inner.compiled {
            #[cfg(feature = "wasmtime")]
            Compiled::Wasmtime(a) => a
                .modules
                .iter()
                .map(|m| crate::engine::wasmtime::serialize_module(&m.module))
                .collect::<Result<_>>()?,
            Compiled::Wasmi(_) => bail!(
                "only the wasmtime engine has compiled code to save; wasmi interprets components"
            ),
        };
        let Some(binary) = &inner.bytes else {
            bail!("the component's binary was not kept, so it cannot be saved");
        };
        let mut out = header(compatibility(&inner.engine));
        put(&mut out, binary);
        out.extend_from_slice(&(modules.len() as u32).to_le_bytes());
        for m in &modules {
            put(&mut out, m);
        }
        Ok(out)
    }

    /// Loads a component saved by [`Component::serialize`], skipping
    /// compilation. Bytes saved by another hostbind version or an engine
    /// configured otherwise are refused with an error saying so.
    ///
    /// # Safety
    ///
    /// `bytes` must come from [`Component::serialize`] (or a
    /// [`ComponentCache`]) and not have been altered since: as with
    /// wasmtime's `Component::deserialize`, the machine code in them runs
    /// as it is, and no check can tell whether it is what the compiler made.
    pub unsafe fn deserialize(engine: &Engine, bytes: &[u8]) -> Result<Component> {
        if !bytes.starts_with(MAGIC) {
            bail!(
                "not a precompiled hostbind component (it does not start with hostbind's header)"
            );
        }
        let mut r = Reader {
            bytes,
            at: MAGIC.len(),
        };
        let format = u32::from_le_bytes(r.array()?);
        if format != FORMAT {
            bail!("precompiled component of format {format}; this hostbind reads format {FORMAT}");
        }
        let version = r.chunk()?;
        if version != env!("CARGO_PKG_VERSION").as_bytes() {
            bail!(
                "precompiled by hostbind {}; this is hostbind {}",
                String::from_utf8_lossy(version),
                env!("CARGO_PKG_VERSION")
            );
        }
        let compat = u64::from_le_bytes(r.array()?);
        if compat != compatibility(engine) {
            bail!(
                "precompiled for another engine configuration (or wasmtime version) than this {:?} engine's",
                engine.kind()
            );
        }
        let binary = r.chunk()?;
        let count = u32::from_le_bytes(r.array()?) as usize;
        let modules = (0..count).map(|_| r.chunk()).collect::<Result<Vec<_>>>()?;
        if r.at != bytes.len() {
            bail!(
                "precompiled component has {} bytes after its end",
                bytes.len() - r.at
            );
        }
        Component::build(engine, binary, Source::Precompiled(modules))
    }

    /// Whether `bytes` start as [`Component::serialize`] writes them: a
    /// precompiled component rather than a component binary. Says nothing of
    /// whether they load; [`Component::deserialize`] checks that.
    pub fn is_precompiled(bytes: &[u8]) -> bool {
        bytes.starts_with(MAGIC)
    }

    /// [`Component::deserialize`] from a file.
    ///
    /// # Safety
    ///
    /// As for [`Component::deserialize`]: the file must hold what
    /// [`Component::serialize`] wrote.
    pub unsafe fn deserialize_file(engine: &Engine, path: impl AsRef<Path>) -> Result<Component> {
        let path = path.as_ref();
        let bytes =
            std::fs::read(path).with_context(|| format!("cannot read `{}`", path.display()))?;
        // SAFETY: the caller's contract.
        unsafe { Component::deserialize(engine, &bytes) }
            .with_context(|| format!("in `{}`", path.display()))
    }
}

/// A directory of precompiled components, keyed by the SHA-256 of each
/// component's binary together with the engine's configuration and
/// hostbind's version: the second process to load a large component skips
/// compiling it.
///
/// On wasmi, which does not compile to machine code, it loads components
/// as [`Component::new`] does and writes nothing.
///
/// ```no_run
/// use hostbind::{ComponentCache, Engine, EngineKind};
///
/// # #[cfg(feature = "wasmtime")] {
/// let engine = Engine::try_new(EngineKind::Wasmtime)?;
/// // SAFETY: only this program writes to the directory.
/// let cache = unsafe { ComponentCache::new("/var/cache/my-host")? };
/// let component = cache.load_file(&engine, "plugin.wasm")?;
/// # }
/// # Ok::<(), hostbind::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct ComponentCache {
    dir: Arc<PathBuf>,
}

impl ComponentCache {
    /// A cache in `dir`, created if missing.
    ///
    /// # Safety
    ///
    /// Nothing but a `ComponentCache` may write to `dir`: what it reads
    /// back is loaded with [`Component::deserialize`], whose machine code
    /// runs unchecked.
    pub unsafe fn new(dir: impl Into<PathBuf>) -> Result<ComponentCache> {
        let dir = dir.into();
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create the cache directory `{}`", dir.display()))?;
        Ok(ComponentCache { dir: Arc::new(dir) })
    }

    /// The component in `bytes`: loaded from the cache if it holds it for
    /// this engine, otherwise compiled and saved there. A saved entry that
    /// does not load (another hostbind version, a partial write) is
    /// compiled again and replaced.
    pub fn load(&self, engine: &Engine, bytes: impl AsRef<[u8]>) -> Result<Component> {
        let bytes = bytes.as_ref();
        if matches!(engine.repr, EngineRepr::Wasmi(_)) {
            return Component::new(engine, bytes);
        }
        let path = self.path_of(engine, bytes);
        if let Ok(saved) = std::fs::read(&path) {
            // SAFETY: `ComponentCache::new`'s caller vouched that only a
            // cache writes here, and it writes only `serialize`'s output.
            if let Ok(c) = unsafe { Component::deserialize(engine, &saved) } {
                return Ok(c);
            }
        }
        let component = Component::new(engine, bytes)?;
        self.save(&path, &component.serialize()?)?;
        Ok(component)
    }

    /// [`ComponentCache::load`] of a file's contents.
    pub fn load_file(&self, engine: &Engine, path: impl AsRef<Path>) -> Result<Component> {
        let path = path.as_ref();
        let bytes =
            std::fs::read(path).with_context(|| format!("cannot read `{}`", path.display()))?;
        self.load(engine, bytes)
            .with_context(|| format!("in `{}`", path.display()))
    }

    /// The entry's file: the key, in hex.
    fn path_of(&self, engine: &Engine, bytes: &[u8]) -> PathBuf {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        h.update(MAGIC);
        h.update(FORMAT.to_le_bytes());
        h.update(env!("CARGO_PKG_VERSION"));
        h.update(compatibility(engine).to_le_bytes());
        h.update(bytes);
        let hex: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
        self.dir.join(format!("{hex}.hbc"))
    }

    /// Writes an entry whole or not at all: to a temporary file first, then
    /// renamed over the entry, so a reader never sees half of one.
    fn save(&self, path: &Path, bytes: &[u8]) -> Result<()> {
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        std::fs::write(&tmp, bytes)
            .and_then(|()| std::fs::rename(&tmp, path))
            .map_err(|e| {
                let _ = std::fs::remove_file(&tmp);
                anyhow!(
                    "cannot write to the component cache `{}`: {e}",
                    path.display()
                )
            })
    }
}

/// The engine configuration precompiled code depends on; 0 for wasmi.
fn compatibility(engine: &Engine) -> u64 {
    match &engine.repr {
        EngineRepr::Wasmi(_) => 0,
        #[cfg(feature = "wasmtime")]
        EngineRepr::Wasmtime(e) => crate::engine::wasmtime::compatibility(e),
    }
}

fn header(compat: u64) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    out.extend_from_slice(&FORMAT.to_le_bytes());
    put(&mut out, env!("CARGO_PKG_VERSION").as_bytes());
    out.extend_from_slice(&compat.to_le_bytes());
    out
}

/// A length-prefixed chunk.
fn put(out: &mut Vec<u8>, chunk: &[u8]) {
    out.extend_from_slice(&(chunk.len() as u64).to_le_bytes());
    out.extend_from_slice(chunk);
}

/// Reads the saved form, each overrun an error naming it.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.bytes.len());
        let Some(end) = end else {
            bail!(
                "precompiled component is truncated: {n} bytes needed at offset {}, {} there",
                self.at,
                self.bytes.len().saturating_sub(self.at)
            );
        };
        let chunk = &self.bytes[self.at..end];
        self.at = end;
        Ok(chunk)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        let mut a = [0; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }

    fn chunk(&mut self) -> Result<&'a [u8]> {
        let len = u64::from_le_bytes(self.array()?);
        let len = usize::try_from(len).map_err(|_| anyhow!("precompiled chunk of {len} bytes"))?;
        self.take(len)
    }
}
