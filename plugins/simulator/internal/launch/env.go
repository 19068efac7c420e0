package launch

import (
	"fmt"
	"os"
	"runtime"
	"strings"
)

// Env is the environment a simulator plugin starts with: the
// variables of patchcheck's own environment that a program needs to run
// (PATH, HOME, TMPDIR, the time zone and locale; see allowedEnv), the ones named in pass, then extra (NAME=VALUE entries,
// which win). go-plugin appends its own variables (the magic cookie,
// PLUGIN_*) after these.
//
// patchcheck runs in CI next to credentials (AZURE_CLIENT_SECRET,
// GITHUB_TOKEN, …); a simulator needs none of them, and an external one is
// someone else's program. The built-in simulator also keeps the Go
// runtime's settings (GOGC and the like), which carry no secrets.
func Env(builtin bool, pass, extra []string) ([]string, error) {
	wanted := make(map[string]bool, len(pass))
	for _, name := range pass {
		if !validEnvName(name) {
			return nil, fmt.Errorf("%q is not a variable name (give the name alone; the value comes from patchcheck's environment)", name)
		}
		wanted[envKey(name)] = true
	}
	var env []string
	for _, kv := range os.Environ() {
		name, _, ok := strings.Cut(kv, "=")
		if !ok || name == "" {
			continue // Windows keeps "=C:=C:\dir" entries; nothing needs them
		}
		if allowedEnv(envKey(name), builtin) || wanted[envKey(name)] {
			env = append(env, kv)
		}
	}
	return append(env, extra...), nil
}

// allowedEnv reports whether a plugin gets the variable key (upper-cased on
// Windows, where names ignore case) from patchcheck's environment without
// being asked to pass it.
func allowedEnv(key string, builtin bool) bool {
	switch key {
	case "PATH", "HOME", "TMPDIR", "TZ", "ZONEINFO", "LANG", "LANGUAGE":
		return true
	}
	switch {
	case strings.HasPrefix(key, "LC_"):
		return true
	case strings.HasPrefix(key, "PLUGIN_"):
		// go-plugin's own (PLUGIN_UNIX_SOCKET_DIR and the like); those it
		// sets for the handshake come after and win.
		return true
	}
	if runtime.GOOS == "windows" {
		// What Windows programs need to start and use the loopback
		// network that go-plugin talks over.
		switch key {
		case "SYSTEMROOT", "SYSTEMDRIVE", "WINDIR", "COMSPEC", "PATHEXT", "TEMP", "TMP", "USERPROFILE", "LOCALAPPDATA", "APPDATA", "PROGRAMDATA":
			return true
		}
	}
	if builtin {
		switch key {
		case "GOGC", "GOMEMLIMIT", "GOMAXPROCS", "GODEBUG", "GOTRACEBACK", "GOCOVERDIR":
			return true
		}
	}
	return false
}

// envKey is how a variable name compares: as is, or upper-cased on Windows.
func envKey(name string) string {
	if runtime.GOOS == "windows" {
		return strings.ToUpper(name)
	}
	return name
}

// validEnvName reports whether name can name a variable to pass on: letters,
// digits and underscores, not starting with a digit.
func validEnvName(name string) bool {
	if name == "" || name[0] >= '0' && name[0] <= '9' {
		return false
	}
	for _, r := range name {
		if r != '_' && (r < 'A' || r > 'Z') && (r < 'a' || r > 'z') && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}
