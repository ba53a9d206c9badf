package buildinfo

import "testing"

func TestVersion(t *testing.T) {
	if got := Version("v1.2.3"); got != "v1.2.3" {
		t.Fatalf("Version(v1.2.3) = %q", got)
	}
	if got := Version(""); got == "" {
		t.Fatal("Version(\"\") is empty")
	}
}
