/// `AttributeValue::s(..)`, `n(..)`, ... constructors for the wire form.
mod attribute_value;
pub mod batch_writer;
pub mod conditions;
pub mod number;
#[cfg(feature = "serde")]
pub mod serde_items;
pub mod table;
pub mod values;
pub use batch_writer::BatchWriter;
pub use conditions::{Attr, Condition, Key};
pub use number::Number;
pub use table::{Page, Plain, PlainTable};
pub use values::{Item, Value};
#[cfg(feature = "serde")]
pub use serde_items::{from_attribute_value, from_item, to_attribute_value, to_item};
