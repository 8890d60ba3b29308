//! The JSON writer: compact text from a [`Value`], strings and integers.

use crate::number::NumberText;
use alloc::string::String;
use serde_json::Value;

/// Appends `value` as compact JSON. Floats are written as JavaScript writes
/// them (`1e+21`), which every JSON reader accepts.
pub fn write_value(out: &mut String, value: &Value) {
    write_tree(out, value, |out, f| {
        out.push_str(NumberText::new(f).as_str())
    });
}

/// Appends `value` as JSON that [`parse`] reads back as the same value:
/// floats keep a point or an exponent (`2.0`, `-0.0`, `1e21`).
pub(crate) fn write_value_exact(out: &mut String, value: &Value) {
    write_tree(out, value, |out, f| {
        out.push_str(ryu::Buffer::new().format_finite(f));
    });
}

fn write_tree(out: &mut String, value: &Value, float: fn(&mut String, f64)) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => write_integer(out, false, u),
            (None, Some(i)) => write_integer(out, i < 0, i.unsigned_abs()),
            (None, None) => float(out, n.as_f64().unwrap_or(0.0)),
        },
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_tree(out, item, float);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(out, key);
                out.push(':');
                write_tree(out, item, float);
            }
            out.push('}');
        }
    }
}

/// Appends a decimal integer without the formatting machinery.
pub fn write_integer(out: &mut String, negative: bool, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if negative {
        out.push('-');
    }
    digits[start..]
        .iter()
        .for_each(|&d| out.push(char::from(d)));
}

/// Appends `s` as a JSON string literal.
pub fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0'..='\u{1f}' => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(char::from(HEX[c as usize >> 4]));
                out.push(char::from(HEX[c as usize & 15]));
            }
            _ => out.push(c),
        }
    }
    out.push('"');
}
