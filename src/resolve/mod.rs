//! Stage 1: what to compare. Which packages a run selects (`workspace`), which
//! release is each one's baseline (`baseline`: tags, then the registry, then a first release
//! on positive evidence only) and the release tags themselves (`tags`). It decides; the
//! `rustdoc` stage builds what it decided.

pub mod baseline;
pub mod tags;
pub mod workspace;
