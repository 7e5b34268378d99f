// TEMPORARY placeholder until the types module lands (overwritten).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime { secs: i64, nanos: u32 }
impl core::fmt::Display for DateTime { fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result { write!(f, "{}", self.secs) } }
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TimestampFormat { DateTime, HttpDate, EpochSeconds }
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Blob(Vec<u8>);
impl AsRef<[u8]> for Blob { fn as_ref(&self) -> &[u8] { &self.0 } }
impl From<&[u8]> for Blob { fn from(b: &[u8]) -> Self { Blob(b.to_vec()) } }
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Document { #[default] Null }
