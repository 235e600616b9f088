//! Printing the test-connection report.
