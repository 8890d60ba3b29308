//! Decimal text to `f64`, correctly rounded, accepting what `str::parse::<f64>`
//! accepts apart from `inf`/`nan` words (callers reject non-finite values).
//!
//! Core's parser carries a 10 KB table of powers of five that gzip cannot
//! shrink; this one takes an exact fast path for short inputs and falls back
//! to small big-integer arithmetic, which is slower but rare.

/// Significant digits kept; beyond them a sticky digit decides the rounding,
/// as no f64 halfway point needs more than 767 significant digits.
const MAX_DIGITS: usize = 800;

/// Parses `[+-](digits[.digits]|.digits)[(e|E)[+-]digits]`; `None` otherwise.
pub fn parse_f64(text: &str) -> Option<f64> {
    if let Some(n) = short_decimal(text) {
        return Some(n);
    }
    let bytes = text.as_bytes();
    let (negative, rest) = match bytes.first() {
        Some(b'-') => (true, &bytes[1..]),
        Some(b'+') => (false, &bytes[1..]),
        _ => (false, bytes),
    };
    // On the stack: a heap buffer per number was most of a datafile's float reading.
    let mut buffer = [0u8; MAX_DIGITS + 1];
    let mut len = 0;
    // Decimal exponent of the last kept digit.
    let mut exp: i64 = 0;
    let (mut seen_digit, mut seen_point, mut sticky) = (false, false, false);
    let mut i = 0;
    while i < rest.len() {
        match rest[i] {
            d @ b'0'..=b'9' => {
                seen_digit = true;
                if len < MAX_DIGITS && (d != b'0' || len > 0) {
                    buffer[len] = d - b'0';
                    len += 1;
                    exp -= i64::from(seen_point);
                } else if len == 0 {
                    // A dropped leading zero after the point still moves it.
                    exp -= i64::from(seen_point);
                } else {
                    // So does a digit past MAX_DIGITS before the point.
                    exp += i64::from(!seen_point);
                    sticky |= d != b'0';
                }
            }
            b'.' if !seen_point => seen_point = true,
            _ => break,
        }
        i += 1;
    }
    if !seen_digit {
        return None;
    }
    if i < rest.len() {
        if !matches!(rest[i], b'e' | b'E') {
            return None;
        }
        exp = exp.saturating_add(parse_exponent(&rest[i + 1..])?);
    }
    if sticky {
        buffer[len] = 1;
        len += 1;
        exp -= 1;
    }
    let magnitude = magnitude(&buffer[..len], exp);
    Some(if negative { -magnitude } else { magnitude })
}

