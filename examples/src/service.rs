//! The service: Go kit's `addsvc` — `Sum` and `Concat` with their
//! business rules — and nothing about transports, logging, metrics or
//! tracing (those are decorators and layers, composed in `main`).

use std::fmt;

/// The longest string `concat` may return, as in Go kit's addsvc.
pub const MAX_LEN: usize = 10;

/// The service.
///
/// ```
/// use kit_examples::service::{AddError, AddService, BasicService};
///
/// assert_eq!(BasicService.sum(1, 2), Ok(3));
/// assert_eq!(BasicService.sum(0, 0), Err(AddError::TwoZeroes));
/// assert_eq!(BasicService.concat("x", "y"), Ok("xy".to_string()));
/// ```
pub trait AddService: Send + Sync + 'static {
    /// `a + b`.
    fn sum(&self, a: i64, b: i64) -> Result<i64, AddError>;
    /// `a` followed by `b`.
    fn concat(&self, a: &str, b: &str) -> Result<String, AddError>;
}

/// A business error: the request was understood and refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AddError {
    /// Both numbers were zero (Go kit's `ErrTwoZeroes`).
    TwoZeroes,
    /// The sum does not fit in an `i64`.
    IntOverflow,
    /// The concatenation would be longer than [`MAX_LEN`].
    MaxSizeExceeded,
}

impl AddError {
    /// A short name, for metric labels and log values.
    ///
    /// ```
    /// assert_eq!(kit_examples::service::AddError::IntOverflow.kind(), "int_overflow");
    /// ```
    pub fn kind(self) -> &'static str {
        match self {
            AddError::TwoZeroes => "two_zeroes",
            AddError::IntOverflow => "int_overflow",
            AddError::MaxSizeExceeded => "max_size_exceeded",
        }
    }
}

impl fmt::Display for AddError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AddError::TwoZeroes => "can't sum two zeroes",
            AddError::IntOverflow => "integer overflow",
            AddError::MaxSizeExceeded => "result exceeds maximum size",
        })
    }
}

impl std::error::Error for AddError {}

/// The implementation.
#[derive(Clone, Copy, Debug, Default)]
pub struct BasicService;

impl AddService for BasicService {
    fn sum(&self, a: i64, b: i64) -> Result<i64, AddError> {
        if a == 0 && b == 0 {
            return Err(AddError::TwoZeroes);
        }
        a.checked_add(b).ok_or(AddError::IntOverflow)
    }

    fn concat(&self, a: &str, b: &str) -> Result<String, AddError> {
        if a.chars().count() + b.chars().count() > MAX_LEN {
            return Err(AddError::MaxSizeExceeded);
        }
        Ok(format!("{a}{b}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn business_rules() {
        assert_eq!(BasicService.sum(i64::MAX, 1), Err(AddError::IntOverflow));
        assert_eq!(BasicService.sum(-1, 1), Ok(0));
        assert_eq!(
            BasicService.concat("12345", "67890"),
            Ok("1234567890".into())
        );
        assert_eq!(
            BasicService.concat("12345", "678901"),
            Err(AddError::MaxSizeExceeded)
        );
        assert_eq!(BasicService.concat("ünï", "cödé"), Ok("ünïcödé".into()));
    }
}
