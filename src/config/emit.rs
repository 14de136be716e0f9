//! Writing answers back as `lzgen.yaml`, in the presets' style.

use super::*;

/// Writes answers in the style of the presets and of the spec: block
/// mappings, short lists of plain values in flow style (`roles: [tooling]`),
/// lists of mappings as indented block sequences, a blank line between
/// top-level sections. Scalars are quoted by serde_yaml, so every value reads
/// back as it was.
pub fn to_yaml(answers: &Answers) -> Result<String, serde_yaml::Error> {
    let value = serde_yaml::to_value(answers)?;
    let mut out = String::new();
    if let Value::Mapping(map) = &value {
        for (i, (key, child)) in map.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            emit_entry(&mut out, 0, &scalar(key)?, child)?;
        }
    }
    Ok(out)
}

fn scalar(value: &Value) -> Result<String, serde_yaml::Error> {
    // A whole float (a percentage of 1) is written as people write it: 1, not 1.0.
    if let Value::Number(n) = value
        && let Some(f) = n.as_f64()
        && n.is_f64()
        && f.fract() == 0.0
        && f.abs() < 1e15
    {
        return Ok(format!("{}", f as i64));
    }
    Ok(serde_yaml::to_string(value)?.trim_end().to_string())
}

/// A scalar that reads the same inside `[...]` as outside it.
fn flow_safe(text: &str) -> bool {
    text.starts_with(['\'', '"'])
        || text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._/@+-".contains(c))
}

fn emit_entry(
    out: &mut String,
    indent: usize,
    key: &str,
    value: &Value,
) -> Result<(), serde_yaml::Error> {
    let pad = " ".repeat(indent);
    match value {
        Value::Mapping(map) if !map.is_empty() => {
            out.push_str(&format!("{pad}{key}:\n"));
            for (k, v) in map {
                emit_entry(out, indent + 2, &scalar(k)?, v)?;
            }
        }
        Value::Sequence(items) if !items.is_empty() => {
            let flow: Option<Vec<String>> = items
                .iter()
                .map(|item| match item {
                    Value::Mapping(_) | Value::Sequence(_) => None,
                    _ => scalar(item).ok().filter(|s| flow_safe(s)),
                })
                .collect();
            let flow = flow.map(|texts| format!("{pad}{key}: [{}]\n", texts.join(", ")));
            match flow.filter(|line| line.len() <= 81) {
                Some(line) => out.push_str(&line),
                None => {
                    out.push_str(&format!("{pad}{key}:\n"));
                    for item in items {
                        emit_item(out, indent + 2, item)?;
                    }
                }
            }
        }
        other => out.push_str(&format!("{pad}{key}: {}\n", scalar(other)?)),
    }
    Ok(())
}

fn emit_item(out: &mut String, indent: usize, item: &Value) -> Result<(), serde_yaml::Error> {
    let pad = " ".repeat(indent);
    match item {
        Value::Mapping(map) if !map.is_empty() => {
            // The first key shares the dash's line; the rest align under it.
            let mut first = true;
            for (k, v) in map {
                let mut entry = String::new();
                emit_entry(&mut entry, indent + 2, &scalar(k)?, v)?;
                if first {
                    entry.replace_range(indent..indent + 2, "- ");
                    first = false;
                }
                out.push_str(&entry);
            }
        }
        Value::Sequence(inner) if !inner.is_empty() => {
            let texts: Vec<String> = inner.iter().map(scalar).collect::<Result<_, _>>()?;
            out.push_str(&format!("{pad}- [{}]\n", texts.join(", ")));
        }
        other => out.push_str(&format!("{pad}- {}\n", scalar(other)?)),
    }
    Ok(())
}
