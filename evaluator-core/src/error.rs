//! The one error of the core: a datafile that cannot be used.

use alloc::string::{String, ToString};
use core::fmt::Display;

/// Why a datafile was rejected, and where.
///
/// `path` names the offending field in the JSON (`flags[3].rules[0].variations`;
/// empty for the document itself). Displays as `path: message`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{}{}", .path, if .path.is_empty() { "" } else { ": " }, .message)]
pub struct DatafileError {
    /// Location of the bad field, in `a[0].b` notation.
    pub path: String,
    /// What is wrong with it.
    pub message: String,
}

impl DatafileError {
    /// An error at `path`.
    pub fn new(path: impl Display, message: impl Display) -> Self {
        DatafileError {
            path: path.to_string(),
            message: message.to_string(),
        }
    }

    /// The same error seen from the parent object: inside its field `key`.
    pub(crate) fn in_field(self, key: &str) -> Self {
        self.prefixed(key)
    }

    /// The same error seen from the parent array: inside element `index`.
    pub(crate) fn in_element(self, index: usize) -> Self {
        let mut segment = String::from("[");
        crate::json::write_integer(&mut segment, false, index as u64);
        segment.push(']');
        self.prefixed(&segment)
    }

    fn prefixed(mut self, segment: &str) -> Self {
        let dot = !self.path.is_empty() && !self.path.starts_with('[');
        self.path.insert_str(0, if dot { "." } else { "" });
        self.path.insert_str(0, segment);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_path_then_message() {
        let err = DatafileError::new("flags[3].rules[0].variations", "percentages sum to 1.2");
        assert_eq!(
            err.to_string(),
            "flags[3].rules[0].variations: percentages sum to 1.2"
        );
        assert_eq!(DatafileError::new("", "empty").to_string(), "empty");
    }
}
