import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

class AuthTest {
    // ruleid: java-test-disabled
    @Disabled("flaky")
    @Test
    void rejectsBadPassword() {}

    // ruleid: java-test-disabled
    @Ignore
    public void legacy() {}

    // ruleid: java-test-disabled
    @Test(enabled = false)
    public void testNg() {}

    // ok: java-test-disabled
    @Test
    void acceptsGoodPassword() {
        // ok: java-test-disabled
        assumeTrue(System.getenv("CI") != null);
    }
}
