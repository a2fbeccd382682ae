//! tools tests.
use crate::support::*;
