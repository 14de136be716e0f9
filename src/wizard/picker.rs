//! A list to pick from that filters as you type: the home region (pick one)
//! and the further regions (tick several) are chosen from about thirty
//! codes, too many to scroll through.
//!
//! dialoguer's lists did not fit: its fuzzy select opened at the top of the
//! list with the suggestion out of sight, and in its multi-select the letter
//! `a` ticks every item, so a person typing a region's name ticked all of
//! them. Here every printable key goes to the filter (Space ticks, in a
//! multi-pick), the list opens scrolled to the suggestion, and the
//! suggestion is marked. The state and its keys are plain data, tested
//! below; `run` draws it on a terminal.

use dialoguer::console::{Key, Term, truncate_str};
use dialoguer::theme::Theme;
use std::io;

/// How many items are shown at once.
const PAGE: usize = 8;

#[derive(Debug, Clone)]
pub(super) struct Picker<'a> {
    items: &'a [String],
    /// Several items may be ticked (Space), or one is chosen (Enter).
    multi: bool,
    ticked: Vec<bool>,
    /// The item the list opened on, marked as the suggestion (one-pick).
    suggested: Option<usize>,
    filter: String,
    /// Indices into `items` of the items the filter matches, in order.
    shown: Vec<usize>,
    /// Position in `shown` of the highlighted item.
    cursor: usize,
    /// Position in `shown` of the first item on screen.
    top: usize,
}

/// What a key did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Step {
    Continue,
    Done,
}

impl<'a> Picker<'a> {
    /// Pick one; the list opens on `default`.
    pub(super) fn one(items: &'a [String], default: usize) -> Self {
        let mut picker = Picker::new(items, false, vec![false; items.len()]);
        if default < items.len() {
            picker.suggested = Some(default);
            picker.cursor = default;
            picker.top = default.saturating_sub(PAGE / 2);
            picker.clamp_top();
        }
        picker
    }

    /// Pick one, with nothing suggested: a menu.
    pub(super) fn menu(items: &'a [String]) -> Self {
        Picker::new(items, false, vec![false; items.len()])
    }

    /// Tick any number; `defaults` are ticked to start with.
    pub(super) fn many(items: &'a [String], defaults: &[bool]) -> Self {
        let ticked = (0..items.len())
            .map(|i| defaults.get(i).copied().unwrap_or(false))
            .collect();
        let mut picker = Picker::new(items, true, ticked);
        // Open on the first ticked item, so the suggestion is in sight.
        if let Some(first) = picker.ticked.iter().position(|t| *t) {
            picker.cursor = first;
            picker.top = first.saturating_sub(PAGE / 2);
            picker.clamp_top();
        }
        picker
    }

    fn new(items: &'a [String], multi: bool, ticked: Vec<bool>) -> Self {
        Picker {
            items,
            multi,
            ticked,
            suggested: None,
            filter: String::new(),
            shown: (0..items.len()).collect(),
            cursor: 0,
            top: 0,
        }
    }

    /// The item chosen (one-pick): the highlighted one.
    pub(super) fn chosen(&self) -> Option<usize> {
        self.shown.get(self.cursor).copied()
    }

    /// The items ticked (multi-pick), in list order, matching the filter or not.
    pub(super) fn ticked(&self) -> Vec<usize> {
        (0..self.items.len()).filter(|i| self.ticked[*i]).collect()
    }

    pub(super) fn key(&mut self, key: &Key) -> Step {
        match key {
            Key::Enter if self.multi || self.chosen().is_some() => return Step::Done,
            Key::Char(' ') if self.multi => {
                if let Some(i) = self.chosen() {
                    self.ticked[i] = !self.ticked[i];
                }
            }
            Key::Char(c) if !c.is_control() => {
                self.filter.push(*c);
                self.refilter();
            }
            Key::Backspace => {
                self.filter.pop();
                self.refilter();
            }
            Key::Escape => {
                self.filter.clear();
                self.refilter();
            }
            Key::ArrowDown | Key::Tab => self.move_by(1),
            Key::ArrowUp | Key::BackTab => self.move_by(-1),
            Key::PageDown => self.move_by(PAGE as isize),
            Key::PageUp => self.move_by(-(PAGE as isize)),
            Key::Home => self.move_to(0),
            Key::End => self.move_to(self.shown.len().saturating_sub(1)),
            _ => {}
        }
        Step::Continue
    }

