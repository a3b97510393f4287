describe("auth", () => {
  // ruleid: js-test-skipped-or-focused
  it.skip("rejects a bad password", () => {
    expect(login("a", "bad")).toBe(false);
  });
  // ruleid: js-test-skipped-or-focused
  it.only("accepts a good password", () => {
    expect(login("a", "good")).toBe(true);
  });
  // ruleid: js-test-skipped-or-focused
  xit("locks after 5 tries", () => {});
  // ruleid: js-test-skipped-or-focused
  describe.skip("sessions", () => {});
  // ruleid: js-test-skipped-or-focused
  test.todo("refresh tokens");
  // ruleid: js-test-skipped-or-focused
  fdescribe("focused", () => {});
  // ok: js-test-skipped-or-focused
  it("logs out", () => {
    // ok: js-test-skipped-or-focused
    model.fit(data);
    // ok: js-test-skipped-or-focused
    const skip = options.skip(2);
  });
});
