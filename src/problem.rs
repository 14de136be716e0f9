//! Problems found in the answers: each names the key, says what was expected
//! and what was found, and where it helps, how to fix it.

use serde::Serialize;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The key path, as a user would write it: `accounts[4].ou`.
    pub key: String,
    /// What was expected and what was found.
    pub message: String,
    /// A suggestion: a close name, the flag that supplies a value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

/// The longest key, message or hint shown; a message that echoes a huge
/// value is cut.
const MAX_SHOWN: usize = 2_000;

/// `text` safe for a terminal: every control, invisible or
/// direction-changing character but the line break becomes a `\u{…}` escape,
/// so an echoed value can neither move the cursor, clear the screen nor
/// reorder what the user reads; and it is cut at `MAX_SHOWN` characters.
fn shown(text: String) -> String {
    let long = text.chars().nth(MAX_SHOWN).is_some();
    if !long && !text.chars().any(|c| c != '\n' && crate::text::hidden(c)) {
        return text;
    }
    text.split('\n')
        .map(|line| crate::text::printable(line, MAX_SHOWN))
        .collect::<Vec<_>>()
        .join("\n")
}

impl Problem {
    pub fn new(key: impl Into<String>, message: impl Into<String>) -> Self {
        Problem {
            key: shown(key.into()),
            message: shown(message.into()),
            hint: None,
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(shown(hint.into()));
        self
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.key.is_empty() {
            write!(f, "{}", self.message)?;
        } else {
            write!(f, "{}: {}", self.key, self.message)?;
        }
        if let Some(hint) = &self.hint {
            write!(f, " ({hint})")?;
        }
        Ok(())
    }
}

/// A warning: the answers are valid, but something deserves a look.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    pub key: String,
    pub message: String,
}

impl Warning {
    pub fn new(key: impl Into<String>, message: impl Into<String>) -> Self {
        Warning {
            key: shown(key.into()),
            message: shown(message.into()),
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.key, self.message)
    }
}

/// The closest of `candidates` to `found`, if one is close enough to be what
/// the user meant.
pub fn did_you_mean<'a>(
    found: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|candidate| (strsim::jaro_winkler(found, candidate), candidate))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

/// "one of `a`, `b`, `c`" for a message listing the accepted values.
pub fn one_of(values: &[&str]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
    format!("one of {}", quoted.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(
            did_you_mean("stratgy", ["strategy", "compute"]),
            Some("strategy")
        );
        assert_eq!(did_you_mean("zzz", ["strategy", "compute"]), None);
    }

    #[test]
    fn echoed_values_cannot_drive_the_terminal() {
        let p = Problem::new(
            "organization.name",
            "found `x\u{1b}[2J\u{202e}`\nsecond line",
        )
        .with_hint("h\u{7}");
        assert_eq!(
            p.to_string(),
            "organization.name: found `x\\u{1b}[2J\\u{202e}`\nsecond line (h\\u{7})"
        );
        let long = Problem::new("k", "v".repeat(MAX_SHOWN + 10));
        assert!(
            long.message.ends_with("… (10 more characters)"),
            "{}",
            long.message
        );
    }

    #[test]
    fn displays_key_message_and_hint() {
        let p = Problem::new("a.b", "expected x, found y").with_hint("did you mean `c`?");
        assert_eq!(
            p.to_string(),
            "a.b: expected x, found y (did you mean `c`?)"
        );
    }
}
