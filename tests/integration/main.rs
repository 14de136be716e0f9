//! lzgen's integration tests: one binary, so the crate is linked once.

mod cli;
mod golden;
mod governance;
mod pipeline;
mod support;
mod terminal;
mod terraform;
mod terraform_refs;
mod terraform_script;
