//! lzgen's integration tests: one binary, so the crate is linked once.

mod blueprints;
mod cli;
mod day_two;
mod deploy_order;
mod fuzz;
mod golden;
mod governance;
mod hostile;
mod hostile_suite;
mod limits;
mod pipeline;
mod policy_flavours;
mod raw_insertions;
mod real_aws;
mod schema;
mod structure;
mod support;
mod template_bucket;
mod terminal;
mod terraform;
mod terraform_refs;
mod terraform_script;
mod writing;
