//! site tests.
use crate::support::*;
