//! The published crates package: `cargo package` accepts their manifests
//! (versions on internal dependencies, metadata) and builds each from its
//! packaged files, and each holds its sources, license and readme, and no
//! tests, benches or guests.

use std::path::Path;
use std::process::Command;

const CRATES: [&str; 6] = [
    "hostbind",
    "hostbind-macros",
    "hostbind-expand",
    "hostbind-wasi",
    "hostbind-wasi-http",
    "hostbind-cli",
];

#[test]
fn the_published_crates_package_with_only_what_they_need() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    // A target directory of its own: the one this test runs from is in use.
    let target = std::env::temp_dir().join(format!("hostbind-package-{}", std::process::id()));
    for krate in CRATES {
        let out = Command::new(&cargo)
            .current_dir(&root)
            .env("CARGO_TARGET_DIR", &target)
            .args(["package", "--list", "--allow-dirty", "-p", krate])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{krate}: {stderr}");
        let files = String::from_utf8_lossy(&out.stdout);
        for needed in ["Cargo.toml", "LICENSE", "README.md"] {
            assert!(
                files.lines().any(|f| f == needed),
                "{krate} lacks {needed}: {files}"
            );
        }
        assert!(
            files.lines().any(|f| f.starts_with("src/")),
            "{krate} has no sources: {files}"
        );
        for unwanted in ["tests/", "benches/", "guests/", "examples/"] {
            assert!(
                !files.lines().any(|f| f.starts_with(unwanted)),
                "{krate} ships {unwanted}: {files}"
            );
        }
    }
    // The crates as published: cargo packages the six together (each
    // finds the others in a local registry of the packages just made) and
    // builds each from its packaged files alone, so a file a crate needs
    // but does not ship (a WIT file `bindgen!` reads) fails here. About
    // four minutes on two cores; without debug info, 2 GB of disk, removed
    // after.
    let mut args = vec!["package", "--allow-dirty"];
    for krate in CRATES {
        args.extend(["-p", krate]);
    }
    let out = Command::new(&cargo)
        .current_dir(&root)
        .env("CARGO_TARGET_DIR", &target)
        .env("CARGO_PROFILE_DEV_DEBUG", "0")
        .env("CARGO_INCREMENTAL", "0")
        .args(&args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&target);
}
