//! Reading YAML lzgen wrote itself (its output, its blueprints' manifest),
//! quickly.
//!
//! Every YAML file lzgen writes is parsed back before anything is written
//! (`verify`), and for the standard preset that was the largest single cost
//! of `lzgen new`: serde_yaml_ng's parser (a translation of libyaml) takes
//! about twice as long as yaml-rust2's, which lzgen already uses to find
//! tags in answers. So a file is read with yaml-rust2's parser and built
//! into the same `serde_yaml::Value` serde_yaml_ng would give, resolving
//! plain scalars by the rules serde_yaml_ng follows (YAML 1.2's core schema:
//! `null`, `true`, integers in four bases, floats; a leading zero keeps
//! digits a string).
//!
//! Whatever this reader does not build the same way (anchors and aliases,
//! `!!` tags, a key twice, several documents, an integer past 64 bits, a
//! file yaml-rust2 refuses) is read again by serde_yaml_ng, whose value or
//! error is then the answer. Tests compare the two readers on every file of
//! every preset and example, and on generated scalars.

use serde_yaml::value::{Tag, TaggedValue};
use serde_yaml::{Mapping, Value};
use yaml_rust2::parser::{Event, Parser, Tag as EventTag};
use yaml_rust2::scanner::TScalarStyle;

/// A YAML document as serde_yaml_ng reads it, or its error.
pub(crate) fn read(text: &str) -> Result<Value, serde_yaml::Error> {
    match quickly(text) {
        Some(value) => Ok(value),
        None => serde_yaml::from_str(text),
    }
}

/// A node being built: a sequence, or a mapping with the key read last.
enum Open {
    Sequence(Vec<Value>, Option<String>),
    Mapping(Mapping, Option<Value>, Option<String>),
}

/// The document, or `None` where serde_yaml_ng must read it (see above).
fn quickly(text: &str) -> Option<Value> {
    let mut parser = Parser::new_from_str(text);
    let mut open: Vec<Open> = Vec::new();
    let mut documents = 0;
    let mut root: Option<Value> = None;
    loop {
        let (event, _) = parser.next_token().ok()?;
        let value = match event {
            Event::StreamEnd => break,
            Event::Nothing | Event::StreamStart | Event::DocumentEnd => continue,
            Event::DocumentStart => {
                documents += 1;
                if documents > 1 {
                    return None;
                }
                continue;
            }
            Event::Alias(_) => return None,
            Event::Scalar(text, style, anchor, tag) => {
                if anchor != 0 {
                    return None;
                }
                let value = if style == TScalarStyle::Plain {
                    plain(text)?
                } else {
                    Value::String(text)
                };
                match local_tag(tag)? {
                    Some(tag) => tagged(tag, value),
                    None => value,
                }
            }
            Event::SequenceStart(anchor, tag) => {
                if anchor != 0 {
                    return None;
                }
                open.push(Open::Sequence(Vec::new(), local_tag(tag)?));
                continue;
            }
            Event::MappingStart(anchor, tag) => {
                if anchor != 0 {
                    return None;
                }
                open.push(Open::Mapping(Mapping::new(), None, local_tag(tag)?));
                continue;
            }
            Event::SequenceEnd => match open.pop()? {
                Open::Sequence(items, tag) => with_tag(Value::Sequence(items), tag),
                Open::Mapping(..) => return None,
            },
            Event::MappingEnd => match open.pop()? {
                Open::Mapping(map, None, tag) => with_tag(Value::Mapping(map), tag),
                _ => return None,
            },
        };
        match open.last_mut() {
            None if root.is_none() => root = Some(value),
            None => return None,
            Some(Open::Sequence(items, _)) => items.push(value),
            Some(Open::Mapping(_, key @ None, _)) => *key = Some(value),
            Some(Open::Mapping(map, key, _)) => {
                let key = key.take()?;
                if map.contains_key(&key) {
                    return None;
                }
                map.insert(key, value);
            }
        }
    }
    if documents == 1 && open.is_empty() {
        root
    } else {
        None
    }
}

