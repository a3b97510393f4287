//! Local advisory database: import (RustSec, OSV), update, index, and version-range matching.