    /// Keeps the highlighted item if it still matches; otherwise the first
    /// match.
    fn refilter(&mut self) {
        let current = self.chosen();
        let needle = self.filter.to_lowercase();
        self.shown = (0..self.items.len())
            .filter(|i| self.items[*i].to_lowercase().contains(&needle))
            .collect();
        let at = current.and_then(|c| self.shown.iter().position(|i| *i == c));
        self.cursor = at.unwrap_or(0);
        self.top = self.cursor.saturating_sub(PAGE / 2);
        self.clamp_top();
    }

    fn move_by(&mut self, delta: isize) {
        let n = self.shown.len() as isize;
        if n == 0 {
            return;
        }
        let to = if delta.abs() == 1 {
            (self.cursor as isize + delta).rem_euclid(n)
        } else {
            (self.cursor as isize + delta).clamp(0, n - 1)
        };
        self.move_to(to as usize);
    }

    fn move_to(&mut self, at: usize) {
        self.cursor = at.min(self.shown.len().saturating_sub(1));
        if self.cursor < self.top {
            self.top = self.cursor;
        } else if self.cursor >= self.top + PAGE {
            self.top = self.cursor + 1 - PAGE;
        }
    }

    fn clamp_top(&mut self) {
        self.top = self.top.min(self.shown.len().saturating_sub(PAGE));
    }

    /// The lines to draw: the prompt with the filter, a page of items, and a
    /// line saying what the keys do.
    pub(super) fn lines(&self, theme: &dyn Theme, prompt: &str) -> Vec<String> {
        let mut head = String::new();
        let _ = if self.multi {
            theme.format_multi_select_prompt(&mut head, prompt)
        } else {
            theme.format_select_prompt(&mut head, prompt)
        };
        let mut lines = vec![format!("{head} {}", self.filter)];
        for (at, &i) in self.shown.iter().enumerate().skip(self.top).take(PAGE) {
            let mut text = self.items[i].clone();
            if self.suggested == Some(i) {
                text.push_str("  (suggested)");
            }
            let mut line = String::new();
            let active = at == self.cursor;
            let _ = if self.multi {
                theme.format_multi_select_prompt_item(&mut line, &text, self.ticked[i], active)
            } else {
                theme.format_select_prompt_item(&mut line, &text, active)
            };
            lines.push(line);
        }
        let count = if self.shown.is_empty() {
            format!("nothing matches `{}`", self.filter)
        } else {
            format!("{} of {}", self.shown.len(), self.items.len())
        };
        lines.push(if self.multi {
            format!(
                "  {count}, {} ticked · type to filter · Space ticks · Enter when done",
                self.ticked().len()
            )
        } else {
            format!("  {count} · type to filter · ↑↓ move · Enter chooses")
        });
        lines
    }

    /// The line left on screen once the choice is made.
    fn result_line(&self, theme: &dyn Theme, prompt: &str) -> String {
        let mut line = String::new();
        let _ = if self.multi {
            let picked: Vec<&str> = self
                .ticked()
                .into_iter()
                .map(|i| self.items[i].as_str())
                .collect();
            theme.format_multi_select_prompt_selection(&mut line, prompt, &picked)
        } else {
            let item = self.chosen().map_or("", |i| self.items[i].as_str());
            theme.format_select_prompt_selection(&mut line, prompt, item)
        };
        line
    }

    /// Draws the picker on `term` and reads keys until Enter. Ctrl-C comes
    /// back as an `Interrupted` error, as it does from dialoguer.
    pub(super) fn run(&mut self, term: &Term, theme: &dyn Theme, prompt: &str) -> io::Result<()> {
        if !term.is_term() {
            return Err(io::Error::new(
                io::ErrorKind::NotConnected,
                "the wizard needs a terminal",
            ));
        }
        term.hide_cursor()?;
        let outcome = self.keys(term, theme, prompt);
        term.show_cursor()?;
        outcome
    }

