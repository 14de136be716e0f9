//! The interactive wizard: a guided conversation that ends in the same
//! `Answers` a CI job would pass with `--config`.
//!
//! The wizard is pure logic over a `Prompter`; the terminal implementation
//! (dialoguer) lives in `terminal.rs` alone, and `scripted.rs` answers from a
//! script for tests. Every answer goes through the same validator as a file
//! would (`model::build`): a refused answer is shown with its message and the
//! question is asked again.

mod governance;
mod organization;
mod picker;
mod pipeline;
mod review;
mod scripted;
mod terminal;

pub use review::{Asked, changeable};
pub use scripted::{Reply, ScriptedPrompter};
pub use terminal::TerminalPrompter;

use crate::config::{self, AccountAnswer, Answers, OuAnswer};
use crate::model::{self, Compute, regions};
use crate::problem::Problem;
use std::io;

/// Asks questions. Each question has a key (the lzgen.yaml key it sets, or a
/// name like `layout.action`), so a script can answer it.
pub trait Prompter {
    fn input(&mut self, key: &str, prompt: &str, default: &str) -> io::Result<String>;
    fn confirm(&mut self, key: &str, prompt: &str, default: bool) -> io::Result<bool>;
    fn select(
        &mut self,
        key: &str,
        prompt: &str,
        items: &[String],
        default: usize,
    ) -> io::Result<usize>;
    /// A select with type-to-search, for long lists such as regions.
    fn search(
        &mut self,
        key: &str,
        prompt: &str,
        items: &[String],
        default: usize,
    ) -> io::Result<usize> {
        self.select(key, prompt, items, default)
    }
    /// A list with type-to-search and no suggestion: a menu.
    fn choose(&mut self, key: &str, prompt: &str, items: &[String]) -> io::Result<usize> {
        self.search(key, prompt, items, 0)
    }
    fn multi_select(
        &mut self,
        key: &str,
        prompt: &str,
        items: &[String],
        defaults: &[bool],
    ) -> io::Result<Vec<usize>>;
    /// Something to read: the current layout, a summary.
    fn show(&mut self, text: &str);
    /// The heading of a group of questions.
    fn section(&mut self, title: &str) {
        self.show(&format!("\n{title}"));
    }
    /// Why an answer was refused.
    fn refuse(&mut self, text: &str);
    /// Something valid that deserves a look.
    fn warn(&mut self, text: &str) {
        self.show(text);
    }
}

/// What the questions start from, and which lzgen features this version has.
#[derive(Debug, Clone)]
pub struct Wizard {
    answers: Answers,
    /// The answers the wizard started from, to tell a suggestion that
    /// followed them from a value chosen for itself.
    initial: Answers,
    /// Suggestions made that followed other answers: taken as they were,
    /// they follow those answers again when the wizard goes back.
    suggested: Vec<String>,
}

const EMAIL_PATTERN_DEFAULT: &str = "aws+{account}@example.com";

impl Wizard {
    /// Starts from complete answers (a preset, or a file merged over one).
    pub fn new(start: Answers) -> Self {
        Wizard {
            initial: start.clone(),
            answers: start,
            suggested: Vec::new(),
        }
    }

    fn initial_org_name(&self) -> String {
        let org = self.initial.organization.as_ref();
        org.and_then(|o| o.name.clone()).unwrap_or_default()
    }

    fn initial_application(&self) -> String {
        let pipeline = self.initial.pipeline.as_ref();
        pipeline
            .and_then(|p| p.application.clone())
            .unwrap_or_default()
    }

    /// Asks every question that applies, in order; returns the answers.
    pub fn run(mut self, p: &mut dyn Prompter) -> io::Result<Answers> {
        self.ask(p, None)?;
        Ok(self.answers)
    }

    /// Asks every question that applies, in order, or (with `from`) goes
    /// back to the question with that key: the questions before it keep
    /// their answers unasked, and so do the groups after its own (see
    /// `review`). Returns each question with its answer.
    pub fn ask(&mut self, p: &mut dyn Prompter, from: Option<&str>) -> io::Result<Vec<Asked>> {
        let mut replay = review::Replay::new(p, from);
        let p = &mut replay;
        p.show("Answer a few questions; Enter takes the suggestion in brackets. Ctrl-C stops without writing anything.");
        self.organization(p)?;
        self.layout(p)?;
        self.existing_accounts(p)?;
        self.application(p)?;
        self.deploy(p)?;
        self.governance(p)?;
        Ok(replay.asked)
    }

    /// The answers so far.
    pub fn answers(&self) -> &Answers {
        &self.answers
    }

    fn org(&mut self) -> &mut config::Organization {
        self.answers
            .organization
            .get_or_insert_with(Default::default)
    }

    fn pipeline(&mut self) -> &mut config::Pipeline {
        self.answers.pipeline.get_or_insert_with(Default::default)
    }

