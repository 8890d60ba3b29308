//! Decimal text to `f64`, correctly rounded, accepting what `str::parse::<f64>`
//! accepts apart from `inf`/`nan` words (callers reject non-finite values).
//!
//! Core's parser carries a 10 KB table of powers of five that gzip cannot
//! shrink; this one takes an exact fast path for short inputs and falls back
//! to small big-integer arithmetic, which is slower but rare.

use alloc::{vec, vec::Vec};

/// Significant digits kept; beyond them a sticky digit decides the rounding,
/// as no f64 halfway point needs more than 767 significant digits.
const MAX_DIGITS: usize = 800;

/// Parses `[+-](digits[.digits]|.digits)[(e|E)[+-]digits]`; `None` otherwise.
pub fn parse_f64(text: &str) -> Option<f64> {
    let bytes = text.as_bytes();
    let (negative, rest) = match bytes.first() {
        Some(b'-') => (true, &bytes[1..]),
        Some(b'+') => (false, &bytes[1..]),
        _ => (false, bytes),
    };
    // One pass over the digits keeps the first 19 significant ones (they fit
    // a u64) and the decimal exponent of the last one kept.
    let mut mantissa = 0u64;
    let mut significant = 0usize;
    let mut exp: i64 = 0;
    let (mut seen_digit, mut seen_point) = (false, false);
    let mut end = 0;
    while let Some(&b) = rest.get(end) {
        match b {
            b'0'..=b'9' => {
                seen_digit = true;
                significant += usize::from(significant > 0 || b != b'0');
                // Past 19 digits `big_digits` reads them all again.
                if significant <= MAX_WORD_DIGITS {
                    mantissa = mantissa * 10 + u64::from(b - b'0');
                    exp -= i64::from(seen_point);
                }
            }
            b'.' if !seen_point => seen_point = true,
            _ => break,
        }
        end += 1;
    }
    if !seen_digit {
        return None;
    }
    let written = match rest.get(end) {
        None => 0,
        Some(b'e' | b'E') => parse_exponent(&rest[end + 1..])?,
        Some(_) => return None,
    };
    let magnitude = if significant <= MAX_WORD_DIGITS {
        magnitude(mantissa, exp.saturating_add(written))
    } else {
        let (num, exp) = big_digits(&rest[..end]);
        magnitude_big(num, exp.saturating_add(written))
    };
    Some(if negative { -magnitude } else { magnitude })
}

/// Significant digits that always fit a u64.
const MAX_WORD_DIGITS: usize = 19;

/// The digits of `[digits][.digits]` as a big integer (at most
/// [`MAX_DIGITS`], then a sticky digit) and the decimal exponent of its last.
fn big_digits(text: &[u8]) -> (Big, i64) {
    let mut num = Big::default();
    let (mut len, mut exp, mut seen_point, mut sticky) = (0, 0i64, false, false);
    for &b in text {
        if b == b'.' {
            seen_point = true;
        } else if len < MAX_DIGITS && (b != b'0' || len > 0) {
            num.mul_add(10, u32::from(b - b'0'));
            len += 1;
            exp -= i64::from(seen_point);
        } else if len == 0 {
            // A dropped leading zero after the point still moves it.
            exp -= i64::from(seen_point);
        } else {
            // So does a digit past MAX_DIGITS before the point.
            exp += i64::from(!seen_point);
            sticky |= b != b'0';
        }
    }
    if sticky {
        num.mul_add(10, 1);
        exp -= 1;
    }
    (num, exp)
}

/// `[+-]digits`, saturating far outside the range any f64 needs.
fn parse_exponent(bytes: &[u8]) -> Option<i64> {
    let (negative, digits) = match bytes.first() {
        Some(b'-') => (true, &bytes[1..]),
        Some(b'+') => (false, &bytes[1..]),
        _ => (false, bytes),
    };
    if digits.is_empty() {
        return None;
    }
    let mut value: i64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        value = (value * 10 + i64::from(d - b'0')).min(1 << 40);
    }
    Some(if negative { -value } else { value })
}

/// The f64 nearest to mantissa × 10^exp (ties to even).
fn magnitude(mantissa: u64, exp: i64) -> f64 {
    if mantissa == 0 {
        return 0.0;
    }
    // Exact when the mantissa fits 2^53 and 10^|exp| is an exact f64 (Clinger).
    if mantissa <= 1 << 53 && exp.abs() <= 22 {
        let power = (0..exp.abs()).fold(1.0, |p, _| p * 10.0);
        let mantissa = mantissa as f64;
        return if exp < 0 {
            mantissa / power
        } else {
            mantissa * power
        };
    }
    magnitude_big(Big(vec![mantissa as u32, (mantissa >> 32) as u32]), exp)
}

