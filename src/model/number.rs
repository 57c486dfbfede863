//! Exact DynamoDB numbers: up to 38 significant digits, magnitude 1E-130 ..= 9.99..E+125.
//!
//! A number is `mantissa * 10^exponent` with the mantissa stripped of trailing zeros, so equal
//! numbers have one representation. No floating point anywhere.

use crate::error::{Error, Result};
use std::cmp::Ordering;
use std::fmt;

/// Most significant digits DynamoDB keeps.
pub const MAX_DIGITS: usize = 38;
/// Largest adjusted exponent (position of the leading digit).
pub const MAX_ADJUSTED_EXP: i32 = 125;
/// Smallest adjusted exponent.
pub const MIN_ADJUSTED_EXP: i32 = -130;

const NOT_A_NUMBER: &str = "The parameter cannot be converted to a numeric value";
const TOO_PRECISE: &str = "Attempting to store more than 38 significant digits in a Number";
const OVERFLOW: &str =
    "Number overflow. Attempting to store a number with magnitude larger than supported range";
const UNDERFLOW: &str =
    "Number underflow. Attempting to store a number with magnitude smaller than supported range";

fn not_a_number(s: &str) -> Error {
    if s.is_empty() {
        Error::validation(NOT_A_NUMBER)
    } else {
        Error::validation(format!("{NOT_A_NUMBER}: {s}"))
    }
}

/// An exact decimal as DynamoDB stores it.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Number {
    mantissa: i128,
    exponent: i32,
}

impl Number {
    /// Zero.
    pub const ZERO: Number = Number {
        mantissa: 0,
        exponent: 0,
    };

    /// Parses DynamoDB's number syntax (Java BigDecimal's), applying its precision and range rules.
    pub fn parse(s: &str) -> Result<Number> {
        let b = s.as_bytes();
        let mut i = 0;
        let negative = match b.first() {
            Some(b'-') => {
                i += 1;
                true
            }
            Some(b'+') => {
                i += 1;
                false
            }
            _ => false,
        };
        // Accumulate significant digits without allocating: zeros after the last non-zero digit
        // stay pending until another non-zero digit arrives (or become exponent at the end).
        let mut mantissa: i128 = 0;
        let mut sig: usize = 0;
        let mut pending_zeros: i64 = 0;
        let mut too_precise = false;
        let mut seen_digit = false;
        let mut seen_point = false;
        let mut frac_len: i64 = 0;
        while i < b.len() {
            match b[i] {
                c @ b'0'..=b'9' => {
                    seen_digit = true;
                    if seen_point {
                        frac_len += 1;
                    }
                    if c == b'0' {
                        if sig > 0 {
                            pending_zeros += 1;
                        }
                    } else {
                        let new_sig = sig + pending_zeros as usize + 1;
                        if new_sig > MAX_DIGITS || too_precise {
                            too_precise = true;
                        } else {
                            for _ in 0..pending_zeros {
                                mantissa *= 10;
                            }
                            mantissa = mantissa * 10 + i128::from(c - b'0');
                        }
                        sig = new_sig;
                        pending_zeros = 0;
                    }
                }
                b'.' if !seen_point => seen_point = true,
                b'e' | b'E' => break,
                _ => return Err(not_a_number(s)),
            }
            i += 1;
        }
        if !seen_digit {
            return Err(not_a_number(s));
        }
        let mut exp: i64 = 0;
        if i < b.len() {
            i += 1;
            let exp_neg = match b.get(i) {
                Some(b'-') => {
                    i += 1;
                    true
                }
                Some(b'+') => {
                    i += 1;
                    false
                }
                _ => false,
            };
            if i >= b.len() {
                return Err(not_a_number(s));
            }
            while i < b.len() {
                match b[i] {
                    // Saturate: anything this large is out of range anyway.
                    c @ b'0'..=b'9' => {
                        exp = (exp * 10 + i64::from(c - b'0')).min(1_000_000_000_000)
                    }
                    _ => return Err(not_a_number(s)),
                }
                i += 1;
            }
            if exp_neg {
                exp = -exp;
            }
        }
        if sig == 0 {
            return Ok(Number::ZERO);
        }
        // Trailing zeros of the digit string fold into the exponent. Range is checked before
        // precision, as dynalite's recordings of DynamoDB order them.
        let exp = exp - frac_len + pending_zeros;
        let adjusted = exp + sig as i64 - 1;
        if adjusted > i64::from(MAX_ADJUSTED_EXP) {
            return Err(Error::validation(OVERFLOW));
        }
        if adjusted < i64::from(MIN_ADJUSTED_EXP) {
            return Err(Error::validation(UNDERFLOW));
        }
        if too_precise {
            return Err(Error::validation(TOO_PRECISE));
        }
        Ok(Number {
            mantissa: if negative { -mantissa } else { mantissa },
            exponent: exp as i32,
        })
    }

