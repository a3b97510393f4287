package parser

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestParse(t *testing.T) {
	n := Parse("1")
	// ruleid: go-assert-always-true
	assert.True(t, true)
	// ruleid: go-assert-always-true
	assert.Equal(t, 1, 1)
	// ok: go-assert-always-true
	assert.Equal(t, 1, n)
}
