//! Numbers as JavaScript's `String(n)` writes them, into a stack buffer.
//!
//! Bucketing hashes a numeric hash attribute as text and string operators
//! compare numbers by their text, so native and JS callers must agree on
//! that text: `1` not `1.0`, `1e+21` not `1000000000000000000000`.

/// Long enough for any `f64` in JavaScript's format (at most 25 bytes).
const CAPACITY: usize = 32;

/// A formatted number living on the stack.
pub struct NumberText {
    bytes: [u8; CAPACITY],
    len: usize,
}

impl NumberText {
    /// Formats `n` exactly like ECMAScript `Number::toString(n)` (radix 10).
    pub fn new(n: f64) -> Self {
        let mut out = NumberText {
            bytes: [0; CAPACITY],
            len: 0,
        };
        if n.is_nan() {
            out.push(b"NaN");
        } else if n == 0.0 {
            // Covers -0, which JavaScript prints as "0".
            out.push(b"0");
        } else if n.is_infinite() {
            out.push(if n < 0.0 { b"-Infinity" } else { b"Infinity" });
        } else {
            if n < 0.0 {
                out.push(b"-");
            }
            out.push_finite(n.abs());
        }
        out
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        // Only ASCII is ever pushed, so this cannot fail; "" keeps it panic-free.
        core::str::from_utf8(&self.bytes[..self.len]).unwrap_or("")
    }

    fn push(&mut self, bytes: &[u8]) {
        // Byte by byte: the text is short, and no copy can panic.
        for &b in bytes {
            if let Some(slot) = self.bytes.get_mut(self.len) {
                *slot = b;
                self.len += 1;
            }
        }
    }

    fn push_zeros(&mut self, count: usize) {
        for _ in 0..count {
            self.push(b"0");
        }
    }

    /// ECMA-262 Number::toString for a positive finite `n`, from the
    /// shortest round-trip digits that ryu produces (core's float printing
    /// would add ~17 KB to the WebAssembly module).
    fn push_finite(&mut self, n: f64) {
        let mut ryu_buf = ryu::Buffer::new();
        let (digit_buf, k, n_exp) = split_digits(ryu_buf.format_finite(n).as_bytes());
        let digits = &digit_buf[..k];
        // `n_exp` is the ECMAScript n: the value is 0.digits × 10^n_exp.
        if k as i32 <= n_exp && n_exp <= 21 {
            self.push(digits);
            self.push_zeros((n_exp - k as i32) as usize);
        } else if 0 < n_exp && n_exp <= 21 {
            let point = n_exp as usize;
            self.push(&digits[..point]);
            self.push(b".");
            self.push(&digits[point..]);
        } else if -6 < n_exp && n_exp <= 0 {
            self.push(b"0.");
            self.push_zeros((-n_exp) as usize);
            self.push(digits);
        } else {
            self.push(&digits[..1]);
            if k > 1 {
                self.push(b".");
                self.push(&digits[1..]);
            }
            let exp = n_exp - 1;
            self.push(if exp < 0 { b"e-" } else { b"e+" });
            self.push_unsigned(exp.unsigned_abs());
        }
    }

    /// Decimal digits of `value`, without core's formatting machinery.
    fn push_unsigned(&mut self, mut value: u32) {
        let mut reversed = [0u8; 10];
        let mut len = 0;
        loop {
            reversed[len] = b'0' + (value % 10) as u8;
            len += 1;
            value /= 10;
            if value == 0 {
                break;
            }
        }
        reversed[..len].reverse();
        self.push(&reversed[..len]);
    }
}

/// Splits ryu's text (`1.0`, `0.001`, `1.5e-7`, `1e21`) into significant
/// digits without leading or trailing zeros, their count and the
/// ECMAScript n (the value is 0.digits × 10^n).
fn split_digits(text: &[u8]) -> ([u8; CAPACITY], usize, i32) {
    let mut digits = [0u8; CAPACITY];
    let mut k = 0;
    // Digits before the point, counting those dropped as leading zeros.
    let mut point: i32 = 0;
    let mut seen_point = false;
    let mut exp: i32 = 0;
    let mut exp_negative = false;
    let mut in_exp = false;
    for &b in text {
        match b {
            b'e' | b'E' => in_exp = true,
            b'-' if in_exp => exp_negative = true,
            b'0'..=b'9' if in_exp => exp = exp * 10 + i32::from(b - b'0'),
            b'.' => seen_point = true,
            b'0'..=b'9' => {
                if b == b'0' && k == 0 {
                    // A leading zero shifts the point only after it.
                    if seen_point {
                        point -= 1;
                    }
                } else if k < CAPACITY {
                    digits[k] = b;
                    k += 1;
                    if !seen_point {
                        point += 1;
                    }
                }
            }
            _ => {}
        }
    }
    while k > 1 && digits[k - 1] == b'0' {
        k -= 1;
    }
    (digits, k, point + if exp_negative { -exp } else { exp })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn js(n: f64) -> String {
        NumberText::new(n).as_str().to_owned()
    }

    #[test]
    fn formats_like_javascript() {
        // Each right-hand side is what `String(n)` prints in Node.
        let cases: &[(f64, &str)] = &[
            (0.0, "0"),
            (-0.0, "0"),
            (1.0, "1"),
            (-42.0, "-42"),
            (1.5, "1.5"),
            (0.1, "0.1"),
            (0.1 + 0.2, "0.30000000000000004"),
            (123456.789, "123456.789"),
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (123456789012345680000.0, "123456789012345680000"),
            (9007199254740993.0, "9007199254740992"),
            (1e-6, "0.000001"),
            (1e-7, "1e-7"),
            (1.5e-7, "1.5e-7"),
            (-2.5e-10, "-2.5e-10"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (5e-324, "5e-324"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "Infinity"),
            (f64::NEG_INFINITY, "-Infinity"),
            (12345678.0, "12345678"),
            // An exact tie in the 17th digit: JavaScript rounds to even.
            (-1116997651082242.2, "-1116997651082242.2"),
        ];
        for &(n, expected) in cases {
            assert_eq!(js(n), expected, "{n:e}");
        }
    }

    proptest::proptest! {
        // Core's `{:e}` is shortest too but rounds exact ties up where
        // JavaScript picks the even digit, so only length and exponent are
        // compared; the digits must round-trip.
        #[test]
        fn digits_are_shortest_and_round_trip(bits in proptest::prelude::any::<u64>()) {
            let n = f64::from_bits(bits);
            if n.is_finite() && n != 0.0 {
                let core = format!("{:e}", n.abs());
                let (_, want_k, want_n) = split_digits(core.as_bytes());
                let mut buf = ryu::Buffer::new();
                let (_, got_k, got_n) = split_digits(buf.format_finite(n.abs()).as_bytes());
                proptest::prop_assert_eq!((got_k, got_n), (want_k, want_n), "{}", core);
                proptest::prop_assert_eq!(js(n).parse::<f64>().ok(), Some(n));
            }
        }
    }

    #[test]
    fn integers_match_integer_formatting() {
        for i in [
            -1_000_000i64,
            -7,
            3,
            99,
            100,
            1 << 40,
            9_007_199_254_740_991,
        ] {
            assert_eq!(js(i as f64), i.to_string());
        }
    }
}