    /// Builds a number from an already-normalised-or-not mantissa and exponent, checking range.
    pub fn from_parts(mantissa: i128, exponent: i32) -> Result<Number> {
        let mut m = mantissa;
        let mut e = i64::from(exponent);
        if m == 0 {
            return Ok(Number::ZERO);
        }
        while m % 10 == 0 {
            m /= 10;
            e += 1;
        }
        let n = Number {
            mantissa: m,
            exponent: 0,
        };
        let len = n.digit_count() as i64;
        let adjusted = e + len - 1;
        if adjusted > i64::from(MAX_ADJUSTED_EXP) {
            return Err(Error::validation(OVERFLOW));
        }
        if adjusted < i64::from(MIN_ADJUSTED_EXP) {
            return Err(Error::validation(UNDERFLOW));
        }
        if len > MAX_DIGITS as i64 {
            return Err(Error::validation(TOO_PRECISE));
        }
        Ok(Number {
            mantissa: m,
            exponent: e as i32,
        })
    }

    /// Exact sum, with DynamoDB's precision and range rules applied to the result.
    pub fn checked_add(&self, other: &Number) -> Result<Number> {
        if self.is_zero() {
            return Ok(*other);
        }
        if other.is_zero() {
            return Ok(*self);
        }
        let exp = self.exponent.min(other.exponent);
        // Aligning to the lower exponent; if that overflows i128 the exact sum spans more than
        // 38 significant digits, which DynamoDB refuses anyway.
        let scale = |n: &Number| -> Option<i128> {
            let shift = u32::try_from(n.exponent - exp).ok()?;
            10i128.checked_pow(shift)?.checked_mul(n.mantissa)
        };
        let sum = scale(self)
            .zip(scale(other))
            .and_then(|(a, b)| a.checked_add(b))
            .ok_or_else(|| {
                // Too wide for i128: the sum has over 38 digits, unless it also leaves the range.
                let top = self.adjusted_exponent().max(other.adjusted_exponent());
                if top >= MAX_ADJUSTED_EXP {
                    Error::validation(OVERFLOW)
                } else {
                    Error::validation(TOO_PRECISE)
                }
            })?;
        Number::from_parts(sum, exp)
    }

    /// Exact difference, as [`Number::checked_add`].
    pub fn checked_sub(&self, other: &Number) -> Result<Number> {
        self.checked_add(&Number {
            mantissa: -other.mantissa,
            exponent: other.exponent,
        })
    }

    /// The signed mantissa (no trailing zeros).
    pub fn mantissa(&self) -> i128 {
        self.mantissa
    }

    /// The power of ten the mantissa is scaled by.
    pub fn exponent(&self) -> i32 {
        self.exponent
    }

    /// The largest integer not above the number, when it fits an i64 (TTL epoch seconds).
    pub fn floor_i64(&self) -> Option<i64> {
        let m = self.mantissa;
        let v = if self.exponent >= 0 {
            let scale = 10i128.checked_pow(self.exponent.unsigned_abs())?;
            m.checked_mul(scale)?
        } else {
            match 10i128.checked_pow(self.exponent.unsigned_abs()) {
                Some(scale) => m.div_euclid(scale),
                // |m| < 10^38 <= scale: the floor is 0 or -1.
                None => i128::from(m < 0).wrapping_neg(),
            }
        };
        i64::try_from(v).ok()
    }

