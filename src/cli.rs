//! The command line, as clap derive types. Their doc comments are the help text.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Generates a complete, ready-to-deploy multi-account AWS landing-zone repository.
///
/// Answers come from the embedded default (the `standard` preset, with --yes),
/// --preset, --config and --set, in increasing precedence.
#[derive(Debug, Parser)]
#[command(
    name = "lzgen",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    /// Print one JSON document on stdout instead of text.
    #[arg(long, global = true)]
    pub json: bool,

    /// Print errors only.
    #[arg(long, short, global = true)]
    pub quiet: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a new landing-zone repository into DIR.
    ///
    /// On a terminal, asks the wizard's questions (the given answers are its
    /// defaults), shows a summary and asks before writing. With --yes, a
    /// complete --config or no terminal, it asks nothing.
    New {
        /// A missing or empty folder (a non-empty one only with --force).
        dir: PathBuf,
        #[command(flatten)]
        inputs: Inputs,
        /// Write into a non-empty DIR, replacing only the files lzgen generates.
        #[arg(long)]
        force: bool,
    },
    /// Print what `new` would write, and a summary of the organization; write nothing.
    ///
    /// Given DIR, a repository lzgen generated: what `lzgen update DIR`
    /// would change there (the same as `update --dry-run`).
    Plan {
        /// A repository lzgen generated, to plan an update of.
        dir: Option<PathBuf>,
        #[command(flatten)]
        inputs: Inputs,
    },
    /// Check the answers and print every problem at once.
    ///
    /// With no --config, --preset, --set or --yes, reads ./lzgen.yaml.
    Validate {
        #[command(flatten)]
        inputs: Inputs,
    },
    /// For CI: render DIR again from its lzgen.yaml and compare with what is there.
    ///
    /// Exit 0 when every generated file is current; exit 1, with a unified
    /// diff of each, when one is stale (lzgen.yaml or lzgen changed since it
    /// was written) or edited by hand. Writes nothing.
    Check {
        /// A repository lzgen generated.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Your own blueprints, in place of the folder .lzgen/ recorded.
        #[arg(long, value_name = "BLUEPRINTS")]
        blueprints: Option<PathBuf>,
    },
    /// Render DIR again from its lzgen.yaml and merge the result into it.
    ///
    /// Three-way, with the last render (kept in .lzgen/) as the base: a file
    /// you did not edit is replaced, one you edited keeps your edit, and
    /// where you and lzgen changed the same lines the file gets conflict
    /// markers (exit 1). lzgen.yaml and files lzgen never wrote are not
    /// touched. All or nothing, like `new`.
    Update {
        /// A repository lzgen generated.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Print what would change; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Your own blueprints, in place of the folder .lzgen/ recorded
        /// (and recorded from now on).
        #[arg(long, value_name = "BLUEPRINTS")]
        blueprints: Option<PathBuf>,
        /// On a terminal: ask the wizard's questions, with DIR/lzgen.yaml's
        /// answers as the suggestions, and write the new answers into
        /// lzgen.yaml (merged, so its comments stay) with the update.
        #[arg(long)]
        ask: bool,
    },
    /// Print the JSON Schema of lzgen.yaml, for editors.
    ///
    /// Every generated repo carries it as .lzgen/lzgen.schema.json, and its
    /// lzgen.yaml names it on its first line (yaml-language-server), so
    /// editors with the YAML language server complete keys and flag bad
    /// values there without this command.
    Schema,
    /// Print a shell completion script for lzgen.
    ///
    /// bash: `lzgen completions bash > ~/.local/share/bash-completion/completions/lzgen`;
    /// zsh: into a folder on $fpath as `_lzgen`; fish: `~/.config/fish/completions/lzgen.fish`;
    /// PowerShell: `lzgen completions powershell | Out-String | Invoke-Expression` in $PROFILE.
    Completions {
        /// bash, zsh, fish, powershell or elvish.
        shell: clap_complete::Shell,
    },
    /// Print lzgen's manual page (roff), e.g. `lzgen man > lzgen.1 && man ./lzgen.1`.
    Man,
    /// List the presets, or print one as YAML.
    Presets {
        #[command(subcommand)]
        action: Option<PresetsAction>,
    },
    /// List the blueprints, or write them out to make your own.
    Blueprints {
        #[command(subcommand)]
        action: BlueprintsAction,
    },
}

#[derive(Debug, Subcommand)]
pub enum BlueprintsAction {
    /// Each blueprint: the file it renders, and for what and when.
    List,
    /// Write blueprints into DIR (a missing or empty folder) to edit; then
    /// render with `--blueprints DIR`. Files you leave out of DIR stay
    /// lzgen's own.
    Eject {
        /// A missing or empty folder.
        dir: PathBuf,
        /// Blueprints to write (as `blueprints list` names them, or a
        /// folder of them such as `cloudformation/tooling`); all without.
        names: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum PresetsAction {
    /// Print a preset as a complete lzgen.yaml.
    Show {
        /// lab, standard or enterprise.
        name: String,
    },
}

/// Where the answers come from.
#[derive(Debug, Clone, Args, Default)]
pub struct Inputs {
    /// Read answers from this lzgen.yaml.
    #[arg(long, short, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Start from a preset: lab, standard or enterprise.
    #[arg(long, short, value_name = "NAME")]
    pub preset: Option<String>,

    /// Set one answer, e.g. pipeline.deploy.strategy=canary or
    /// organization.regions=[us-east-1,eu-west-1]. VALUE is read as YAML; null
    /// removes the key. Repeat as needed; later ones win.
    #[arg(long = "set", short = 's', value_name = "KEY=VALUE")]
    pub sets: Vec<String>,

    /// Take the default (the standard preset) for every answer not given.
    #[arg(long, short, visible_alias = "defaults")]
    pub yes: bool,

    /// Render with your own blueprints: files in DIR replace lzgen's of the
    /// same path (start from `lzgen blueprints eject DIR`). The repo records
    /// DIR in .lzgen/, and `update` and `check` use it again.
    #[arg(long, value_name = "DIR")]
    pub blueprints: Option<PathBuf>,
}
