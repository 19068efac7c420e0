package checker

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
)

// errNoBicep means a .bicep file was found but the bicep CLI is not on PATH.
var errNoBicep = errors.New("bicep CLI not found on PATH")

// isBicep reports whether path is Bicep source.
func isBicep(path string) bool { return strings.EqualFold(filepath.Ext(path), ".bicep") }

// compileBicep runs `bicep build --stdout` on a Bicep file. patchcheck never
// downloads the compiler: without it on PATH the file cannot be checked,
// and the caller says how to compile it.
func compileBicep(ctx context.Context, path string) ([]byte, error) {
	bin, err := exec.LookPath("bicep")
	if err != nil {
		return nil, errNoBicep
	}
	var out, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, "build", "--stdout", path)
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("bicep build %s failed: %v: %s", path, err, strings.TrimSpace(stderr.String()))
	}
	return out.Bytes(), nil
}

func bicepHint(path string) string {
	return fmt.Sprintf("install the bicep CLI, or compile it yourself with `bicep build %s` (or `az bicep build --file %s`) and lint the JSON it writes", path, path)
}