    /// True for zero.
    pub fn is_zero(&self) -> bool {
        self.mantissa == 0
    }

    /// True below zero.
    pub fn is_negative(&self) -> bool {
        self.mantissa < 0
    }

    /// Number of significant digits (0 for zero).
    pub fn digit_count(&self) -> usize {
        let m = self.mantissa.unsigned_abs();
        if m == 0 {
            0
        } else {
            m.ilog10() as usize + 1
        }
    }

    /// Writes the mantissa's decimal digits (most significant first); returns their count.
    fn write_digits(&self, out: &mut [u8; MAX_DIGITS]) -> usize {
        let mut m = self.mantissa.unsigned_abs();
        let mut n = 0;
        // u128 division is slow; most mantissas fit in a u64.
        while m > u128::from(u64::MAX) {
            out[n] = (m % 10) as u8;
            m /= 10;
            n += 1;
        }
        let mut m = m as u64;
        while m > 0 {
            out[n] = (m % 10) as u8;
            m /= 10;
            n += 1;
        }
        out[..n].reverse();
        n
    }

    /// Position of the leading digit: `1234` -> 3, `0.05` -> -2.
    fn adjusted_exponent(&self) -> i32 {
        self.exponent + self.digit_count() as i32 - 1
    }

    /// Size by DynamoDB's rule: one byte per base-100 digit group aligned to the decimal
    /// point, plus one, plus one when negative; zero is one byte.
    pub fn size(&self) -> usize {
        if self.is_zero() {
            return 1;
        }
        let high = self.adjusted_exponent().div_euclid(2);
        let low = self.exponent.div_euclid(2);
        (high - low) as usize + 2 + usize::from(self.is_negative())
    }

    /// Appends an encoding whose unsigned byte order equals numeric order.
    ///
    /// Layout: class (1 negative, 2 zero, 3 positive), then for non-zero numbers the biased
    /// adjusted exponent and the digits two per byte (1 + 10*d1 + d2). Negative numbers invert
    /// both and end with 0xFF so that a shorter digit string sorts after its extensions.
    pub fn encode_ordered(&self, out: &mut Vec<u8>) {
        if self.is_zero() {
            out.push(2);
            return;
        }
        let neg = self.is_negative();
        let exp = (self.adjusted_exponent() - MIN_ADJUSTED_EXP) as u8;
        let flip = |b: u8| if neg { 255 - b } else { b };
        out.push(if neg { 1 } else { 3 });
        out.push(flip(exp));
        let mut digits = [0u8; MAX_DIGITS];
        let n = self.write_digits(&mut digits);
        for pair in digits[..n].chunks(2) {
            let b = 1 + pair[0] * 10 + pair.get(1).copied().unwrap_or(0);
            out.push(flip(b));
        }
        if neg {
            out.push(0xFF);
        }
    }

    /// The ordered encoding as a new vector.
    pub fn to_ordered_bytes(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(24);
        self.encode_ordered(&mut v);
        v
    }

    /// Decodes [`Number::encode_ordered`] output.
    pub fn decode_ordered(bytes: &[u8]) -> Option<Number> {
        let (&class, rest) = bytes.split_first()?;
        match class {
            2 => return Some(Number::ZERO),
            1 | 3 => {}
            _ => return None,
        }
        let neg = class == 1;
        let flip = |b: u8| if neg { 255 - b } else { b };
        let (&exp, mut body) = rest.split_first()?;
        if neg {
            body = body.strip_suffix(&[0xFF])?;
        }
        let adjusted = i32::from(flip(exp)) + MIN_ADJUSTED_EXP;
        let mut mantissa: i128 = 0;
        let mut count = 0i32;
        for (i, &raw) in body.iter().enumerate() {
            let b = flip(raw);
            if !(1..=100).contains(&b) {
                return None;
            }
            let v = b - 1;
            let (d1, d2) = (v / 10, v % 10);
            mantissa = mantissa * 10 + i128::from(d1);
            count += 1;
            if i + 1 < body.len() || d2 != 0 {
                mantissa = mantissa * 10 + i128::from(d2);
                count += 1;
            }
        }
        if count == 0 || count as usize > MAX_DIGITS {
            return None;
        }
        Some(Number {
            mantissa: if neg { -mantissa } else { mantissa },
            exponent: adjusted - count + 1,
        })
    }
}

