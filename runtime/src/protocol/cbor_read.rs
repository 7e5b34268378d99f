//! A low-level CBOR (RFC 8949) reader for the `smithy-rpc-v2-cbor` body codec.
//!
//! The reader hands out one data item head at a time and leaves the meaning to its caller, so the
//! schema-driven decoder, the error-code scanner and the generic document decoder share one
//! implementation of the wire format. It borrows the body and never panics: every length is
//! checked against the remaining input before anything is sliced or allocated, so a declared
//! length of five gigabytes fails at once instead of reserving memory, and nesting is limited by
//! the callers through [`MAX_DEPTH`].

use std::borrow::Cow;

use super::CodecError;

/// Arrays, maps and structures nested deeper than this are refused, so hostile input cannot
/// exhaust the stack. It matches the JSON codec and [`crate::Document`]'s parser.
pub(crate) const MAX_DEPTH: usize = 128;

/// The head of one data item, with tags already stripped by [`Reader::item`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Head {
    /// Major type 0.
    Unsigned(u64),
    /// Major type 1, which encodes `-1 - n`; kept as `n` because it may not fit an `i64`.
    Negative(u64),
    /// Major type 2: the definite length, or `None` for a chunked string.
    Bytes(Option<u64>),
    /// Major type 3: the definite length, or `None` for a chunked string.
    Text(Option<u64>),
    /// Major type 4: the definite length, or `None` until a break.
    Array(Option<u64>),
    /// Major type 5: the definite number of pairs, or `None` until a break.
    Map(Option<u64>),
    Bool(bool),
    Null,
    Undefined,
    /// A simple value without a meaning in Smithy (anything but the four above).
    Simple(u8),
    /// A half, single or double float, widened (the widening is exact).
    Float(f64),
}

impl Head {
    /// What the item is, for "found ..." in error messages.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Head::Unsigned(_) | Head::Negative(_) => "an integer",
            Head::Bytes(_) => "a byte string",
            Head::Text(_) => "text",
            Head::Array(_) => "an array",
            Head::Map(_) => "a map",
            Head::Bool(_) => "a boolean",
            Head::Null => "null",
            Head::Undefined => "undefined",
            Head::Simple(_) => "a simple value",
            Head::Float(_) => "a float",
        }
    }

    /// Null and undefined both mean "no value" to Smithy.
    pub(crate) fn is_null(self) -> bool {
        matches!(self, Head::Null | Head::Undefined)
    }
}

/// The break code that ends indefinite-length items.
const BREAK: u8 = 0xFF;

/// A cursor over a CBOR body.
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

