//! What AWS needs around the units the landing zone is deployed as: the
//! deploy order derived from what each unit creates and uses, and the
//! preconditions AWS documents for resources (trusted access, delegated
//! administrators, creations one at a time), as tables with their sources.
//!
//! This module knows nothing of the model: the model declares, this module
//! orders and checks.

pub mod order;
pub mod preconditions;
