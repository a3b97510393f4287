<?php
class AuthTest extends TestCase
{
    public function testLogin(): void
    {
        // ruleid: php-test-skipped
        $this->markTestSkipped('flaky');
        // ok: php-test-skipped
        $this->assertTrue(login('a', 'b'));
    }
}
