// Package buildinfo names the version of tandem's commands.
package buildinfo

import "runtime/debug"

// Version returns set (a version stamped at build time with -ldflags -X), else the main
// module's version from the build information, else "dev".
func Version(set string) string {
	if set != "" {
		return set
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}
