//! A syntax check for the generated shell scripts, run before anything is
//! written (in the release binary, where `bash -n` cannot be assumed).
//!
//! It reads the script as bash's lexer does, far enough to find what a value
//! that escaped its quoting would break: every quote, `$(`, `${`, `$'`, and
//! backtick closes; every heredoc reaches its terminator; and `if`/`fi`,
//! `case`/`esac` and `do`/`done` pair up. It is not a full parser (CI runs
//! shellcheck and the tests run `bash -n` on every script); it is the
//! backstop that keeps a broken script from ever being written.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for ShellError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Context {
    /// Commands: top level, or inside `$(...)` / `(...)`.
    Code,
    Single,
    /// `$'...'`: backslash escapes, `'` ends it.
    AnsiC,
    Double,
    Backtick,
    /// `${...}`.
    Parameter,
}

struct Open {
    context: Context,
    line: usize,
}

fn open(stack: &mut Vec<Open>, context: Context, line: usize) {
    stack.push(Open { context, line });
}

/// Checks `text`; the first problem found, with its line.
pub fn check(text: &str) -> Result<(), ShellError> {
    let bytes = text.as_bytes();
    let mut stack = vec![Open {
        context: Context::Code,
        line: 1,
    }];
    let mut line = 1;
    let mut pending_heredocs: Vec<(String, bool, usize)> = Vec::new();
    let mut keywords = [0i64; 3];
    let mut i = 0;
    let at_word_start = |i: usize| {
        i == 0
            || matches!(
                bytes[i - 1],
                b' ' | b'\t' | b'\n' | b';' | b'(' | b'|' | b'&' | b'{'
            )
    };
    while i < bytes.len() {
        let c = bytes[i];
        let context = stack.last().map_or(Context::Code, |o| o.context);
        if c == b'\n' {
            line += 1;
            if context == Context::Code && !pending_heredocs.is_empty() {
                i = skip_heredocs(text, i + 1, &mut line, &mut pending_heredocs)?;
                continue;
            }
            i += 1;
            continue;
        }
        match context {
            Context::Single => {
                if c == b'\'' {
                    stack.pop();
                }
            }
            Context::AnsiC => match c {
                b'\\' => i += 1,
                b'\'' => {
                    stack.pop();
                }
                _ => {}
            },
            Context::Double | Context::Backtick | Context::Parameter => match c {
                b'\\' => i += 1,
                b'"' if context == Context::Double => {
                    stack.pop();
                }
                b'`' if context == Context::Backtick => {
                    stack.pop();
                }
                b'}' if context == Context::Parameter => {
                    stack.pop();
                }
                b'"' if context == Context::Parameter => open(&mut stack, Context::Double, line),
                b'\'' if context == Context::Parameter => open(&mut stack, Context::Single, line),
                b'`' => open(&mut stack, Context::Backtick, line),
                b'$' => i = open_dollar(bytes, i, line, &mut stack),
                _ => {}
            },
            Context::Code => match c {
                b'\\' => i += 1,
                b'#' if at_word_start(i) => {
                    while i < bytes.len() && bytes[i] != b'\n' {
                        i += 1;
                    }
                    continue;
                }
                b'\'' => open(&mut stack, Context::Single, line),
                b'"' => open(&mut stack, Context::Double, line),
                b'`' => open(&mut stack, Context::Backtick, line),
                b'$' => i = open_dollar(bytes, i, line, &mut stack),
                b'(' => open(&mut stack, Context::Code, line),
                b')' if stack.len() > 1 => {
                    stack.pop();
                }
                b'<' if text[i..].starts_with("<<<") => i += 2,
                b'<' if text[i..].starts_with("<<") => {
                    let (tag, strip, end) = heredoc_tag(text, i + 2).ok_or_else(|| ShellError {
                        line,
                        message: "`<<` without a heredoc delimiter".into(),
                    })?;
                    pending_heredocs.push((tag, strip, line));
                    i = end;
                    continue;
                }
                _ if at_word_start(i) && c.is_ascii_alphabetic() => {
                    let end = text[i..]
                        .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
                        .map_or(text.len(), |n| i + n);
                    let word = &text[i..end];
                    let delimited = bytes
                        .get(end)
                        .is_none_or(|b| matches!(b, b' ' | b'\t' | b'\n' | b';' | b')'));
                    if delimited {
                        match word {
                            "if" => keywords[0] += 1,
                            "fi" => keywords[0] -= 1,
                            "case" => keywords[1] += 1,
                            "esac" => keywords[1] -= 1,
                            "do" => keywords[2] += 1,
                            "done" => keywords[2] -= 1,
                            _ => {}
                        }
                    }
                    i = end;
                    continue;
                }
                _ => {}
            },
        }
        i += 1;
    }
    if let Some((tag, _, at)) = pending_heredocs.first() {
        return Err(ShellError {
            line: *at,
            message: format!("the heredoc ended by `{tag}` has no body"),
        });
    }
    if stack.len() > 1
        && let Some(open) = stack.last()
    {
        let what = match open.context {
            Context::Single | Context::AnsiC => "a single quote",
            Context::Double => "a double quote",
            Context::Backtick => "a backtick",
            Context::Parameter => "`${`",
            Context::Code => "`(` or `$(`",
        };
        return Err(ShellError {
            line: open.line,
            message: format!("{what} opened here is never closed"),
        });
    }
    for (count, (open, close)) in
        keywords
            .iter()
            .zip([("if", "fi"), ("case", "esac"), ("do", "done")])
    {
        if *count != 0 {
            return Err(ShellError {
                line,
                message: format!("`{open}` and `{close}` do not pair up ({count:+})"),
            });
        }
    }
    Ok(())
}

