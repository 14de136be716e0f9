//! One function per subcommand: glue between the command line, the pipeline
//! in `lib.rs` and the terminal. Each returns a `Report`; `run` prints it as
//! text or JSON and picks the exit code.

mod blueprints;
mod day_two;
mod interactive;
mod summary;

use crate::cli::{BlueprintsAction, Cli, Command, Inputs, PresetsAction};
use crate::config::{self, Sources};
use crate::error::Error;
use crate::output;
use crate::problem::{Problem, Warning};
use crate::{Resolved, generate_with, resolve};
use serde_json::json;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

/// What a command has to say: text for people (stdout), and the same facts
/// as JSON for machines.
#[derive(Debug, Default)]
pub struct Report {
    pub text: String,
    pub json: serde_json::Map<String, serde_json::Value>,
    pub warnings: Vec<Warning>,
    /// The exit code of a command that ran but found something (`check`'s
    /// differences, `update`'s conflicts): 1. Otherwise 0.
    pub exit: u8,
}

/// Runs the command and prints its result; returns the exit code.
pub fn run(cli: &Cli) -> u8 {
    let command = match &cli.command {
        Command::New { .. } => "new",
        Command::Plan { .. } => "plan",
        Command::Validate { .. } => "validate",
        Command::Check { .. } => "check",
        Command::Update { .. } => "update",
        Command::Completions { .. } => "completions",
        Command::Man => "man",
        Command::Schema => "schema",
        Command::Presets { .. } => "presets",
        Command::Blueprints { .. } => "blueprints",
    };
    let result = match &cli.command {
        Command::New { dir, inputs, force } => {
            let interactive = !cli.json
                && !inputs.yes
                && std::io::stdin().is_terminal()
                && std::io::stderr().is_terminal();
            if interactive {
                interactive::new_interactive(
                    dir,
                    inputs,
                    *force,
                    &mut crate::wizard::TerminalPrompter::new(),
                )
            } else {
                new(dir, inputs, *force)
            }
        }
        Command::Plan {
            dir: Some(dir),
            inputs,
        } => refuse_inputs_with_dir(inputs)
            .and_then(|()| day_two::update(dir, true, inputs.blueprints.as_deref())),
        Command::Plan { dir: None, inputs } => plan(inputs),
        Command::Validate { inputs } => validate(inputs),
        Command::Check { dir, blueprints } => day_two::check(dir, blueprints.as_deref()),
        Command::Update {
            dir,
            dry_run,
            blueprints,
            ask: false,
        } => day_two::update(dir, *dry_run, blueprints.as_deref()),
        Command::Update {
            dir,
            dry_run,
            blueprints,
            ask: true,
        } => {
            let terminal =
                !cli.json && std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
            if terminal {
                day_two::update_asking(
                    dir,
                    *dry_run,
                    blueprints.as_deref(),
                    &mut crate::wizard::TerminalPrompter::new(),
                )
            } else {
                Err(Error::invalid(
                    Problem::new(
                        "--ask",
                        "expected a terminal to ask on, found none (or --json)",
                    )
                    .with_hint("without a terminal, edit lzgen.yaml and run `lzgen update`"),
                ))
            }
        }
        Command::Blueprints { action } => match action {
            BlueprintsAction::List => blueprints::list(),
            BlueprintsAction::Eject { dir, names } => blueprints::eject(dir, names),
        },
        Command::Completions { shell } => Ok(completions(*shell)),
        Command::Man => man(),
        Command::Schema => Ok(schema()),
        Command::Presets { action } => presets(action.as_ref()),
    };
    let ui = Ui::new(cli.json, cli.quiet);
    match result {
        Ok(report) => match ui.success(command, report) {
            Ok(exit) => exit,
            // A result that did not reach stdout (a full disk, a closed
            // stream) is a failure of the environment: exit 3, never 0.
            Err(e) => {
                let _ = writeln!(std::io::stderr(), "error: could not write the output: {e}");
                3
            }
        },
        Err(err) => {
            if matches!(err, Error::Interrupted) {
                // A prompt may have hidden the cursor when Ctrl-C came.
                let _ = dialoguer::console::Term::stderr().show_cursor();
            }
            ui.failure(command, &err);
            err.exit_code()
        }
    }
}

