/// `AttributeValue::s(..)`, `n(..)`, ... constructors for the wire form.
mod attribute_value;
pub mod batch_writer;
pub mod conditions;
pub mod number;
pub mod table;
pub mod values;
pub use batch_writer::BatchWriter;
pub use conditions::{Attr, Condition, Key};
pub use number::Number;
pub use table::{Page, Plain, PlainTable};
pub use values::{Item, Value};
