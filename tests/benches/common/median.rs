//! Reads the median criterion measured for one benchmark, for the tables
//! the benches print after criterion's report.

use std::path::Path;

/// The median point estimate (ns) in a benchmark's `new/estimates.json`
/// under `dir`, if criterion wrote one.
pub fn median_ns(dir: &Path) -> Option<f64> {
    let json = std::fs::read_to_string(dir.join("new/estimates.json")).ok()?;
    let median = &json[json.find("\"median\"")?..];
    let at = median.find("\"point_estimate\":")? + "\"point_estimate\":".len();
    let rest = &median[at..];
    rest[..rest.find([',', '}'])?].trim().parse().ok()
}
