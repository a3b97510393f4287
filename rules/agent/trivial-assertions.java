class ParserTest {
    @Test
    void parses() {
        int result = Parser.parse("1");
        // ruleid: jvm-dotnet-assert-always-true
        assertTrue(true);
        // ruleid: jvm-dotnet-assert-always-true
        Assertions.assertEquals(1, 1);
        // ok: jvm-dotnet-assert-always-true
        assertEquals(1, result);
        // ok: jvm-dotnet-assert-always-true
        assertTrue(Parser.isValid("1"));
    }
}
