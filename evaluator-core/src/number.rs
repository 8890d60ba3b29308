//! Numbers as JavaScript's `String(n)` writes them, into a stack buffer.
//!
//! Bucketing hashes a numeric hash attribute as text and string operators
//! compare numbers by their text, so native and JS callers must agree on
//! that text: `1` not `1.0`, `1e+21` not `1000000000000000000000`.

use core::fmt::Write;

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
        let end = (self.len + bytes.len()).min(CAPACITY);
        let take = end - self.len;
        self.bytes[self.len..end].copy_from_slice(&bytes[..take]);
        self.len = end;
    }

    fn push_zeros(&mut self, count: usize) {
        for _ in 0..count {
            self.push(b"0");
        }
    }

    /// ECMA-262 Number::toString for a positive finite `n`, from the
    /// shortest round-trip digits that Rust's `{:e}` produces.
    fn push_finite(&mut self, n: f64) {
        let mut sci = Scratch::default();
        if write!(sci, "{n:e}").is_err() {
            return;
        }
        let (digit_buf, k, n_exp) = sci.split();
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
            let mut exp_text = Scratch::default();
            if write!(exp_text, "{}", exp.unsigned_abs()).is_ok() {
                self.push(&exp_text.bytes[..exp_text.len]);
            }
        }
    }
}

/// `{:e}` output such as `1.2345e-7`, split into digits and exponent.
#[derive(Default)]
struct Scratch {
    bytes: [u8; CAPACITY],
    len: usize,
}

impl Scratch {
    /// Returns (digits without the point, digit count, ECMAScript n).
    fn split(&self) -> ([u8; CAPACITY], usize, i32) {
        let text = &self.bytes[..self.len];
        let e = text.iter().position(|&b| b == b'e').unwrap_or(text.len());
        let mut digits = [0u8; CAPACITY];
        let mut k = 0;
        for &b in text[..e].iter().filter(|b| b.is_ascii_digit()) {
            digits[k] = b;
            k += 1;
        }
        let exp = core::str::from_utf8(&text[(e + 1).min(text.len())..])
            .ok()
            .and_then(|s| s.parse::<i32>().ok())
            .unwrap_or(0);
        (digits, k, exp + 1)
    }
}

impl Write for Scratch {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let end = self.len + s.len();
        if end > CAPACITY {
            return Err(core::fmt::Error);
        }
        self.bytes[self.len..end].copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
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
        ];
        for &(n, expected) in cases {
            assert_eq!(js(n), expected, "{n:e}");
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