fn sources(inputs: &Inputs) -> Sources {
    Sources {
        preset: inputs.preset.clone(),
        config: inputs.config.clone(),
        sets: inputs.sets.clone(),
        yes: inputs.yes,
    }
}

fn read_file(path: &Path) -> std::io::Result<String> {
    config::limits::read_answers_file(path)
}

fn resolve_inputs(inputs: &Inputs) -> Result<Resolved, Error> {
    resolve(&sources(inputs), read_file)
}

fn warnings_json(warnings: &[Warning]) -> serde_json::Value {
    serde_json::to_value(warnings).unwrap_or_default()
}

fn files_json(files: &[crate::render::RenderedFile]) -> serde_json::Value {
    files
        .iter()
        .map(|f| json!({"path": f.path, "bytes": f.bytes.len()}))
        .collect()
}

/// Renders the repo for `target` with the blueprints `--blueprints` names
/// (lzgen's own without it).
fn generate(
    inputs: &Inputs,
    target: &Path,
    resolved: &Resolved,
) -> Result<Vec<crate::render::RenderedFile>, Error> {
    let (set, recorded) = blueprints::load(inputs.blueprints.as_deref(), target)?;
    generate_with(resolved, &set, recorded.as_deref())
}

fn new(dir: &Path, inputs: &Inputs, force: bool) -> Result<Report, Error> {
    let resolved = resolve_inputs(inputs)?;
    let files = generate(inputs, dir, &resolved)?;
    write_and_report(dir, &resolved, &files, force)
}

fn write_and_report(
    dir: &Path,
    resolved: &Resolved,
    files: &[crate::render::RenderedFile],
    force: bool,
) -> Result<Report, Error> {
    let written =
        output::write_repo_with_progress(dir, files, force, std::io::stderr().is_terminal())?;
    let mut report = Report {
        warnings: resolved.warnings.clone(),
        ..Report::default()
    };
    let iac = resolved.zone.organization.iac;
    let mut steps =
        String::from("  less README.md        # what was generated, and the deploy order\n");
    if iac.cloudformation() {
        steps.push_str(
            "  make validate         # cfn-lint, checkov and yamllint over the repo\n  \
             scripts/deploy.sh     # deploy, with credentials for the management account\n",
        );
    } else {
        steps.push_str("  make validate         # checkov and yamllint over the repo\n");
    }
    if iac.terraform() {
        steps.push_str(if iac.cloudformation() {
            "  scripts/terraform.sh apply   # or this, the Terraform way: deploy one, not both\n"
        } else {
            "  scripts/terraform.sh apply   # apply, with credentials for the management account\n"
        });
    }
    report.text = format!(
        "{defaults}Wrote {files} files ({bytes} bytes) to {dir}.\n\nNext steps:\n  cd {dir}\n{steps}\n\
         {dir}/lzgen.yaml holds these answers. To change the landing zone, edit it and run\n  \
         lzgen update {dir}\nwhich keeps any edits made to the generated files. In CI,\n  \
         lzgen check {dir}\nfails when a generated file is stale or was edited by hand.\n",
        defaults = with_blank_line(summary::defaults(&resolved.defaulted)),
        files = written.files,
        bytes = written.bytes,
        dir = dir.display(),
    );
    report.json.insert(
        "defaults".into(),
        summary::defaults_json(&resolved.defaulted),
    );
    report
        .json
        .insert("target".into(), json!(dir.display().to_string()));
    report.json.insert("files".into(), files_json(files));
    report.json.insert("bytes".into(), json!(written.bytes));
    // Earlier runs killed half way, whose writes this one undid first.
    report
        .json
        .insert("recovered".into(), json!(written.recovered.len()));
    Ok(report)
}

/// A paragraph followed by a blank line, or nothing.
fn with_blank_line(text: String) -> String {
    if text.is_empty() { text } else { text + "\n" }
}

