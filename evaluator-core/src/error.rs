//! The one error of the core: a datafile that cannot be used.

use std::fmt::Display;

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
