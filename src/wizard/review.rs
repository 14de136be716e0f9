//! Going back to one answer from the summary, without losing the others.
//!
//! Every run of the questions goes through `Replay`, which records each
//! question and its answer (the summary's "change an answer" lists them).
//! To change one answer, the questions run again from the start, but each
//! question before the chosen one is answered with its suggestion, which the
//! wizard always takes from the current answers, so nothing changes and
//! nothing is shown. From the chosen question to the end of its group, the
//! person answers; later groups are answered with their suggestions again.
//! If an answer given that way is refused (a later answer no longer fits
//! the changed one), the question is shown with the refusal and asked, and
//! so is the rest of its group.

use super::Prompter;
use std::io;

/// One question as last answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asked {
    /// The lzgen.yaml key (or question name) the question sets.
    pub key: String,
    pub prompt: String,
    /// The answer, as a person would read it.
    pub answer: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Mode {
    /// Every question is asked.
    Asking,
    /// Answered with suggestions until the question with this key.
    Before(String),
    /// Asking, until the group of questions ends.
    InGroup,
    /// Answered with suggestions; a refusal switches to `InGroup`.
    After,
}

/// A prompter around a prompter: records, and answers with suggestions
/// where the mode says so.
pub(super) struct Replay<'a> {
    inner: &'a mut dyn Prompter,
    mode: Mode,
    pub(super) asked: Vec<Asked>,
    /// A refusal seen while answering with suggestions, shown before the
    /// question is asked again.
    held: Vec<String>,
}

impl<'a> Replay<'a> {
    pub(super) fn new(inner: &'a mut dyn Prompter, from: Option<&str>) -> Self {
        Replay {
            inner,
            mode: from.map_or(Mode::Asking, |k| Mode::Before(k.to_string())),
            asked: Vec::new(),
            held: Vec::new(),
        }
    }

    /// Whether this question is put to the person.
    fn asks(&mut self, key: &str) -> bool {
        if matches!(&self.mode, Mode::Before(k) if k == key) {
            self.mode = Mode::InGroup;
        }
        let asks = matches!(self.mode, Mode::Asking | Mode::InGroup);
        if asks {
            for text in std::mem::take(&mut self.held) {
                self.inner.refuse(&text);
            }
        }
        asks
    }

    fn record(&mut self, key: &str, prompt: &str, answer: String) {
        self.asked.push(Asked {
            key: key.to_string(),
            prompt: prompt.to_string(),
            answer,
        });
    }

    /// A one-item choice: asked through `ask`, or the suggestion.
    fn one(
        &mut self,
        key: &str,
        prompt: &str,
        items: &[String],
        default: usize,
        ask: impl FnOnce(&mut dyn Prompter) -> io::Result<usize>,
    ) -> io::Result<usize> {
        let i = if self.asks(key) {
            ask(&mut *self.inner)?
        } else {
            default
        };
        self.record(key, prompt, items.get(i).cloned().unwrap_or_default());
        Ok(i)
    }

    fn quiet(&self) -> bool {
        matches!(self.mode, Mode::Before(_) | Mode::After)
    }
}

impl Prompter for Replay<'_> {
    fn input(&mut self, key: &str, prompt: &str, default: &str) -> io::Result<String> {
        let text = if self.asks(key) {
            self.inner.input(key, prompt, default)?
        } else {
            default.to_string()
        };
        self.record(key, prompt, text.trim().to_string());
        Ok(text)
    }

    fn confirm(&mut self, key: &str, prompt: &str, default: bool) -> io::Result<bool> {
        let yes = if self.asks(key) {
            self.inner.confirm(key, prompt, default)?
        } else {
            default
        };
        self.record(key, prompt, if yes { "yes" } else { "no" }.to_string());
        Ok(yes)
    }

    fn select(
        &mut self,
        key: &str,
        prompt: &str,
        items: &[String],
        default: usize,
    ) -> io::Result<usize> {
        self.one(key, prompt, items, default, |p| {
            p.select(key, prompt, items, default)
        })
    }

    fn search(
        &mut self,
        key: &str,
        prompt: &str,
        items: &[String],
        default: usize,
    ) -> io::Result<usize> {
        self.one(key, prompt, items, default, |p| {
            p.search(key, prompt, items, default)
        })
    }

    fn multi_select(
        &mut self,
        key: &str,
        prompt: &str,
        items: &[String],
        defaults: &[bool],
    ) -> io::Result<Vec<usize>> {
        let picked = if self.asks(key) {
            self.inner.multi_select(key, prompt, items, defaults)?
        } else {
            (0..items.len())
                .filter(|i| defaults.get(*i).copied().unwrap_or(false))
                .collect()
        };
        let names: Vec<&str> = picked
            .iter()
            .filter_map(|i| items.get(*i))
            // The code or name before any explanation: `eu-west-1`, not
            // `eu-west-1 (Europe (Ireland))`.
            .map(|item| item.split([' ', ':']).next().unwrap_or(item))
            .collect();
        let answer = if names.is_empty() {
            "none".to_string()
        } else {
            names.join(", ")
        };
        self.record(key, prompt, answer);
        Ok(picked)
    }

    fn show(&mut self, text: &str) {
        if !self.quiet() {
            self.inner.show(text);
        }
    }

    fn section(&mut self, title: &str) {
        if self.mode == Mode::InGroup {
            self.mode = Mode::After;
        }
        if !self.quiet() {
            self.inner.section(title);
        }
    }

    fn refuse(&mut self, text: &str) {
        if self.quiet() {
            // An answer that fitted before no longer does: ask from here.
            self.mode = Mode::InGroup;
            self.held.push(text.to_string());
        } else {
            self.inner.refuse(text);
        }
    }

    fn warn(&mut self, text: &str) {
        if !self.quiet() {
            self.inner.warn(text);
        }
    }
}

/// The questions to offer under "change an answer": each key once, with
/// its last answer, in the order first asked. Menus inside the layout
/// editor (`layout.*` after the first) are steps, not answers, and are
/// left out, as are the per-account questions it asks.
pub fn changeable(asked: &[Asked]) -> Vec<Asked> {
    let mut out: Vec<Asked> = Vec::new();
    for a in asked {
        let step = matches!(
            a.key.as_str(),
            "layout.action" | "layout.remove" | "layout.rename"
        ) || a.key.starts_with("accounts[") && !a.key.ends_with(".id")
            || a.key == "organizational_units";
        if step {
            continue;
        }
        match out.iter_mut().find(|o| o.key == a.key) {
            Some(seen) => seen.answer = a.answer.clone(),
            None => out.push(a.clone()),
        }
    }
    out
}