/// `plan DIR` reads DIR/lzgen.yaml, as `update` does: answers given beside
/// it would be left out of the plan, so they are refused.
fn refuse_inputs_with_dir(inputs: &Inputs) -> Result<(), Error> {
    let given = [
        (inputs.config.is_some(), "--config"),
        (inputs.preset.is_some(), "--preset"),
        (!inputs.sets.is_empty(), "--set"),
        (inputs.yes, "--yes"),
    ];
    match given.iter().find(|(on, _)| *on) {
        None => Ok(()),
        Some((_, flag)) => Err(Error::invalid(
            Problem::new(
                *flag,
                format!("expected no answers beside DIR, found {flag}: `plan DIR` plans an update from DIR/lzgen.yaml"),
            )
            .with_hint("edit DIR/lzgen.yaml and run `lzgen plan DIR` again, or drop DIR to plan a new repo from these answers"),
        )),
    }
}

fn plan(inputs: &Inputs) -> Result<Report, Error> {
    let resolved = resolve_inputs(inputs)?;
    let files = generate(inputs, Path::new("."), &resolved)?;
    let name = resolved.zone.organization.name.clone();
    let mut report = Report {
        warnings: resolved.warnings.clone(),
        ..Report::default()
    };
    report.text = format!(
        "{}{}\n{}",
        with_blank_line(summary::defaults(&resolved.defaulted)),
        summary::organization(&resolved.zone),
        output::plan_tree(&format!("{name}-landing-zone"), &files)
    );
    report.json.insert(
        "defaults".into(),
        summary::defaults_json(&resolved.defaulted),
    );
    report.json.insert("files".into(), files_json(&files));
    report
        .json
        .insert("bytes".into(), json!(output::total_bytes(&files)));
    report.json.insert(
        "organization".into(),
        summary::organization_json(&resolved.zone),
    );
    Ok(report)
}

fn validate(inputs: &Inputs) -> Result<Report, Error> {
    let mut inputs = inputs.clone();
    let nothing_given =
        inputs.config.is_none() && inputs.preset.is_none() && inputs.sets.is_empty() && !inputs.yes;
    if nothing_given && Path::new("lzgen.yaml").is_file() {
        inputs.config = Some(PathBuf::from("lzgen.yaml"));
    }
    let resolved = resolve_inputs(&inputs)?;
    // Every rule and limit `new` applies while rendering (a runtime the
    // compute cannot start, a guardrail over its quota) is applied here too:
    // the files are rendered and verified in memory, and nothing is written.
    generate(&inputs, Path::new("."), &resolved)?;
    let mut report = Report {
        warnings: resolved.warnings.clone(),
        ..Report::default()
    };
    let zone = &resolved.zone;
    report.text = format!(
        "{}The answers are valid: {} accounts, {} OUs, {} region(s), {} pipeline stage(s).\n",
        with_blank_line(summary::defaults(&resolved.defaulted)),
        zone.accounts.len(),
        zone.ous.len(),
        zone.organization.regions.len(),
        zone.pipeline.stages.len()
    );
    report.json.insert(
        "defaults".into(),
        summary::defaults_json(&resolved.defaulted),
    );
    Ok(report)
}

/// The JSON Schema of lzgen.yaml.
fn schema() -> Report {
    let schema = crate::model::schema::schema();
    let mut report = Report {
        text: format!(
            "{}\n",
            serde_json::to_string_pretty(&schema).unwrap_or_default()
        ),
        ..Report::default()
    };
    report.json.insert("schema".into(), schema);
    report
}

/// A completion script, from the clap definitions themselves.
fn completions(shell: clap_complete::Shell) -> Report {
    let mut command = <Cli as clap::CommandFactory>::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "lzgen", &mut script);
    let mut report = Report {
        text: String::from_utf8_lossy(&script).into_owned(),
        ..Report::default()
    };
    report.json.insert("shell".into(), json!(shell.to_string()));
    report.json.insert("script".into(), json!(report.text));
    report
}

