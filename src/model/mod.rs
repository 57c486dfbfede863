//! The item model: values, numbers, the stored item codec, key encoding and sizes.

pub mod clock;
pub mod codec;
pub mod key;
pub mod number;
pub mod value;

pub use number::Number;
pub use value::{AttributeValue, Item};
