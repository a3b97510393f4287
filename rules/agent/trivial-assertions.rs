#[test]
fn parses() {
    let n = parse("1");
    // ruleid: rust-assert-always-true
    assert!(true);
    // ruleid: rust-assert-always-true
    assert_eq!(1, 1, "sanity");
    // ok: rust-assert-always-true
    assert_eq!(n, 1);
    // ok: rust-assert-always-true
    assert!(is_valid("1"));
}
