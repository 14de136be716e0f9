//! The wizard on a real terminal, through dialoguer. The only module that
//! knows about dialoguer; prompts go to stderr, so stdout stays for results.

use super::Prompter;
use super::picker::Picker;
use dialoguer::console::{Style, Term};
use dialoguer::theme::{ColorfulTheme, SimpleTheme, Theme};
use dialoguer::{Confirm, Input, Select};
use std::io;

pub struct TerminalPrompter {
    term: Term,
    theme: Box<dyn Theme>,
    color: bool,
}

impl std::fmt::Debug for TerminalPrompter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TerminalPrompter")
            .field("color", &self.color)
            .finish()
    }
}

impl TerminalPrompter {
    /// Colour unless NO_COLOR is set (to anything but empty).
    pub fn new() -> Self {
        let color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        let theme: Box<dyn Theme> = if color {
            Box::new(ColorfulTheme::default())
        } else {
            Box::new(SimpleTheme)
        };
        TerminalPrompter {
            term: Term::stderr(),
            theme,
            color,
        }
    }

    fn paint(&self, style: Style, text: &str) -> String {
        if self.color {
            style.apply_to(text).to_string()
        } else {
            text.to_string()
        }
    }
}

impl Default for TerminalPrompter {
    fn default() -> Self {
        Self::new()
    }
}

/// dialoguer reports Ctrl-C in its raw-mode prompts as an error; keep it an
/// `Interrupted` I/O error so the caller can exit 130.
fn io_error(e: dialoguer::Error) -> io::Error {
    match e {
        dialoguer::Error::IO(e) => e,
    }
}

impl Prompter for TerminalPrompter {
    fn input(&mut self, _key: &str, prompt: &str, default: &str) -> io::Result<String> {
        let mut input = Input::<String>::with_theme(self.theme.as_ref())
            .with_prompt(prompt)
            .allow_empty(true);
        if !default.is_empty() {
            input = input.default(default.to_string());
        }
        input.interact_text_on(&self.term).map_err(io_error)
    }

    fn confirm(&mut self, _key: &str, prompt: &str, default: bool) -> io::Result<bool> {
        // y or n, then Enter: without waiting for Enter, a habitual `n⏎`
        // answered this question with `n` and the next one with its
        // suggestion.
        Confirm::with_theme(self.theme.as_ref())
            .with_prompt(prompt)
            .default(default)
            .wait_for_newline(true)
            .interact_on(&self.term)
            .map_err(io_error)
    }

    fn select(
        &mut self,
        _key: &str,
        prompt: &str,
        items: &[String],
        default: usize,
    ) -> io::Result<usize> {
        Select::with_theme(self.theme.as_ref())
            .with_prompt(prompt)
            .max_length(10)
            .items(items)
            .default(default)
            .interact_on(&self.term)
            .map_err(io_error)
    }

    fn search(
        &mut self,
        _key: &str,
        prompt: &str,
        items: &[String],
        default: usize,
    ) -> io::Result<usize> {
        let mut picker = Picker::one(items, default);
        picker.run(&self.term, self.theme.as_ref(), prompt)?;
        picker
            .chosen()
            .ok_or_else(|| io::Error::other("nothing was chosen"))
    }

    fn choose(&mut self, _key: &str, prompt: &str, items: &[String]) -> io::Result<usize> {
        let mut picker = Picker::menu(items);
        picker.run(&self.term, self.theme.as_ref(), prompt)?;
        picker
            .chosen()
            .ok_or_else(|| io::Error::other("nothing was chosen"))
    }

    fn multi_select(
        &mut self,
        _key: &str,
        prompt: &str,
        items: &[String],
        defaults: &[bool],
    ) -> io::Result<Vec<usize>> {
        let mut picker = Picker::many(items, defaults);
        picker.run(&self.term, self.theme.as_ref(), prompt)?;
        Ok(picker.ticked())
    }

    fn show(&mut self, text: &str) {
        let _ = self.term.write_line(&self.paint(Style::new().bold(), text));
    }

    fn warn(&mut self, text: &str) {
        let _ = self
            .term
            .write_line(&self.paint(Style::new().yellow(), &format!("  ! {text}")));
    }

    fn refuse(&mut self, text: &str) {
        let _ = self
            .term
            .write_line(&self.paint(Style::new().red(), &format!("  ✗ {text}")));
    }
}