/// After a `$` at `i`: opens what it starts, and returns the index of the
/// last byte consumed.
fn open_dollar(bytes: &[u8], i: usize, line: usize, stack: &mut Vec<Open>) -> usize {
    let context = match bytes.get(i + 1) {
        Some(b'(') => Context::Code,
        Some(b'{') => Context::Parameter,
        Some(b'\'') => Context::AnsiC,
        _ => return i,
    };
    stack.push(Open { context, line });
    i + 1
}

/// The delimiter of a heredoc whose `<<` ends before `from`: its word
/// (unquoted), whether `<<-` strips tabs, and where the word ends.
fn heredoc_tag(text: &str, from: usize) -> Option<(String, bool, usize)> {
    let mut at = from;
    let strip = text[at..].starts_with('-');
    if strip {
        at += 1;
    }
    let rest = &text[at..];
    let skipped = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    at += skipped;
    let rest = &text[at..];
    let (word, len) = match rest.chars().next()? {
        q @ ('\'' | '"') => {
            let close = rest[1..].find(q)?;
            (rest[1..1 + close].to_string(), close + 2)
        }
        _ => {
            let len = rest
                .find(|c: char| c.is_whitespace() || matches!(c, ';' | '|' | '&' | ')' | '<' | '>'))
                .unwrap_or(rest.len());
            (rest[..len].replace('\\', ""), len)
        }
    };
    (!word.is_empty()).then_some((word, strip, at + len))
}

/// Skips the bodies of the pending heredocs, which start at `from`; returns
/// where code resumes.
fn skip_heredocs(
    text: &str,
    from: usize,
    line: &mut usize,
    pending: &mut Vec<(String, bool, usize)>,
) -> Result<usize, ShellError> {
    let mut at = from;
    for (tag, strip, opened) in pending.drain(..) {
        loop {
            if at >= text.len() {
                return Err(ShellError {
                    line: opened,
                    message: format!(
                        "the heredoc opened here never reaches its terminator `{tag}`"
                    ),
                });
            }
            let end = text[at..].find('\n').map_or(text.len(), |n| at + n);
            let body_line = &text[at..end];
            let body_line = if strip {
                body_line.trim_start_matches('\t')
            } else {
                body_line
            };
            at = (end + 1).min(text.len() + 1);
            *line += 1;
            if body_line == tag {
                break;
            }
        }
    }
    Ok(at.min(text.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_that_bash_accepts_pass() {
        let ok = r#"#!/usr/bin/env bash
set -euo pipefail
# a comment with 'an odd quote and "another
name='it'\''s'
x="$(printf '%s' "a)b" | tr -d ')')"
y="${HOME:-/root}/${name}" z=$'tab\there\'s' w=`echo \`hi\``
if [ -n "$x" ]; then
  for i in 1 2; do echo "$i"; done
fi
case "$x" in
  a) echo a ;;
  *) echo other ;;
esac
cat <<'DONE'
if this were code ' " ( it would be broken
DONE
cat <<-EOF >&2
	done ${y}
	EOF
grep -c x <<< "$x" || true
"#;
        assert_eq!(check(ok), Ok(()));
    }

    #[test]
    fn a_broken_script_is_named_with_its_line() {
        for (text, line, what) in [
            ("echo 'open\necho fine\n", 1, "a single quote"),
            ("echo \"a\necho b\n", 1, "a double quote"),
            ("x=$(echo\n", 1, "`(` or `$(`"),
            ("echo ${x\n", 1, "`${`"),
            ("cat <<EOF\nbody\n", 1, "never reaches its terminator `EOF`"),
            (
                "if true; then\n  echo\n",
                3,
                "`if` and `fi` do not pair up (+1)",
            ),
            (
                "for i in 1; do echo; \n",
                2,
                "`do` and `done` do not pair up (+1)",
            ),
        ] {
            let err = check(text).expect_err(text);
            assert_eq!(err.line, line, "{text:?}: {err}");
            assert!(err.message.contains(what), "{text:?}: {err}");
        }
    }
}
