//! DynamoDB's number type, exact as boto3's `Decimal` under `DYNAMODB_CONTEXT`.
//!
//! DynamoDB numbers are decimal text on the wire with at most 38 significant digits and a
//! magnitude between 1E-130 and 9.9…E+125 (DynamoDB checks the range itself). boto3 reads and writes them as Python `Decimal`s
//! through a context that traps rounding, inexact results, overflow, underflow and clamping
//! (precision 38, `Emin` -128, `Emax` 126), so a number is either kept exactly or refused. A
//! [`Number`] is the same: its digits and exponent are kept as written, it never passes through a
//! float, it prints as Python's `str(Decimal)` prints (so the text sent is boto3's), and it
//! compares by value (`1.0 == 1`, as `Decimal` does).

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

/// The significant digits a DynamoDB number may hold (boto3's `prec=38`).
const PRECISION: usize = 38;
/// The largest adjusted exponent (boto3's `Emax=126`).
const EMAX: i64 = 126;
/// The smallest exponent before rounding would be needed: `Emin - prec + 1` (Python's `Etiny`).
const ETINY: i64 = -128 - PRECISION as i64 + 1;

/// An exact decimal number within DynamoDB's limits (see the [module docs](self)).
///
/// Made from integers without loss (`Number::from(42u64)`), from text with
/// [`Number::parse`] (or `"1.50".parse()`), and from `f64` through its shortest decimal form
/// (`Number::try_from(0.1)` is exactly `0.1`; NaN and infinities are refused, as boto3 refuses
/// them). Integers and floats come back out with checked conversions.
#[derive(Clone)]
pub struct Number {
    negative: bool,
    /// The coefficient's ASCII digits without leading zeros (`"0"` for zero), at most 38.
    digits: String,
    exponent: i64,
}

/// Why text or a value is not a DynamoDB number. The messages name boto3's decimal signal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NumberError {
    message: String,
}

impl NumberError {
    fn new(message: impl Into<String>) -> Self {
        NumberError { message: message.into() }
    }
}

impl fmt::Display for NumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for NumberError {}

impl Number {
    /// Reads decimal text as Python's `Decimal` does (`"-1.50"`, `"1e5"`, `"+.5E-3"`) and checks it
    /// against DynamoDB's limits: more than 38 significant digits is `Rounded`, an exponent out of
    /// range is `Overflow` or `Clamped`, and `NaN` or `Infinity` is refused.
    pub fn parse(text: &str) -> Result<Number, NumberError> {
        let invalid = || NumberError::new(format!("{text:?} is not a decimal number"));
        let lower = text.to_ascii_lowercase();
        let unsigned = lower.trim_start_matches(['+', '-']);
        if ["nan", "snan", "inf", "infinity"].contains(&unsigned) {
            return Err(NumberError::new("Infinity and NaN not supported"));
        }
        let (negative, rest) = match text.as_bytes().first() {
            Some(b'-') => (true, &text[1..]),
            Some(b'+') => (false, &text[1..]),
            _ => (false, text),
        };
        let (mantissa, exponent) = match rest.find(['e', 'E']) {
            Some(at) => {
                let exp = &rest[at + 1..];
                let digits = exp.trim_start_matches(['+', '-']);
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || exp.len() - digits.len() > 1 {
                    return Err(invalid());
                }
                // An exponent too long for i64 is far outside DynamoDB's range either way.
                let value: i64 = digits.parse().unwrap_or(i64::MAX / 2);
                (&rest[..at], if exp.starts_with('-') { -value } else { value })
            }
            None => (rest, 0),
        };
        let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        if whole.is_empty() && fraction.is_empty()
            || !whole.bytes().chain(fraction.bytes()).all(|b| b.is_ascii_digit())
        {
            return Err(invalid());
        }
        let mut digits: String = whole.chars().chain(fraction.chars()).skip_while(|&c| c == '0').collect();
        if digits.is_empty() {
            digits.push('0');
        }
        let exponent = exponent.saturating_sub(fraction.len() as i64);
        Number::checked(negative, digits, exponent)
    }

