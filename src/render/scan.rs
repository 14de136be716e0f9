//! What a blueprint's text says about itself, read without compiling it:
//! where it can be cut into pieces (`pieces::cuts`), the names its
//! mustaches use, and the partials it includes.
//!
//! This file is compiled twice: into lzgen, and into `build.rs` (by path),
//! which scans every embedded blueprint once and embeds the result
//! (`SCANNED`), so that a run reads only the blueprints a user replaced.

use std::borrow::Cow;

/// One blueprint read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scanned<'t> {
    /// Where it is cut into pieces of `pieces::PIECE_BYTES`.
    pub cuts: Cow<'t, [usize]>,
    /// Every identifier inside its mustaches, sorted, each once.
    pub words: Cow<'t, [&'t str]>,
    /// The partials it includes directly, in order, each once.
    pub partials: Cow<'t, [&'t str]>,
}

/// Reads a blueprint.
pub fn scan(text: &str) -> Scanned<'_> {
    let mut words = Vec::new();
    words_in_mustaches(text, &mut words);
    words.sort_unstable();
    words.dedup();
    let mut partials: Vec<&str> = Vec::new();
    for name in partials_named(text) {
        if !partials.contains(&name) {
            partials.push(name);
        }
    }
    Scanned {
        cuts: super::pieces::cuts(text, super::pieces::PIECE_BYTES).into(),
        words: words.into(),
        partials: partials.into(),
    }
}

/// The partials a blueprint includes directly: `{{> name …}}`.
pub fn partials_named(text: &str) -> impl Iterator<Item = &str> {
    text.split("{{").skip(1).filter_map(|tail| {
        let tail = tail.trim_start_matches('~').trim_start();
        let rest = tail.strip_prefix('>')?;
        let name = rest.trim_start();
        let end = name
            .find(|c: char| c.is_whitespace() || c == '}' || c == '~')
            .unwrap_or(name.len());
        Some(&name[..end])
    })
}

/// Every identifier written inside `{{…}}` in a text, in order, with
/// repeats: the names a blueprint can reach in its context. Prose around
/// the mustaches does not count.
pub fn words_in_mustaches<'t>(text: &'t str, words: &mut Vec<&'t str>) {
    for tail in text.split("{{").skip(1) {
        let inside = tail.split("}}").next().unwrap_or_default();
        words.extend(
            inside
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .filter(|word| !word.is_empty()),
        );
    }
}
