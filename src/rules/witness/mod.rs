//! What a rule's witness is made of, as pure code: the `Template` a rule declares, the
//! renderer and shapes templates share (`template`), the probes for what rustdoc JSON cannot
//! show (`probe`), the layout of one generated crate (`generate`) and the `Witness` a finding
//! carries (`outcome`). Compiling the witnesses is `crate::prove`'s job, the only part that
//! touches processes and disk.

pub mod generate;
pub mod outcome;
pub mod probe;
pub mod template;

pub use outcome::{Compiled, Outcome, Witness};
pub use template::{Code, Template, WitnessCx};
