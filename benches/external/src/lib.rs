//! Nothing: this crate only holds the external benchmarks.