/// `[-]digits[.digits]` with at most 15 digits (most numbers of a datafile):
/// they and the power of ten under them are exact, so one division rounds
/// correctly (Clinger). `None` leaves it to the general path.
fn short_decimal(text: &str) -> Option<f64> {
    if text.len() > 17 {
        return None;
    }
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    if whole.len() + fraction.len() > 15 || whole.len() + fraction.len() == 0 {
        return None;
    }
    let mut mantissa = 0u64;
    for b in whole.bytes().chain(fraction.bytes()) {
        if !b.is_ascii_digit() {
            return None;
        }
        mantissa = mantissa * 10 + u64::from(b - b'0');
    }
    let power = fraction.bytes().fold(1.0, |p, _| p * 10.0);
    let magnitude = mantissa as f64 / power;
    Some(if negative { -magnitude } else { magnitude })
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

/// The f64 nearest to digits × 10^exp (ties to even).
fn magnitude(digits: &[u8], exp: i64) -> f64 {
    if digits.is_empty() {
        return 0.0;
    }
    let scale = exp + digits.len() as i64;
    if scale > 310 {
        return f64::INFINITY;
    }
    if scale < -330 {
        return 0.0;
    }
    // Exact when the digits fit 2^53 and 10^|exp| is an exact f64 (Clinger).
    if digits.len() <= 15 && exp.abs() <= 22 {
        let mantissa = digits.iter().fold(0u64, |m, &d| m * 10 + u64::from(d)) as f64;
        let power = (0..exp.abs()).fold(1.0, |p, _| p * 10.0);
        return if exp < 0 {
            mantissa / power
        } else {
            mantissa * power
        };
    }
    // Up to 19 digits (< 2^64) and 10^19: exact in 128 bits, one rounding.
    if digits.len() <= 19 && exp.abs() <= 19 {
        let mantissa = digits.iter().fold(0u64, |m, &d| m * 10 + u64::from(d));
        let power = (0..exp.abs()).fold(1u128, |p, _| p * 10);
        if exp >= 0 {
            return (u128::from(mantissa) * power) as f64;
        }
        // The quotient keeps 64 bits or more; a remainder only needs to be
        // seen below them (a sticky bit) for the one rounding to be right.
        let shift = u128::from(mantissa).leading_zeros();
        let num = u128::from(mantissa) << shift;
        let quotient = (num / power) | u128::from(num % power != 0);
        return scale_by_power_of_two(quotient as f64, -i64::from(shift));
    }
    let mut num = Big::default();
    for &d in digits {
        num.mul_add(10, u32::from(d));
    }
    let mut den = Big::from(1);
    for _ in 0..exp.abs() {
        if exp < 0 {
            den.mul_add(10, 0);
        } else {
            num.mul_add(10, 0);
        }
    }
    round_quotient(num, den)
}

/// Rounds num / den to the nearest f64, ties to even.
fn round_quotient(mut num: Big, mut den: Big) -> f64 {
    // Scale so that the quotient has 64 or 65 bits: 11 or more to round away.
    let shift = 64 - (num.bit_len() as i64 - den.bit_len() as i64);
    if shift > 0 {
        num.shl(shift as usize);
    } else {
        den.shl((-shift) as usize);
    }
    let mut quotient: u128 = 0;
    let top = num.bit_len().saturating_sub(den.bit_len());
    den.shl(top);
    for _ in 0..=top {
        quotient <<= 1;
        if num.sub_if_ge(&den) {
            quotient |= 1;
        }
        den.shr1();
    }
    // value = (quotient + rest) × 2^-shift, rest in [0, 1).
    let bits = 128 - quotient.leading_zeros() as i64;
    // Drop bits down to 53, or more below the smallest subnormal 2^-1074.
    let drop = (bits - 53).max(shift - 1074);
    let (mut mantissa, half, below) = if drop >= 128 {
        (0, false, quotient != 0)
    } else {
        let below_mask = (1u128 << (drop - 1)) - 1;
        (
            quotient >> drop,
            (quotient >> (drop - 1)) & 1 == 1,
            quotient & below_mask != 0,
        )
    };
    let sticky = below || !num.is_zero();
    if half && (sticky || mantissa & 1 == 1) {
        mantissa += 1;
    }
    scale_by_power_of_two(mantissa as f64, drop - shift)
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

impl From<u32> for Big {
    fn from(n: u32) -> Self {
        Big(vec![n])
    }
}

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

    fn is_zero(&self) -> bool {
        self.0.iter().all(|&l| l == 0)
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

    fn shr1(&mut self) {
        let mut carry = 0;
        for limb in self.0.iter_mut().rev() {
            let next = *limb & 1;
            *limb = *limb >> 1 | carry << 31;
            carry = next;
        }
    }

    /// Subtracts `other` when it is not larger; says whether it did.
    fn sub_if_ge(&mut self, other: &Big) -> bool {
        let len = self.0.len().max(other.0.len());
        let limb = |b: &Big, i: usize| b.0.get(i).copied().unwrap_or(0);
        for i in (0..len).rev() {
            match limb(self, i).cmp(&limb(other, i)) {
                core::cmp::Ordering::Less => return false,
                core::cmp::Ordering::Greater => break,
                core::cmp::Ordering::Equal => {}
            }
        }
        self.0.resize(len, 0);
        let mut borrow = 0u64;
        for (i, l) in self.0.iter_mut().enumerate() {
            let v = (u64::from(*l) | 1 << 32) - u64::from(limb(other, i)) - borrow;
            *l = v as u32;
            borrow = u64::from(v >> 32 == 0);
        }
        true
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
        fn agrees_on_decimal_strings(text in "[+-]?[0-9]{0,25}(\\.[0-9]{0,25})?([eE][+-]?[0-9]{1,3})?") {
            prop_assert_eq!(parse_f64(&text).map(f64::to_bits), text.parse::<f64>().ok().map(f64::to_bits), "{}", text);
        }
    }
}
