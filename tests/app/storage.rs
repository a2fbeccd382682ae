//! storage tests.
use crate::support::*;