/// The f64 nearest to num × 10^exp for num > 0 (ties to even).
fn magnitude_big(mut num: Big, exp: i64) -> f64 {
    // Within a few units of the value's decimal exponent (3/10 < log10 2):
    // far enough outside the f64 range the answer is known, and the
    // arithmetic below stays small.
    let scale = exp + num.bit_len() as i64 * 3 / 10;
    if scale > 320 {
        return f64::INFINITY;
    }
    if scale < -340 {
        return 0.0;
    }
    let mut inexact = false;
    let mut exp2 = 0;
    if exp < 0 {
        // 10^-exp < 2^(-exp·10/3 + 1): shifted this far, the quotient
        // keeps 65 bits or more, 12 of them to round away.
        exp2 = -(-exp * 10 / 3 + 67 - num.bit_len() as i64).max(0);
        num.shl(-exp2 as usize);
    }
    // Nine decimal digits at a time: 10^9 fits a limb.
    let mut left = exp.abs();
    while left > 0 {
        let step = left.min(9);
        let power = 10u32.pow(step as u32);
        if exp < 0 {
            inexact |= num.div_small(power);
        } else {
            num.mul_add(power, 0);
        }
        left -= step;
    }
    round_big(&num, inexact, exp2)
}

/// The f64 nearest to (num + rest) × 2^exp2, ties to even, where the rest
/// in [0, 1) is nonzero exactly when `inexact`.
fn round_big(num: &Big, inexact: bool, exp2: i64) -> f64 {
    // Drop bits down to 53, or more below the smallest subnormal 2^-1074.
    let drop = (num.bit_len() as i64 - 53).max(-1074 - exp2);
    if drop <= 0 {
        // At most 53 bits (a product, never inexact): exact.
        return scale_by_power_of_two(num.bits_at(0) as f64, exp2);
    }
    let drop = drop as usize;
    let mut mantissa = num.bits_at(drop);
    let half = num.bits_at(drop - 1) & 1 == 1;
    if half && (inexact || num.any_below(drop - 1) || mantissa & 1 == 1) {
        mantissa += 1;
    }
    scale_by_power_of_two(mantissa as f64, exp2 + drop as i64)
}

/// value × 2^exp, exact unless it overflows to infinity.
fn scale_by_power_of_two(mut value: f64, mut exp: i64) -> f64 {
    while exp > 1000 {
        value *= f64::from_bits(2023 << 52);
        exp -= 1000;
    }
    let power = if exp >= -1022 {
        f64::from_bits(((exp + 1023) as u64) << 52)
    } else {
        f64::from_bits(1 << (exp + 1074))
    };
    value * power
}

/// A non-negative big integer, little-endian base 2^32.
#[derive(Default)]
struct Big(Vec<u32>);

impl Big {
    fn mul_add(&mut self, factor: u32, addend: u32) {
        let mut carry = u64::from(addend);
        for limb in &mut self.0 {
            let v = u64::from(*limb) * u64::from(factor) + carry;
            *limb = v as u32;
            carry = v >> 32;
        }
        if carry != 0 {
            self.0.push(carry as u32);
        }
    }

    fn bit_len(&self) -> usize {
        let top = self.0.iter().rposition(|&l| l != 0);
        top.map_or(0, |i| i * 32 + 32 - self.0[i].leading_zeros() as usize)
    }

    fn shl(&mut self, bits: usize) {
        let (limbs, bits) = (bits / 32, bits % 32);
        let mut out = vec![0u32; limbs];
        let mut carry = 0u32;
        for &l in &self.0 {
            out.push(l << bits | carry);
            carry = if bits == 0 { 0 } else { l >> (32 - bits) };
        }
        out.push(carry);
        self.0 = out;
    }

    /// Divides by `divisor`; says whether there was a remainder.
    fn div_small(&mut self, divisor: u32) -> bool {
        let mut rest = 0u64;
        for limb in self.0.iter_mut().rev() {
            let current = rest << 32 | u64::from(*limb);
            *limb = (current / u64::from(divisor)) as u32;
            rest = current % u64::from(divisor);
        }
        rest != 0
    }

