#[cfg(test)]
mod tests {
    // ruleid: rust-test-ignored
    #[ignore]
    #[test]
    fn slow_roundtrip() {
        assert_eq!(roundtrip(1), 1);
    }

    #[test]
    // ruleid: rust-test-ignored
    #[ignore = "flaky on CI"]
    fn network() {}

    // ok: rust-test-ignored
    #[test]
    fn fast() {
        // ok: rust-test-ignored
        let ignore = true;
        assert!(ignore);
    }
}
