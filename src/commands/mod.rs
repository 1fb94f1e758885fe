//! The commands, on top of the pipeline: each turns its arguments into stages and an exit code.

pub mod bump;
pub mod check;
pub mod compare;
pub mod explain;
pub mod tag;
pub mod version;