    /// Applies `DYNAMODB_CONTEXT` to a coefficient and exponent: nothing may be rounded.
    fn checked(negative: bool, digits: String, exponent: i64) -> Result<Number, NumberError> {
        if digits.len() > PRECISION {
            return Err(NumberError::new(format!(
                "[<class 'decimal.Rounded'>] {} significant digits, more than DynamoDB's {PRECISION}",
                digits.len()
            )));
        }
        if digits == "0" {
            // Python clamps the exponent of a zero into range and signals `Clamped`.
            if !(ETINY..=EMAX).contains(&exponent) {
                return Err(NumberError::new("[<class 'decimal.Clamped'>] a zero's exponent is out of DynamoDB's range"));
            }
        } else if exponent.saturating_add(digits.len() as i64 - 1) > EMAX {
            return Err(NumberError::new("[<class 'decimal.Overflow'>] the exponent is above DynamoDB's context (Emax 126)"));
        } else if exponent < ETINY {
            return Err(NumberError::new(
                "[<class 'decimal.Underflow'>] too close to zero for DynamoDB's context (Emin -128, precision 38)",
            ));
        }
        Ok(Number { negative, digits, exponent })
    }

    /// Whether the number is negative (a negative zero included).
    pub fn is_negative(&self) -> bool {
        self.negative
    }

    /// Whether the number is an integer (`2`, `2.00`, `1E+3`).
    pub fn is_integer(&self) -> bool {
        self.exponent >= 0 || self.digits.bytes().rev().take((-self.exponent) as usize).all(|b| b == b'0')
    }

    /// The nearest `f64` (Rust's correctly rounded parse of the decimal text); use `f64::try_from`
    /// for a conversion that refuses any rounding.
    pub fn to_f64_lossy(&self) -> f64 {
        // The canonical text always parses as a float; it is finite because the exponent is
        // bounded by DynamoDB's range.
        self.to_string().parse().unwrap_or(f64::NAN)
    }

    /// The integer value, if the number is an integer that fits in an `i128`.
    fn to_i128(&self) -> Option<i128> {
        if !self.is_integer() {
            return None;
        }
        let kept = if self.exponent >= 0 {
            &self.digits[..]
        } else {
            &self.digits[..self.digits.len().saturating_sub((-self.exponent) as usize)]
        };
        let mut value: i128 = 0;
        for digit in kept.bytes() {
            value = value.checked_mul(10)?.checked_add(i128::from(digit - b'0'))?;
        }
        for _ in 0..self.exponent.max(0) {
            value = value.checked_mul(10)?;
        }
        Some(if self.negative { -value } else { value })
    }

    /// The coefficient without trailing zeros and its adjusted exponent (the power of ten of its
    /// first digit), for comparing by value; `None` for zero.
    fn normalized(&self) -> Option<(&str, i64)> {
        if self.digits == "0" {
            return None;
        }
        let trimmed = self.digits.trim_end_matches('0');
        Some((trimmed, self.exponent + self.digits.len() as i64 - 1))
    }
}

impl std::str::FromStr for Number {
    type Err = NumberError;

    fn from_str(text: &str) -> Result<Number, NumberError> {
        Number::parse(text)
    }
}

/// Python's `str(Decimal)`: plain notation unless the exponent is positive or the number is
/// smaller than 1E-6, then one digit before the point and `E+n` / `E-n`.
impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let len = self.digits.len() as i64;
        let left_digits = self.exponent + len;
        let dot = if self.exponent <= 0 && left_digits > -6 { left_digits } else { 1 };
        if self.negative {
            f.write_str("-")?;
        }
        if dot <= 0 {
            f.write_str("0.")?;
            for _ in 0..-dot {
                f.write_str("0")?;
            }
            f.write_str(&self.digits)?;
        } else if dot >= len {
            f.write_str(&self.digits)?;
            for _ in 0..dot - len {
                f.write_str("0")?;
            }
        } else {
            let (whole, fraction) = self.digits.split_at(dot as usize);
            write!(f, "{whole}.{fraction}")?;
        }
        if left_digits != dot {
            write!(f, "E{:+}", left_digits - dot)?;
        }
        Ok(())
    }
}

impl fmt::Debug for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Number({self})")
    }
}

impl Ord for Number {
    fn cmp(&self, other: &Number) -> Ordering {
        match (self.normalized(), other.normalized()) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => if other.negative { Ordering::Greater } else { Ordering::Less },
            (Some(_), None) => if self.negative { Ordering::Less } else { Ordering::Greater },
            (Some((a, a_exp)), Some((b, b_exp))) => {
                if self.negative != other.negative {
                    return if self.negative { Ordering::Less } else { Ordering::Greater };
                }
                // Trailing zeros are gone, so at equal exponents a prefix is the smaller number.
                let magnitude = a_exp.cmp(&b_exp).then_with(|| a.cmp(b));
                if self.negative { magnitude.reverse() } else { magnitude }
            }
        }
    }
}