impl Ord for Number {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self.mantissa.signum(), other.mantissa.signum()) {
            (a, b) if a != b => return a.cmp(&b),
            (0, 0) => return Ordering::Equal,
            _ => {}
        }
        let neg = self.is_negative();
        let mag = self
            .adjusted_exponent()
            .cmp(&other.adjusted_exponent())
            .then_with(|| {
                // Same leading position: compare digit strings left-aligned.
                let (mut a, mut b) = ([0u8; MAX_DIGITS], [0u8; MAX_DIGITS]);
                let (na, nb) = (self.write_digits(&mut a), other.write_digits(&mut b));
                a[..na].cmp(&b[..nb])
            });
        if neg {
            mag.reverse()
        } else {
            mag
        }
    }
}

impl PartialOrd for Number {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Number {
    /// Plain notation without an exponent, as DynamoDB returns numbers.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_zero() {
            return f.write_str("0");
        }
        let digits = self.mantissa.unsigned_abs().to_string();
        let mut s = String::with_capacity(digits.len() + 8);
        if self.is_negative() {
            s.push('-');
        }
        if self.exponent >= 0 {
            s.push_str(&digits);
            for _ in 0..self.exponent {
                s.push('0');
            }
        } else {
            let point = digits.len() as i64 + i64::from(self.exponent);
            if point > 0 {
                s.push_str(&digits[..point as usize]);
                s.push('.');
                s.push_str(&digits[point as usize..]);
            } else {
                s.push_str("0.");
                for _ in 0..(-point) {
                    s.push('0');
                }
                s.push_str(&digits);
            }
        }
        f.write_str(&s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Number {
        Number::parse(s).unwrap()
    }

    #[test]
    fn normalises_like_dynamodb() {
        for (input, out) in [
            ("00042", "42"),
            ("1.50", "1.5"),
            ("1.5E2", "150"),
            ("1.5e+2", "150"),
            ("-0", "0"),
            ("-0.000", "0"),
            ("0.001", "0.001"),
            ("-12.340", "-12.34"),
            ("+7", "7"),
            (".5", "0.5"),
            ("5.", "5"),
            ("1E-130", &format!("0.{}1", "0".repeat(129))),
            (
                "123456789012345678901234567890123456780000",
                "123456789012345678901234567890123456780000",
            ),
        ] {
            assert_eq!(n(input).to_string(), out, "input {input}");
        }
    }

    #[test]
    fn rejects_bad_numbers() {
        for (input, msg) in [
            ("", NOT_A_NUMBER),
            (
                "abc",
                "The parameter cannot be converted to a numeric value: abc",
            ),
            (
                "1e",
                "The parameter cannot be converted to a numeric value: 1e",
            ),
            (
                "1.2.3",
                "The parameter cannot be converted to a numeric value: 1.2.3",
            ),
            (
                "--1",
                "The parameter cannot be converted to a numeric value: --1",
            ),
            (
                " 1",
                "The parameter cannot be converted to a numeric value:  1",
            ),
            (
                "0x10",
                "The parameter cannot be converted to a numeric value: 0x10",
            ),
            (
                "NaN",
                "The parameter cannot be converted to a numeric value: NaN",
            ),
            (
                "Infinity",
                "The parameter cannot be converted to a numeric value: Infinity",
            ),
            ("1.", ""),
            ("123456789012345678901234567890123456789", TOO_PRECISE),
            ("1E126", OVERFLOW),
            ("-1E126", OVERFLOW),
            ("1E-131", UNDERFLOW),
            ("1E99999999999999999999", OVERFLOW),
        ] {
            match Number::parse(input) {
                Ok(v) => assert!(msg.is_empty(), "{input} parsed as {v}"),
                Err(e) => assert_eq!(e.message(), msg, "input {input}"),
            }
        }
        assert!(Number::parse("9.9999999999999999999999999999999999999E+125").is_ok());
        assert!(Number::parse("1E-130").is_ok());
    }

    #[test]
    fn ordered_encoding_roundtrips_and_orders() {
        let values = [
            "-9.9999999999999999999999999999999999999E+125",
            "-1E+10",
            "-101",
            "-100",
            "-10.5",
            "-10",
            "-1.01",
            "-1",
            "-0.5",
            "-1E-130",
            "0",
            "1E-130",
            "0.5",
            "1",
            "1.01",
            "10",
            "10.5",
            "100",
            "101",
            "1E+10",
            "9.9999999999999999999999999999999999999E+125",
        ];
        let nums: Vec<Number> = values.iter().map(|s| n(s)).collect();
        for w in nums.windows(2) {
            assert!(w[0] < w[1], "{} < {}", w[0], w[1]);
            assert!(
                w[0].to_ordered_bytes() < w[1].to_ordered_bytes(),
                "{} < {}",
                w[0],
                w[1]
            );
        }
        for x in &nums {
            assert_eq!(Number::decode_ordered(&x.to_ordered_bytes()), Some(*x));
        }
    }

    #[test]
    fn exact_arithmetic() {
        let add = |a: &str, b: &str| n(a).checked_add(&n(b)).map(|x| x.to_string());
        assert_eq!(add("0.1", "0.2").unwrap(), "0.3");
        assert_eq!(add("1E10", "-1").unwrap(), "9999999999");
        assert_eq!(add("-5", "5").unwrap(), "0");
        assert_eq!(
            add("99999999999999999999999999999999999999", "1").unwrap(),
            "100000000000000000000000000000000000000"
        );
        assert_eq!(n("5").checked_sub(&n("7.5")).unwrap().to_string(), "-2.5");
        assert_eq!(add("1E100", "1E-100").unwrap_err().message(), TOO_PRECISE);
        assert_eq!(
            add("9.9999999999999999999999999999999999999E+125", "9E+125")
                .unwrap_err()
                .message(),
            OVERFLOW
        );
        assert_eq!(
            add("12345678901234567890123456789012345678", "0.1")
                .unwrap_err()
                .message(),
            TOO_PRECISE
        );
    }

    #[test]
    fn size_matches_captured_values() {
        for (lit, size) in [
            ("0", 1),
            ("1", 2),
            ("12", 2),
            ("123", 3),
            ("1234", 3),
            ("100", 2),
            ("1010", 3),
            ("0042", 2),
            ("0.0000001", 2),
            ("1E125", 2),
            ("1.5", 3),
            ("15", 2),
            ("1.2", 3),
            ("1.200", 3),
            ("1.234", 4),
            ("3.14159", 5),
            ("123456", 4),
            ("100.5", 4),
            ("1E-100", 2),
            ("0.15", 2),
            ("-42", 3),
            ("12.3456", 4),
            ("12345678901234567890123456789012345678", 20),
        ] {
            assert_eq!(n(lit).size(), size, "{lit}");
        }
    }

    #[test]
    fn floor_to_i64() {
        let f = |s: &str| Number::parse(s).unwrap().floor_i64();
        assert_eq!(f("1700000000"), Some(1_700_000_000));
        assert_eq!(f("1700000000.9"), Some(1_700_000_000));
        assert_eq!(f("-1.5"), Some(-2));
        assert_eq!(f("0.000001"), Some(0));
        assert_eq!(f("-1e-100"), Some(-1));
        assert_eq!(f("1e30"), None);
        assert_eq!(f("9.9E+125"), None);
    }
}
