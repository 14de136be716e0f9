//! `--set KEY=VALUE`: one answer changed from the command line, with the
//! key path read as lzgen.yaml's keys and list indexes.

use super::*;

/// One step of a dotted key: a mapping key or a list index.
#[derive(Debug, PartialEq)]
pub(super) enum Segment {
    Key(String),
    Index(usize),
}

pub(super) fn parse_key_path(path: &str) -> Option<Vec<Segment>> {
    let mut segments = Vec::new();
    for part in path.split('.') {
        let (name, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if name.is_empty() {
            return None;
        }
        segments.push(Segment::Key(name.to_string()));
        while !rest.is_empty() {
            let close = rest.find(']')?;
            if !rest.starts_with('[') {
                return None;
            }
            segments.push(Segment::Index(rest[1..close].parse().ok()?));
            rest = &rest[close + 1..];
        }
    }
    Some(segments)
}

/// Keys whose values are strings of digits: an unquoted `--set` value for
/// them stays text, so `--set accounts[5].id=012345678901` keeps its zero.
pub(super) const DIGIT_STRING_KEYS: &[&str] = &["id", "management_account_id"];

/// Applies one `--set KEY=VALUE`. VALUE is read as YAML, so `[a, b]` is a
/// list and `null` removes the key.
pub fn apply_set(doc: &mut Value, assignment: &str) -> Result<(), Problem> {
    let usage = || {
        Problem::new(
            "--set",
            format!(
                "expected KEY=VALUE with a dotted KEY such as pipeline.deploy.strategy=canary, found `{}`",
                limits::printable(assignment, 80)
            ),
        )
    };
    let (path, raw) = assignment.split_once('=').ok_or_else(usage)?;
    let segments = parse_key_path(path.trim()).ok_or_else(usage)?;
    let last_key = segments.iter().rev().find_map(|s| match s {
        Segment::Key(k) => Some(k.as_str()),
        Segment::Index(_) => None,
    });
    let flag = format!("--set {}", limits::printable(path, 80));
    limits::refuse_tags(raw, &flag).map_err(|mut p| {
        // A one-line value: its column is enough.
        p.key = flag.clone();
        p
    })?;
    let mut value = serde_yaml::from_str::<Value>(raw).map_err(|err| {
        Problem::new(
            flag.clone(),
            format!(
                "expected a YAML value after `=`, found `{}`: {err}",
                limits::printable(raw, 80)
            ),
        )
    })?;
    if value.is_number() && last_key.is_some_and(|k| DIGIT_STRING_KEYS.contains(&k)) {
        value = Value::String(raw.trim().to_string());
    }
    let (last, parents) = segments.split_last().ok_or_else(usage)?;
    let mut node = doc;
    for (i, segment) in parents.iter().enumerate() {
        let next_is_index = matches!(parents.get(i + 1).unwrap_or(last), Segment::Index(_));
        node = step(node, segment, next_is_index, path)?;
    }
    match last {
        Segment::Key(key) => {
            if !node.is_mapping() {
                *node = Value::Mapping(Mapping::new());
            }
            let map = node.as_mapping_mut().ok_or_else(usage)?;
            if value.is_null() {
                map.remove(key.as_str());
            } else {
                map.insert(Value::String(key.clone()), value);
            }
        }
        Segment::Index(i) => {
            let list = node.as_sequence_mut().ok_or_else(|| not_a_list(path))?;
            if *i < list.len() {
                list[*i] = value;
            } else if *i == list.len() {
                list.push(value);
            } else {
                return Err(index_out_of_range(path, *i, list.len()));
            }
        }
    }
    Ok(())
}

pub(super) fn step<'a>(
    node: &'a mut Value,
    segment: &Segment,
    next_is_index: bool,
    path: &str,
) -> Result<&'a mut Value, Problem> {
    let fresh = || {
        if next_is_index {
            Value::Sequence(Vec::new())
        } else {
            Value::Mapping(Mapping::new())
        }
    };
    match segment {
        Segment::Key(key) => {
            if !node.is_mapping() {
                *node = Value::Mapping(Mapping::new());
            }
            let map = node.as_mapping_mut().ok_or_else(|| not_a_list(path))?;
            let key = Value::String(key.clone());
            if !map.contains_key(&key) {
                map.insert(key.clone(), fresh());
            }
            map.get_mut(&key).ok_or_else(|| not_a_list(path))
        }
        Segment::Index(i) => {
            let list = node.as_sequence_mut().ok_or_else(|| not_a_list(path))?;
            if *i == list.len() {
                list.push(fresh());
            }
            let len = list.len();
            list.get_mut(*i)
                .ok_or_else(|| index_out_of_range(path, *i, len))
        }
    }
}

pub(super) fn not_a_list(path: &str) -> Problem {
    Problem::new(
        format!("--set {path}"),
        "expected a list at the indexed key, found something else".to_string(),
    )
}

pub(super) fn index_out_of_range(path: &str, index: usize, len: usize) -> Problem {
    Problem::new(
        format!("--set {path}"),
        format!(
            "expected an index from 0 to {len} (the list has {len} entries; {len} appends one), found {index}"
        ),
    )
}
