package auth

import "testing"

func TestLogin(t *testing.T) {
	// ruleid: go-test-skipped
	t.Skip("broken after refactor")
	if login("a", "b") {
		t.Fatal("accepted bad password")
	}
}

func TestLogout(t *testing.T) {
	// ruleid: go-test-skipped
	t.Skipf("todo %d", 1)
	// ok: go-test-skipped
	t.Run("sub", func(t *testing.T) {})
}
