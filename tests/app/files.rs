//! files tests.
use crate::support::*;