impl PartialOrd for Number {
    fn partial_cmp(&self, other: &Number) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Number {
    fn eq(&self, other: &Number) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Number {}

impl Hash for Number {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // Equal numbers have equal normal forms (all zeros share `None`).
        self.normalized().map(|(digits, exp)| (self.negative, digits, exp)).hash(state);
    }
}

impl Number {
    /// An integer's decimal text (`-` and digits) as a number; at most 20 digits, so exact.
    fn from_integer_text(text: String) -> Number {
        match text.strip_prefix('-') {
            Some(digits) => Number { negative: true, digits: digits.to_owned(), exponent: 0 },
            None => Number { negative: false, digits: text, exponent: 0 },
        }
    }

    /// The value as an integer type, refusing a fraction and a value out of its range.
    fn to_integer<T: TryFrom<i128>>(&self, type_name: &str) -> Result<T, NumberError> {
        self.to_i128()
            .and_then(|v| T::try_from(v).ok())
            .ok_or_else(|| NumberError::new(format!("{self} is not a {type_name}")))
    }
}

// Every integer type up to 64 bits converts exactly (at most 20 digits); back, a fraction or a
// value out of range is refused.
macro_rules! exact_from_integer {
    ($($t:ty),*) => {$(
        impl From<$t> for Number {
            fn from(value: $t) -> Number { Number::from_integer_text(value.to_string()) }
        }
        impl TryFrom<&Number> for $t {
            type Error = NumberError;
            fn try_from(number: &Number) -> Result<$t, NumberError> { number.to_integer(stringify!($t)) }
        }
        impl TryFrom<Number> for $t {
            type Error = NumberError;
            fn try_from(number: Number) -> Result<$t, NumberError> { number.to_integer(stringify!($t)) }
        }
    )*};
}

exact_from_integer!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);

// 128-bit integers may have 39 digits, beyond DynamoDB's 38: checked both ways.
macro_rules! checked_from_wide_integer {
    ($($t:ty),*) => {$(
        impl TryFrom<$t> for Number {
            type Error = NumberError;
            fn try_from(value: $t) -> Result<Number, NumberError> { Number::parse(&value.to_string()) }
        }
        impl TryFrom<&Number> for $t {
            type Error = NumberError;
            fn try_from(number: &Number) -> Result<$t, NumberError> { number.to_integer(stringify!($t)) }
        }
    )*};
}

checked_from_wide_integer!(i128, u128);

impl TryFrom<f64> for Number {
    type Error = NumberError;

    /// The float's shortest decimal form (what `{}` prints: `0.1` is `0.1`, never
    /// `0.1000000000000000055…`); NaN and infinities are refused.
    fn try_from(value: f64) -> Result<Number, NumberError> {
        if !value.is_finite() {
            return Err(NumberError::new("Infinity and NaN not supported"));
        }
        // `{:e}` is the shortest text that reads back as the same float, in scientific form so
        // that 1e300 does not become 301 digits.
        Number::parse(&format!("{value:e}"))
    }
}

impl TryFrom<f32> for Number {
    type Error = NumberError;

    fn try_from(value: f32) -> Result<Number, NumberError> {
        if !value.is_finite() {
            return Err(NumberError::new("Infinity and NaN not supported"));
        }
        Number::parse(&format!("{value:e}"))
    }
}

impl TryFrom<&Number> for f64 {
    type Error = NumberError;

    /// The float with exactly this value's shortest form, or an error when the float would not
    /// read back as this number (`0.1` converts; 20 significant digits do not).
    fn try_from(number: &Number) -> Result<f64, NumberError> {
        let value = number.to_f64_lossy();
        match Number::try_from(value) {
            Ok(back) if back == *number => Ok(value),
            _ => Err(NumberError::new(format!("{number} is not exactly an f64"))),
        }
    }
}

impl TryFrom<Number> for f64 {
    type Error = NumberError;

    fn try_from(number: Number) -> Result<f64, NumberError> {
        f64::try_from(&number)
    }
}