    fn keys(&mut self, term: &Term, theme: &dyn Theme, prompt: &str) -> io::Result<()> {
        let width = usize::from(term.size().1).max(20);
        let mut drawn = 0;
        loop {
            term.clear_last_lines(drawn)?;
            let lines = self.lines(theme, prompt);
            for line in &lines {
                term.write_line(&truncate_str(line, width - 1, "…"))?;
            }
            term.flush()?;
            drawn = lines.len();
            if self.key(&term.read_key()?) == Step::Done {
                term.clear_last_lines(drawn)?;
                let line = self.result_line(theme, prompt);
                term.write_line(&truncate_str(&line, width - 1, "…"))?;
                return Ok(());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dialoguer::theme::SimpleTheme;

    fn regions() -> Vec<String> {
        [
            "ap-south-1 (Asia Pacific (Mumbai))",
            "eu-central-1 (Europe (Frankfurt))",
            "eu-west-1 (Europe (Ireland))",
            "eu-west-2 (Europe (London))",
            "us-east-1 (US East (N. Virginia))",
            "us-east-2 (US East (Ohio))",
            "us-west-1 (US West (N. California))",
            "us-west-2 (US West (Oregon))",
            "sa-east-1 (South America (Sao Paulo))",
            "ca-central-1 (Canada (Central))",
        ]
        .map(String::from)
        .to_vec()
    }

    fn typed(p: &mut Picker, text: &str) {
        for c in text.chars() {
            p.key(&Key::Char(c));
        }
    }

    #[test]
    fn letters_filter_and_never_tick_anything() {
        let items = regions();
        let mut p = Picker::many(&items, &[false; 10]);
        typed(&mut p, "a");
        assert!(p.ticked().is_empty(), "`a` ticked {:?}", p.ticked());
        assert_eq!(p.filter, "a");
        typed(&mut p, "p-");
        assert_eq!(p.shown, vec![0]);
        p.key(&Key::Escape);
        assert_eq!(p.filter, "", "Escape clears the filter");
        typed(&mut p, "IRELAND");
        assert_eq!(p.shown, vec![2], "matches the description, any case");
        p.key(&Key::Char(' '));
        p.key(&Key::Escape);
        assert_eq!(p.shown.len(), 10);
        assert_eq!(p.key(&Key::Enter), Step::Done);
        assert_eq!(p.ticked(), vec![2]);
    }

    #[test]
    fn ticks_survive_the_filter_and_space_toggles() {
        let items = regions();
        let mut defaults = [false; 10];
        defaults[7] = true;
        let mut p = Picker::many(&items, &defaults);
        assert_eq!(p.chosen(), Some(7), "opens on the first ticked item");
        typed(&mut p, "eu-w");
        assert_eq!(p.shown, vec![2, 3]);
        p.key(&Key::ArrowDown);
        p.key(&Key::Char(' '));
        p.key(&Key::ArrowDown);
        p.key(&Key::Char(' '));
        p.key(&Key::Char(' '));
        assert_eq!(
            p.ticked(),
            vec![3, 7],
            "us-west-2 stays ticked though hidden"
        );
    }

    #[test]
    fn one_pick_opens_on_the_suggestion_in_sight_and_marked() {
        let items = regions();
        let p = Picker::one(&items, 8);
        assert_eq!(p.chosen(), Some(8));
        let lines = p.lines(&SimpleTheme, "Home region");
        let active: Vec<&String> = lines.iter().filter(|l| l.starts_with('>')).collect();
        assert_eq!(active.len(), 1, "{lines:#?}");
        assert!(active[0].contains("sa-east-1") && active[0].contains("(suggested)"));
        assert!(lines.len() <= PAGE + 2, "one page: {lines:#?}");
        let menu = Picker::menu(&items).lines(&SimpleTheme, "Which?");
        assert!(menu[1].starts_with("> ap-south-1"), "{menu:#?}");
        assert!(!menu.iter().any(|l| l.contains("(suggested)")), "{menu:#?}");
    }

    #[test]
    fn one_pick_takes_the_first_match_and_refuses_enter_on_nothing() {
        let items = regions();
        let mut p = Picker::one(&items, 4);
        typed(&mut p, "us-we");
        assert_eq!(p.chosen(), Some(6));
        p.key(&Key::ArrowUp);
        assert_eq!(p.chosen(), Some(7), "moving up from the top wraps");
        typed(&mut p, "zz");
        assert_eq!(p.chosen(), None);
        assert_eq!(p.key(&Key::Enter), Step::Continue);
        let lines = p.lines(&SimpleTheme, "x");
        assert!(lines[lines.len() - 1].contains("nothing matches `us-wezz`"));
        p.key(&Key::Backspace);
        p.key(&Key::Backspace);
        assert_eq!(p.chosen(), Some(6));
        assert_eq!(p.key(&Key::Enter), Step::Done);
    }

    #[test]
    fn the_page_follows_the_cursor() {
        let items = regions();
        let mut p = Picker::one(&items, 0);
        for _ in 0..9 {
            p.key(&Key::ArrowDown);
        }
        let lines = p.lines(&SimpleTheme, "x");
        assert!(
            lines.iter().any(|l| l.starts_with("> ca-central-1")),
            "{lines:#?}"
        );
        p.key(&Key::Home);
        assert!(p.lines(&SimpleTheme, "x")[1].starts_with("> ap-south-1"));
    }
}