/// A tag written `!Name` (CloudFormation's short forms): its name. `None`
/// for a tag of another kind (`!!str`, `!<...>`, a bare `!`), which
/// serde_yaml_ng resolves itself; `Some(None)` for no tag.
fn local_tag(tag: Option<EventTag>) -> Option<Option<String>> {
    match tag {
        None => Some(None),
        Some(tag) if tag.handle == "!" && !tag.suffix.is_empty() => Some(Some(tag.suffix)),
        Some(_) => None,
    }
}

fn tagged(tag: String, value: Value) -> Value {
    Value::Tagged(Box::new(TaggedValue {
        tag: Tag::new(tag),
        value,
    }))
}

fn with_tag(value: Value, tag: Option<String>) -> Value {
    match tag {
        Some(tag) => tagged(tag, value),
        None => value,
    }
}

/// A plain scalar resolved as serde_yaml_ng resolves it: null, a boolean,
/// an integer, a float, or else the string. `None` for an integer that
/// needs more than 64 bits.
fn plain(text: String) -> Option<Value> {
    match text.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => return Some(Value::Null),
        "true" | "True" | "TRUE" => return Some(Value::Bool(true)),
        "false" | "False" | "FALSE" => return Some(Value::Bool(false)),
        _ => {}
    }
    // Only a scalar that starts with a digit, a sign or a dot can be a
    // number; most scalars are words.
    if !text
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.'))
    {
        return Some(Value::String(text));
    }
    if let Some(n) = unsigned(&text, u64::from_str_radix) {
        return Some(Value::Number(n.into()));
    }
    if let Some(n) = negative(&text, i64::from_str_radix) {
        return Some(Value::Number(n.into()));
    }
    // An integer past 64 bits, which serde_yaml_ng reads its own way.
    if unsigned(&text, u128::from_str_radix).is_some()
        || negative(&text, i128::from_str_radix).is_some()
    {
        return None;
    }
    if !leading_zero(&text)
        && let Some(f) = float(&text)
    {
        return Some(Value::Number(f.into()));
    }
    Some(Value::String(text))
}

/// Digits after a leading zero (`0123`, `-007`): a string in YAML 1.2.
fn leading_zero(text: &str) -> bool {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    digits.len() > 1 && digits.starts_with('0') && digits[1..].bytes().all(|b| b.is_ascii_digit())
}

/// How an integer type reads digits in a radix.
type Radix<T> = fn(&str, u32) -> Result<T, std::num::ParseIntError>;

/// `0x`, `0o` and `0b` prefixes, after an optional `+`; then decimal.
fn unsigned<T>(text: &str, parse: Radix<T>) -> Option<T> {
    let digits = text.strip_prefix('+').unwrap_or(text);
    for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if let Some(rest) = digits.strip_prefix(prefix) {
            if rest.starts_with(['+', '-']) {
                return None;
            }
            if let Ok(n) = parse(rest, radix) {
                return Some(n);
            }
        }
    }
    if digits.starts_with(['+', '-']) || leading_zero(text) {
        return None;
    }
    parse(digits, 10).ok()
}

/// `-0x`, `-0o` and `-0b` prefixes; then decimal, with its sign.
fn negative<T>(text: &str, parse: Radix<T>) -> Option<T> {
    for (prefix, radix) in [("-0x", 16), ("-0o", 8), ("-0b", 2)] {
        if let Some(rest) = text.strip_prefix(prefix)
            && let Ok(n) = parse(&format!("-{rest}"), radix)
        {
            return Some(n);
        }
    }
    if leading_zero(text) {
        return None;
    }
    parse(text, 10).ok()
}

/// `.inf`, `.nan` and their spellings, and finite decimal floats.
fn float(text: &str) -> Option<f64> {
    let unsigned = match text.strip_prefix('+') {
        Some(rest) if rest.starts_with(['+', '-']) => return None,
        Some(rest) => rest,
        None => text,
    };
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") {
        return Some(f64::INFINITY);
    }
    if matches!(text, "-.inf" | "-.Inf" | "-.INF") {
        return Some(f64::NEG_INFINITY);
    }
    if matches!(text, ".nan" | ".NaN" | ".NAN") {
        return Some(f64::NAN.copysign(1.0));
    }
    unsigned.parse::<f64>().ok().filter(|f| f.is_finite())
}

#[cfg(test)]
mod tests;
