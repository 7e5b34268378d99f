//! Wire protocols: the codecs that turn generated values into request bodies and response bodies
//! back into values.
//!
//! Each codec is written once and driven by the static [`Schema`](crate::schema::Schema) of the
//! shape together with the reflection of [`crate::shape`], so no generated crate carries
//! serialisation code of its own.

mod codec_error;
pub mod json;
pub(crate) mod xml_scan;

pub use codec_error::CodecError;
