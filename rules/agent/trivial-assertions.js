test("parses", () => {
  const result = parse("1");
  // ruleid: js-assertion-always-passes
  expect(true).toBe(true);
  // ruleid: js-assertion-always-passes
  expect(true).toBeTruthy();
  // ruleid: js-assertion-always-passes
  assert.ok(true);
  // ok: js-assertion-always-passes
  expect(result).toBe(1);
  // ok: js-assertion-always-passes
  expect(isValid(result)).toBe(true);
});