/// The manual page (roff), with a section for each subcommand.
fn man() -> Result<Report, Error> {
    let command = <Cli as clap::CommandFactory>::command();
    let mut page = Vec::new();
    let io = |source| Error::Io {
        path: PathBuf::from("<man page>"),
        source,
    };
    clap_mangen::Man::new(command.clone())
        .render(&mut page)
        .map_err(io)?;
    for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
        let sub = sub
            .clone()
            .display_name(format!("lzgen-{}", sub.get_name()))
            .bin_name(format!("lzgen {}", sub.get_name()))
            .version(env!("CARGO_PKG_VERSION"));
        page.extend_from_slice(
            b".\\\" ----------------------------------------------------------------\n",
        );
        clap_mangen::Man::new(sub).render(&mut page).map_err(io)?;
    }
    let mut report = Report {
        text: String::from_utf8_lossy(&page).into_owned(),
        ..Report::default()
    };
    report.json.insert("man".into(), json!(report.text));
    Ok(report)
}

fn presets(action: Option<&PresetsAction>) -> Result<Report, Error> {
    let mut report = Report::default();
    match action {
        None => {
            let width = config::PRESETS
                .iter()
                .map(|p| p.name.len())
                .max()
                .unwrap_or(0);
            for preset in config::PRESETS {
                let default = if preset.name == config::DEFAULT_PRESET {
                    " (default)"
                } else {
                    ""
                };
                report.text.push_str(&format!(
                    "{:width$}  {}{default}\n",
                    preset.name, preset.summary
                ));
            }
            report
                .text
                .push_str("\nShow one with: lzgen presets show NAME\n");
            let list: Vec<serde_json::Value> = config::PRESETS
                .iter()
                .map(|p| json!({"name": p.name, "summary": p.summary, "default": p.name == config::DEFAULT_PRESET}))
                .collect();
            report.json.insert("presets".into(), json!(list));
        }
        Some(PresetsAction::Show { name }) => {
            let preset = config::find_preset(name).map_err(Error::invalid)?;
            report.text = preset.yaml.to_string();
            report.json.insert("name".into(), json!(preset.name));
            report.json.insert("yaml".into(), json!(preset.yaml));
        }
    }
    Ok(report)
}

/// Prints results on stdout, warnings and errors on stderr, or one JSON
/// document on stdout.
struct Ui {
    json: bool,
    quiet: bool,
    color: bool,
}

impl Ui {
    fn new(json: bool, quiet: bool) -> Self {
        let color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            && std::io::stderr().is_terminal();
        Ui { json, quiet, color }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    /// Prints a command's report; returns its exit code.
    fn success(&self, command: &str, report: Report) -> std::io::Result<u8> {
        let exit = report.exit;
        if self.json {
            let mut doc = serde_json::Map::new();
            doc.insert("command".into(), json!(command));
            doc.insert("ok".into(), json!(exit == 0));
            doc.insert("exit_code".into(), json!(exit));
            doc.extend(report.json);
            doc.insert("warnings".into(), warnings_json(&report.warnings));
            doc.insert("errors".into(), json!([]));
            return print_json(&serde_json::Value::Object(doc)).map(|()| exit);
        }
        if self.quiet {
            return Ok(exit);
        }
        let mut err = std::io::stderr().lock();
        for w in &report.warnings {
            let _ = writeln!(err, "{} {w}", self.paint("33", "warning:"));
        }
        let mut out = std::io::stdout().lock();
        out.write_all(report.text.as_bytes())?;
        out.flush().map(|()| exit)
    }

    fn failure(&self, command: &str, err: &Error) {
        let problems: Vec<Problem> = err.problems();
        if self.json {
            let doc = json!({
                "command": command,
                "ok": false,
                "exit_code": err.exit_code(),
                "warnings": [],
                "errors": problems,
            });
            // The error is reported by the exit code even if stdout is gone.
            let _ = print_json(&doc);
            return;
        }
        let mut out = std::io::stderr().lock();
        let label = self.paint("31", "error:");
        for p in &problems {
            let _ = writeln!(out, "{label} {p}");
        }
        if let Error::Invalid(list) = err
            && list.len() > 1
        {
            let _ = writeln!(out, "{} problems; nothing was written.", list.len());
        } else if matches!(err, Error::Invalid(_)) {
            let _ = writeln!(out, "Nothing was written.");
        }
    }
}

fn print_json(doc: &serde_json::Value) -> std::io::Result<()> {
    let text = serde_json::to_string_pretty(doc).unwrap_or_default();
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}")?;
    out.flush()
}
