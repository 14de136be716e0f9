//! A prompter that answers from a script, for tests. A question it has no
//! answer for is an error, so a test notices every question it did not
//! expect.

use super::Prompter;
use std::collections::{BTreeMap, VecDeque};
use std::io;

/// One scripted answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// Take the suggested default.
    Default,
    Text(String),
    Yes,
    No,
    /// The item whose label starts with this text.
    Pick(String),
    /// The items whose labels start with these texts (and no others).
    PickAll(Vec<String>),
}

/// Answers by question key; each key's answers are used in order.
#[derive(Debug, Default)]
pub struct ScriptedPrompter {
    replies: BTreeMap<String, VecDeque<Reply>>,
    /// Every question asked, by key, in order.
    pub asked: Vec<String>,
    /// The items offered by each select, by key (the last time it was asked).
    pub offered: BTreeMap<String, Vec<String>>,
    /// Every refusal shown.
    pub refusals: Vec<String>,
}

impl ScriptedPrompter {
    pub fn new<K: Into<String>>(script: impl IntoIterator<Item = (K, Reply)>) -> Self {
        let mut replies: BTreeMap<String, VecDeque<Reply>> = BTreeMap::new();
        for (key, reply) in script {
            replies.entry(key.into()).or_default().push_back(reply);
        }
        ScriptedPrompter {
            replies,
            ..Self::default()
        }
    }

    /// Answers not used: a script that says more than the wizard asked.
    pub fn unused(&self) -> Vec<(String, Reply)> {
        self.replies
            .iter()
            .flat_map(|(k, v)| v.iter().map(move |r| (k.clone(), r.clone())))
            .collect()
    }

    fn next(&mut self, key: &str) -> io::Result<Reply> {
        self.asked.push(key.to_string());
        self.replies
            .get_mut(key)
            .and_then(VecDeque::pop_front)
            .ok_or_else(|| io::Error::other(format!("the script has no answer for `{key}`")))
    }

    fn position(key: &str, items: &[String], prefix: &str) -> io::Result<usize> {
        items
            .iter()
            .position(|item| item.starts_with(prefix))
            .ok_or_else(|| {
                io::Error::other(format!(
                    "`{key}` offers no item starting with `{prefix}`: {items:?}"
                ))
            })
    }
}

impl Prompter for ScriptedPrompter {
    fn input(&mut self, key: &str, _prompt: &str, default: &str) -> io::Result<String> {
        match self.next(key)? {
            Reply::Default => Ok(default.to_string()),
            Reply::Text(text) => Ok(text),
            other => Err(io::Error::other(format!(
                "`{key}` asks for text, the script says {other:?}"
            ))),
        }
    }

    fn confirm(&mut self, key: &str, _prompt: &str, default: bool) -> io::Result<bool> {
        match self.next(key)? {
            Reply::Default => Ok(default),
            Reply::Yes => Ok(true),
            Reply::No => Ok(false),
            other => Err(io::Error::other(format!(
                "`{key}` asks yes or no, the script says {other:?}"
            ))),
        }
    }

    fn select(
        &mut self,
        key: &str,
        _prompt: &str,
        items: &[String],
        default: usize,
    ) -> io::Result<usize> {
        self.offered.insert(key.to_string(), items.to_vec());
        match self.next(key)? {
            Reply::Default => Ok(default),
            Reply::Pick(prefix) => Self::position(key, items, &prefix),
            other => Err(io::Error::other(format!(
                "`{key}` asks for one item, the script says {other:?}"
            ))),
        }
    }

    fn multi_select(
        &mut self,
        key: &str,
        _prompt: &str,
        items: &[String],
        defaults: &[bool],
    ) -> io::Result<Vec<usize>> {
        self.offered.insert(key.to_string(), items.to_vec());
        match self.next(key)? {
            Reply::Default => Ok(defaults
                .iter()
                .enumerate()
                .filter(|(_, on)| **on)
                .map(|(i, _)| i)
                .collect()),
            Reply::PickAll(prefixes) => prefixes
                .iter()
                .map(|p| Self::position(key, items, p))
                .collect(),
            other => Err(io::Error::other(format!(
                "`{key}` asks for several items, the script says {other:?}"
            ))),
        }
    }

    fn show(&mut self, _text: &str) {}

    fn refuse(&mut self, text: &str) {
        self.refusals.push(text.to_string());
    }
}
