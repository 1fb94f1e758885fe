//! Stage 3: the public API model. Loading rustdoc JSON, computing every public path, and
//! comparing and rendering types. Pure: no IO except [`load::load_crate`].

pub mod format;
pub mod krate;
pub mod load;
pub mod model;
pub mod signature;
pub mod types;
pub mod uses;
mod validate;

pub use model::{noun, Api, ApiOptions, Target};
