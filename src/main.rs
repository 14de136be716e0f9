use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    // Usage errors exit 2, as cli.md says; clap's own --help and --version exit 0.
    let cli = match lzgen::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return ExitCode::from(if err.use_stderr() { 2 } else { 0 });
        }
    };
    // Ctrl-C: while a repo is being written, the writer stops at its next
    // file, undoes what it did and reports it. Otherwise put the cursor back
    // (a prompt may have hidden it) and exit 130: nothing was written.
    let _ = ctrlc::set_handler(|| {
        if lzgen::output::interrupt::request() {
            return;
        }
        let _ = dialoguer::console::Term::stderr().show_cursor();
        eprintln!("\nInterrupted; nothing was written.");
        std::process::exit(i32::from(lzgen::error::INTERRUPTED));
    });
    ExitCode::from(lzgen::commands::run(&cli))
}