    /// Bits `pos..pos + 64`.
    fn bits_at(&self, pos: usize) -> u64 {
        let limb = |i: usize| u128::from(self.0.get(i).copied().unwrap_or(0));
        let i = pos / 32;
        // Three limbs hold 64 bits at any offset.
        let window = limb(i) | limb(i + 1) << 32 | limb(i + 2) << 64;
        (window >> (pos % 32)) as u64
    }

    /// Whether any bit below `pos` is set.
    fn any_below(&self, pos: usize) -> bool {
        let (i, bits) = (pos / 32, pos % 32);
        let low_limbs = self.0.iter().take(i).any(|&l| l != 0);
        low_limbs || self.0.get(i).is_some_and(|&l| l & ((1 << bits) - 1) != 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_like_core() {
        for text in [
            "0",
            "-0",
            "1",
            "+1",
            ".5",
            "5.",
            "1e5",
            "1E+5",
            "1e-5",
            "0.1",
            "0.30000000000000004",
            "9007199254740993",
            "123456789012345680000",
            "1.7976931348623157e308",
            "1.7976931348623159e308",
            "5e-324",
            "2.4703282292062327e-324",
            "2.4703282292062328e-324",
            "1e-400",
            "1e400",
            "00012.5000",
            "0.000000000000000000000000000001",
            "2.2250738585072011e-308",
            "2.2250738585072014e-308",
            "1e23",
            "8.98846567431158e307",
            "4.9406564584124654e-324",
            "0e999999999999",
            "100000000000000000000000000000000000001",
            "1.00000000000000011102230246251565404236316680908203125",
            "1.00000000000000011102230246251565404236316680908203124",
            "1.00000000000000011102230246251565404236316680908203126",
            // Around 2^53 and the 19 digits a u64 keeps.
            "9007199254740992",
            "9007199254740993e-3",
            "0.3333333333333333",
            "9999999999999999999",
            "9999999999999999999e-19",
            "99999999999999999999",
            "18446744073709551615e-20",
            "1234567890123456789012345e-300",
            "1234567890123456789012345e-348",
            "1234567890123456789012345e-360",
            "1234567890123456789012345e284",
            "1234567890123456789012345e300",
            "0.00000000000000000000000000000000000000000000000001e50",
        ] {
            assert_eq!(
                parse_f64(text).map(f64::to_bits),
                text.parse::<f64>().ok().map(f64::to_bits),
                "{text}"
            );
        }
        let long = format!("0.{}1e10", "0".repeat(2000));
        assert_eq!(parse_f64(&long), long.parse::<f64>().ok());
        let long = format!("1{}e-2000", "0".repeat(2000));
        assert_eq!(parse_f64(&long), long.parse::<f64>().ok());
    }

    #[test]
    fn rejects_what_core_rejects() {
        for text in [
            "", "-", "+", ".", "e5", "1e", "1e+", "1.2.3", " 1", "1 ", "0x10", "1_0", "--1",
            "1e5.5",
        ] {
            assert_eq!(parse_f64(text), None, "{text:?}");
            assert!(text.parse::<f64>().is_err(), "{text:?}");
        }
    }

    proptest! {
        #[test]
        fn round_trips_every_float(bits in any::<u64>()) {
            let n = f64::from_bits(bits);
            if n.is_finite() {
                for text in [format!("{n:e}"), format!("{n}"), format!("{n:.30e}"), format!("{n:.3e}")] {
                    prop_assert_eq!(parse_f64(&text).map(f64::to_bits), text.parse::<f64>().ok().map(f64::to_bits), "{}", text);
                }
            }
        }

        #[test]
        fn agrees_on_short_decimals(text in "-?[0-9]{0,9}(\\.[0-9]{0,9})?") {
            prop_assert_eq!(parse_f64(&text).map(f64::to_bits), text.parse::<f64>().ok().map(f64::to_bits), "{}", text);
        }

        #[test]
        fn agrees_at_the_ends_of_the_range(text in "[1-9][0-9]{0,40}(\\.[0-9]{0,20})?e(-3[0-9]{2}|-2[0-9]{2}|30[0-9]|-?[0-9]{1,2})") {
            prop_assert_eq!(parse_f64(&text).map(f64::to_bits), text.parse::<f64>().ok().map(f64::to_bits), "{}", text);
        }

        #[test]
        fn agrees_on_decimal_strings(text in "[+-]?[0-9]{0,25}(\\.[0-9]{0,25})?([eE][+-]?[0-9]{1,3})?") {
            prop_assert_eq!(parse_f64(&text).map(f64::to_bits), text.parse::<f64>().ok().map(f64::to_bits), "{}", text);
        }
    }
}