    /// Asks for text until the validator accepts it. `apply` puts the text
    /// into a copy of the answers; the problems reported at `key` (or under
    /// it) decide.
    fn ask_text(
        &mut self,
        p: &mut dyn Prompter,
        key: &str,
        prompt: &str,
        default: &str,
        apply: impl Fn(&mut Answers, &str) -> Result<(), String>,
    ) -> io::Result<()> {
        loop {
            let text = p.input(key, prompt, default)?;
            let text = text.trim();
            let mut candidate = self.answers.clone();
            if let Err(message) = apply(&mut candidate, text) {
                p.refuse(&format!("{key}: {message}"));
                continue;
            }
            let problems = problems_at(&candidate, key);
            if problems.is_empty() {
                self.answers = candidate;
                return Ok(());
            }
            for problem in problems {
                p.refuse(&problem.to_string());
            }
        }
    }
}

/// A number typed at a prompt, or the message saying what was expected.
fn number<T: std::str::FromStr>(text: &str, expected: &str) -> Result<T, String> {
    text.parse()
        .map_err(|_| format!("expected {expected}, found `{text}`"))
}

fn org_of(a: &mut Answers) -> &mut config::Organization {
    a.organization.get_or_insert_with(Default::default)
}

fn pipeline_of(a: &mut Answers) -> &mut config::Pipeline {
    a.pipeline.get_or_insert_with(Default::default)
}

fn deploy_of(a: &mut Answers) -> &mut config::Deploy {
    pipeline_of(a).deploy.get_or_insert_with(Default::default)
}

fn slack_of(a: &mut Answers) -> &mut config::Slack {
    a.notifications
        .get_or_insert_with(Default::default)
        .slack
        .get_or_insert_with(Default::default)
}

/// The problems the validator reports at `key` or under it.
fn problems_at(answers: &Answers, key: &str) -> Vec<Problem> {
    match model::build(answers) {
        Ok(_) => Vec::new(),
        Err(problems) => problems
            .into_iter()
            .filter(|p| {
                p.key == key
                    || p.key.starts_with(&format!("{key}."))
                    || p.key.starts_with(&format!("{key}["))
            })
            .collect(),
    }
}

/// The pattern the accounts' emails follow, if they all follow one.
fn email_pattern_of(accounts: &[AccountAnswer]) -> Option<String> {
    let mut pattern: Option<String> = None;
    for account in accounts.iter().filter(|a| a.id.is_none()) {
        let (name, email) = (account.name.as_deref()?, account.email.as_deref()?);
        let this = email.replacen(name, "{account}", 1);
        if !this.contains("{account}") || pattern.as_ref().is_some_and(|p| p != &this) {
            return None;
        }
        pattern = Some(this);
    }
    pattern
}

fn ou_paths(answers: &Answers) -> Vec<String> {
    fn walk(level: &[OuAnswer], parent: &str, out: &mut Vec<String>) {
        for ou in level {
            let name = ou.name.clone().unwrap_or_default();
            let path = if parent.is_empty() {
                name
            } else {
                format!("{parent}/{name}")
            };
            out.push(path.clone());
            walk(&ou.children, &path, out);
        }
    }
    let mut out = Vec::new();
    walk(
        answers.organizational_units.as_deref().unwrap_or(&[]),
        "",
        &mut out,
    );
    out
}

fn rename_in(level: &mut [OuAnswer], target: &str, parent: &str, new_name: &str) -> bool {
    for ou in level {
        let name = ou.name.clone().unwrap_or_default();
        let path = if parent.is_empty() {
            name
        } else {
            format!("{parent}/{name}")
        };
        if path == target {
            ou.name = Some(new_name.to_string());
            return true;
        }
        if rename_in(&mut ou.children, target, &path, new_name) {
            return true;
        }
    }
    false
}

/// The OU tree with each OU's accounts and their roles.
pub fn layout_text(answers: &Answers) -> String {
    let mut out = String::from("\n  Organization root (management account)\n");
    let accounts = answers.accounts.as_deref().unwrap_or(&[]);
    for path in ou_paths(answers) {
        let depth = path.matches('/').count();
        let name = path.rsplit('/').next().unwrap_or_default();
        out.push_str(&format!("  {}├── OU {name}\n", "│   ".repeat(depth)));
        for account in accounts
            .iter()
            .filter(|a| a.ou.as_deref() == Some(path.as_str()))
        {
            let roles = account.roles.clone().unwrap_or_default().join(", ");
            let approval = if account.approval == Some(true) {
                ", approval first"
            } else {
                ""
            };
            out.push_str(&format!(
                "  {}│   • {} ({roles}{approval})\n",
                "│   ".repeat(depth),
                account.name.as_deref().unwrap_or("?")
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests;