/// The raw first byte of an item and its argument, before the major type is interpreted.
enum Raw {
    /// A major type with its argument.
    Arg(u8, u64),
    /// A major type with additional information 31.
    Indefinite(u8),
    /// Major type 7 with a float or simple value, already decoded.
    Special(Head),
    Break,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, pos: 0 }
    }

    /// The offset of the next unread byte.
    pub(crate) fn offset(&self) -> usize {
        self.pos
    }

    /// True when the whole body has been read.
    pub(crate) fn at_end(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    fn fail<T>(at: usize, reason: impl Into<String>) -> Result<T, CodecError> {
        Err(CodecError::syntax(at, reason))
    }

    /// Takes `len` bytes, refusing before slicing when fewer remain.
    fn take(&mut self, len: u64) -> Result<&'a [u8], CodecError> {
        let remaining = self.bytes.len() - self.pos;
        match usize::try_from(len) {
            Ok(len) if len <= remaining => {
                let taken = &self.bytes[self.pos..self.pos + len];
                self.pos += len;
                Ok(taken)
            }
            _ => Self::fail(self.pos, "a declared length runs past the end of the body"),
        }
    }

    fn byte(&mut self) -> Result<u8, CodecError> {
        match self.bytes.get(self.pos) {
            Some(&b) => {
                self.pos += 1;
                Ok(b)
            }
            None => Self::fail(self.pos, "the body ends in the middle of an item"),
        }
    }

    /// Reads a big-endian unsigned integer of `N` bytes.
    fn be<const N: usize>(&mut self) -> Result<[u8; N], CodecError> {
        let at = self.pos;
        match self.take(N as u64)?.try_into() {
            Ok(array) => Ok(array),
            // `take` returned exactly `N` bytes, so this cannot happen; failing beats panicking.
            Err(_) => Self::fail(at, "the body ends in the middle of an item"),
        }
    }

    fn raw(&mut self) -> Result<Raw, CodecError> {
        let start = self.pos;
        let initial = self.byte()?;
        let (major, info) = (initial >> 5, initial & 0x1F);
        if major == 7 {
            let head = match info {
                20 => Head::Bool(false),
                21 => Head::Bool(true),
                22 => Head::Null,
                23 => Head::Undefined,
                0..=19 => Head::Simple(info),
                // RFC 8949 section 3.3: two-byte simple values below 32 are not well-formed.
                24 => match self.byte()? {
                    value @ 32.. => Head::Simple(value),
                    _ => return Self::fail(start, "a two-byte simple value below 32"),
                },
                25 => Head::Float(f16_to_f64(u16::from_be_bytes(self.be()?))),
                26 => Head::Float(f64::from(f32::from_be_bytes(self.be()?))),
                27 => Head::Float(f64::from_be_bytes(self.be()?)),
                31 => return Ok(Raw::Break),
                _ => return Self::fail(start, "a reserved additional information value (28 to 30)"),
            };
            return Ok(Raw::Special(head));
        }
        let arg = match info {
            0..=23 => u64::from(info),
            24 => u64::from(self.byte()?),
            25 => u64::from(u16::from_be_bytes(self.be()?)),
            26 => u64::from(u32::from_be_bytes(self.be()?)),
            27 => u64::from_be_bytes(self.be()?),
            31 => return Ok(Raw::Indefinite(major)),
            _ => return Self::fail(start, "a reserved additional information value (28 to 30)"),
        };
        Ok(Raw::Arg(major, arg))
    }

    /// Reads the head of the next data item, skipping any tags in front of it and returning the
    /// innermost one. A break code is an error here: callers that accept one look for it with
    /// [`Items::next`] first.
    pub(crate) fn item(&mut self) -> Result<(Option<u64>, Head), CodecError> {
        let mut tag = None;
        // Each tag takes at least one byte, so this loop ends with the input.
        loop {
            let start = self.pos;
            let head = match self.raw()? {
                Raw::Arg(0, n) => Head::Unsigned(n),
                Raw::Arg(1, n) => Head::Negative(n),
                Raw::Arg(2, n) => Head::Bytes(Some(n)),
                Raw::Arg(3, n) => Head::Text(Some(n)),
                Raw::Arg(4, n) => Head::Array(Some(n)),
                Raw::Arg(5, n) => Head::Map(Some(n)),
                Raw::Arg(_, n) => {
                    tag = Some(n);
                    continue;
                }
                Raw::Indefinite(2) => Head::Bytes(None),
                Raw::Indefinite(3) => Head::Text(None),
                Raw::Indefinite(4) => Head::Array(None),
                Raw::Indefinite(5) => Head::Map(None),
                Raw::Indefinite(_) => return Self::fail(start, "an indefinite length on an integer or tag"),
                Raw::Special(head) => head,
                Raw::Break => return Self::fail(start, "a break code where a value was expected"),
            };
            return Ok((tag, head));
        }
    }

    /// Consumes a break code if one is next.
    fn eat_break(&mut self) -> bool {
        if self.bytes.get(self.pos) == Some(&BREAK) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// Visits the bytes of a string of major type `major`, chunk by chunk when it is chunked.
    fn chunks(
        &mut self,
        major: u8,
        len: Option<u64>,
        // A dyn callback: the loop is compiled once; one indirect call per chunk is nothing next to reading it.
        visit: &mut dyn FnMut(usize, &'a [u8]) -> Result<(), CodecError>,
    ) -> Result<(), CodecError> {
        let Some(len) = len else {
            loop {
                let start = self.pos;
                if self.eat_break() {
                    return Ok(());
                }
                // RFC 8949 section 3.2.3: chunks are definite strings of the same major type.
                match self.raw()? {
                    Raw::Arg(m, len) if m == major => {
                        let at = self.pos;
                        visit(at, self.take(len)?)?;
                    }
                    _ => return Self::fail(start, "a chunk of a chunked string is not a definite string of its type"),
                }
            }
        };
        let at = self.pos;
        visit(at, self.take(len)?)
    }

    /// Reads the content of a byte string whose head was `Head::Bytes(len)`.
    pub(crate) fn bytes(&mut self, len: Option<u64>) -> Result<Cow<'a, [u8]>, CodecError> {
        if len.is_some() {
            let mut one: &'a [u8] = &[];
            self.chunks(2, len, &mut |_, chunk| {
                one = chunk;
                Ok(())
            })?;
            return Ok(Cow::Borrowed(one));
        }
        let mut joined = Vec::new();
        self.chunks(2, len, &mut |_, chunk| {
            joined.extend_from_slice(chunk);
            Ok(())
        })?;
        Ok(Cow::Owned(joined))
    }

    /// Reads the content of a text string whose head was `Head::Text(len)`, checking that every
    /// chunk is UTF-8 on its own, as RFC 8949 requires.
    pub(crate) fn text(&mut self, len: Option<u64>) -> Result<Cow<'a, str>, CodecError> {
        let utf8 = |at: usize, chunk: &'a [u8]| match std::str::from_utf8(chunk) {
            Ok(text) => Ok(text),
            Err(e) => Self::fail(at + e.valid_up_to(), "a text string is not valid UTF-8"),
        };
        if len.is_some() {
            let mut one = "";
            self.chunks(3, len, &mut |at, chunk| {
                one = utf8(at, chunk)?;
                Ok(())
            })?;
            return Ok(Cow::Borrowed(one));
        }
        let mut joined = String::new();
        self.chunks(3, len, &mut |at, chunk| {
            joined.push_str(utf8(at, chunk)?);
            Ok(())
        })?;
        Ok(Cow::Owned(joined))
    }

    /// Skips the rest of an item whose head has been read. `depth` is the item's own nesting.
    pub(crate) fn skip(&mut self, head: Head, depth: usize) -> Result<(), CodecError> {
        match head {
            // Skipped text is not checked for UTF-8: nobody reads it.
            Head::Bytes(len) => self.chunks(2, len, &mut |_, _| Ok(())),
            Head::Text(len) => self.chunks(3, len, &mut |_, _| Ok(())),
            Head::Array(len) => {
                self.check_depth(depth)?;
                let mut items = Items::new(len);
                while items.next(self) {
                    self.skip_value(depth + 1)?;
                }
                Ok(())
            }
            Head::Map(len) => {
                self.check_depth(depth)?;
                let mut items = Items::new(len);
                while items.next(self) {
                    self.skip_value(depth + 1)?;
                    self.skip_value(depth + 1)?;
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Skips the next item, whatever it is.
    pub(crate) fn skip_value(&mut self, depth: usize) -> Result<(), CodecError> {
        let (_, head) = self.item()?;
        self.skip(head, depth)
    }

    /// Fails when a container at `depth` would nest too deeply.
    pub(crate) fn check_depth(&self, depth: usize) -> Result<(), CodecError> {
        if depth >= MAX_DEPTH {
            return Self::fail(self.pos, format!("nesting is deeper than {MAX_DEPTH} levels"));
        }
        Ok(())
    }
}

/// Counts the entries of an array or map, definite or not.
pub(crate) struct Items(Option<u64>);

impl Items {
    /// For an array or map of `len` entries, or until a break when `len` is `None`.
    pub(crate) fn new(len: Option<u64>) -> Self {
        Items(len)
    }

    /// True when another entry follows; consumes the break that ends an indefinite container.
    /// A truncated body reads as "another entry follows", so the read that follows reports it.
    pub(crate) fn next(&mut self, reader: &mut Reader<'_>) -> bool {
        match &mut self.0 {
            Some(0) => false,
            Some(left) => {
                *left -= 1;
                true
            }
            None => !reader.eat_break(),
        }
    }
}

/// Widens an IEEE 754 half-precision float; every half is exactly representable as a double.
pub(crate) fn f16_to_f64(bits: u16) -> f64 {
    let sign = if bits & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exponent = i32::from((bits >> 10) & 0x1F);
    let fraction = f64::from(bits & 0x3FF);
    let magnitude = match exponent {
        0 => fraction * 2f64.powi(-24),
        31 if fraction == 0.0 => f64::INFINITY,
        31 => f64::NAN,
        _ => (1024.0 + fraction) * 2f64.powi(exponent - 25),
    };
    sign * magnitude
}

/// Big numbers whose magnitude is longer than this many bytes are refused: turning them into
/// decimal text takes time quadratic in their length, and no AWS value comes near it.
pub(crate) const MAX_BIG_BYTES: usize = 1024;

/// Converts a big-endian magnitude into decimal digits.
pub(crate) fn magnitude_to_decimal(magnitude: &[u8]) -> String {
    // Little-endian limbs of nine decimal digits each.
    let mut limbs: Vec<u32> = Vec::new();
    for &byte in magnitude {
        let mut carry = u64::from(byte);
        for limb in &mut limbs {
            let value = u64::from(*limb) * 256 + carry;
            *limb = (value % 1_000_000_000) as u32;
            carry = value / 1_000_000_000;
        }
        while carry > 0 {
            limbs.push((carry % 1_000_000_000) as u32);
            carry /= 1_000_000_000;
        }
    }
    let mut text = match limbs.pop() {
        Some(top) => top.to_string(),
        None => return String::from("0"),
    };
    for limb in limbs.iter().rev() {
        text.push_str(&format!("{limb:09}"));
    }
    text
}

/// Converts ASCII decimal digits into a big-endian magnitude without leading zero bytes.
pub(crate) fn decimal_to_magnitude(digits: &[u8]) -> Vec<u8> {
    let mut magnitude: Vec<u8> = Vec::new();
    for &digit in digits {
        let mut carry = u32::from(digit.wrapping_sub(b'0'));
        for byte in magnitude.iter_mut().rev() {
            let value = u32::from(*byte) * 10 + carry;
            *byte = value as u8;
            carry = value >> 8;
        }
        if carry > 0 {
            magnitude.insert(0, carry as u8);
        }
    }
    magnitude
}

/// Adds one to a big-endian magnitude (tag 3 stores `-1 - n`, so decoding adds one back).
pub(crate) fn magnitude_plus_one(magnitude: &[u8]) -> Vec<u8> {
    let mut out = magnitude.to_vec();
    for byte in out.iter_mut().rev() {
        let (sum, overflow) = byte.overflowing_add(1);
        *byte = sum;
        if !overflow {
            return out;
        }
    }
    out.insert(0, 1);
    out
}

/// Subtracts one from a non-zero big-endian magnitude and drops leading zero bytes.
pub(crate) fn magnitude_minus_one(magnitude: &[u8]) -> Vec<u8> {
    let mut out = magnitude.to_vec();
    for byte in out.iter_mut().rev() {
        let (difference, borrow) = byte.overflowing_sub(1);
        *byte = difference;
        if !borrow {
            break;
        }
    }
    let first = out.iter().position(|&b| b != 0).unwrap_or(out.len());
    out.split_off(first)
}
