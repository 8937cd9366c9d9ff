//! Flags past 32 members. The hostbind side supports them (one `i32` per 32
//! flags, as wasmtime-environ's `FlagsSize::Size4Plus` lays them out), but
//! the component model now caps flags at 32 and the validator pinned here
//! rejects more, so no real component can carry them: these tests check the
//! layout and that such a component is refused with a clear error.

use hostbind::abi::{FlatDst, FlatSrc, Guest, Lift, LiftCx, Lower, LowerCx, StringEncoding};
use hostbind::{Component, ComponentType, Place, Site, ValRaw, flags};
use hostbind_tests::engines;

flags! {
    /// Forty flags: two words.
    struct Forty {
        const F0; const F1; const F2; const F3; const F4; const F5; const F6; const F7;
        const F8; const F9; const F10; const F11; const F12; const F13; const F14; const F15;
        const F16; const F17; const F18; const F19; const F20; const F21; const F22; const F23;
        const F24; const F25; const F26; const F27; const F28; const F29; const F30; const F31;
        const F32; const F33; const F34; const F35; const F36; const F37; const F38; const F39;
    }
}

/// Linear memory with no allocator: flags never allocate.
struct Memory(Vec<u8>);

impl Guest for Memory {
    fn memory(&mut self) -> &mut [u8] {
        &mut self.0
    }
    fn realloc(&mut self, _: u32, _: u32, _: u32, _: u32) -> hostbind::Result<u32> {
        unreachable!("flags do not allocate")
    }
}

const SITE: Site<'static> = Site {
    func: "forty",
    place: Place::Result,
};

#[test]
fn forty_flags_use_two_words_flat_and_in_memory() {
    assert_eq!((Forty::SIZE, Forty::ALIGN), (8, 4));
    let value = Forty::F0 | Forty::F31 | Forty::F32 | Forty::F39;

    let mut flat = [ValRaw::ZERO; 2];
    let mut mem = Memory(vec![0; 16]);
    let mut lcx = LowerCx::new(&mut mem, SITE, StringEncoding::Utf8);
    value
        .lower_flat(&mut lcx, &mut FlatDst::new(&mut flat))
        .unwrap();
    value.store(&mut lcx, 8).unwrap();
    assert_eq!(
        flat,
        [ValRaw::i32(0x8000_0001u32 as i32), ValRaw::i32(0x81)]
    );
    assert_eq!(&mem.0[8..], &[1, 0, 0, 0x80, 0x81, 0, 0, 0]);

    // Bits past flag 39 are dropped on the way in.
    mem.0[12] = 0xff;
    mem.0[13] = 0xff;
    let cx = LiftCx::new(&mem.0, SITE, StringEncoding::Utf8);
    let loaded = Forty::load(&cx, 8).unwrap();
    assert_eq!(loaded.bits(), [0x8000_0001, 0xff]);
    let lifted = Forty::lift_flat(&cx, &mut FlatSrc::new(&[flat[0], ValRaw::i32(-1)])).unwrap();
    assert_eq!(lifted.bits(), [0x8000_0001, 0xff]);
}

#[test]
fn a_component_with_33_flags_is_refused_by_validation() {
    let names: Vec<String> = (0..33).map(|i| format!("\"f{i}\"")).collect();
    let wat = format!(
        "(component (type $f (flags {})) (export \"f\" (type $f)))",
        names.join(" ")
    );
    let bytes = wat::parse_str(&wat).unwrap();
    for engine in engines() {
        let err = Component::new(&engine, &bytes).unwrap_err();
        assert_eq!(
            format!("{err:#}"),
            "invalid component: cannot have more than 32 flags (at offset 0xb)"
        );
    }
}

flags! {
    /// Permissions, with WIT names of their own.
    struct Perms {
        const READ;
        #[component(name = "write-data")]
        const WRITE;
        const EXEC;
    }
}

#[test]
fn flags_list_their_members_by_wit_name() {
    let p = Perms::READ | Perms::EXEC;
    assert_eq!(
        p.iter_names().collect::<Vec<_>>(),
        [("read", Perms::READ), ("exec", Perms::EXEC)]
    );
    assert_eq!(p.iter().collect::<Vec<_>>(), [Perms::READ, Perms::EXEC]);
    assert_eq!(Perms::FLAGS.map(|(n, _)| n), ["read", "write-data", "exec"]);
    assert_eq!(format!("{p:?}"), "{READ, EXEC}");
    assert_eq!(Perms::empty().iter().count(), 0);
    // Past one word too.
    let f = Forty::F3 | Forty::F39;
    assert_eq!(
        f.iter_names().map(|(n, _)| n).collect::<Vec<_>>(),
        ["f3", "f39"]
    );
}

#[test]
fn flags_set_operations_work_past_one_word() {
    let mut f = Forty::F3 | Forty::F39;
    assert!(f.contains(Forty::F39) && !f.contains(Forty::F0));
    assert!(!f.is_empty() && Forty::empty().is_empty());
    f.insert(Forty::F0);
    f.remove(Forty::F3);
    assert_eq!(f, Forty::F0 | Forty::F39);
    assert_eq!(f & Forty::F39, Forty::F39);
    let rest = !f;
    assert!(!rest.contains(Forty::F0) && rest.contains(Forty::F38));
    // The complement stays within the 40 flags.
    assert_eq!(rest | f, Forty::all());
    assert_eq!(Forty::all().bits(), [u32::MAX, 0xff]);
    assert_eq!(format!("{:?}", Forty::F0 | Forty::F39), "{F0, F39}");
}
