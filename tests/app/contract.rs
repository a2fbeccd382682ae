//! contract tests.
use crate::support::*;
