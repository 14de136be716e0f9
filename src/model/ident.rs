//! Identifiers lzgen derives from names (`log-archive` → `LogArchive`): the
//! stable IDs both flavours name resources by. Validation checks they are
//! unique; `infra` builds parameter names from them.

use std::collections::BTreeSet;

/// `log-archive` → `LogArchive`; `Workloads/Prod` → `WorkloadsProd`;
/// anything but ASCII letters and digits separates words.
pub fn pascal(s: &str) -> String {
    s.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// `base`, or `base2`, `base3`... whichever is not yet in `used`.
pub fn unique_id(base: &str, used: &mut BTreeSet<String>) -> String {
    let base = if base.is_empty() {
        "X".to_string()
    } else {
        base.to_string()
    };
    let mut candidate = base.clone();
    let mut n = 2;
    while used.contains(&candidate) {
        candidate = format!("{base}{n}");
        n += 1;
    }
    used.insert(candidate.clone());
    candidate
}
