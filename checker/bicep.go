package checker

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// errNoBicep means a .bicep file was found but the bicep CLI is not on PATH.
var errNoBicep = errors.New("bicep CLI is not on PATH")

// bicepWaitDelay is how long a stopped or finished bicep build may keep
// its output open (a process it left behind holding the pipe) before the
// pipes are closed on it.
const bicepWaitDelay = 5 * time.Second

// maxBicepStderr bounds the compiler's error output kept for a message.
const maxBicepStderr = 16 << 10

// isBicep reports whether path is Bicep source.
func isBicep(path string) bool { return strings.EqualFold(filepath.Ext(path), ".bicep") }

// compileBicep runs `bicep build --stdout` on a Bicep file. patchcheck never
// downloads the compiler: without it on PATH the file cannot be checked,
// and the caller says how to compile it. The build is bounded: it is
// stopped after timeout or when ctx ends, together with every process it
// started, and its output is refused past maxSize bytes.
func compileBicep(ctx context.Context, path string, timeout time.Duration, maxSize int64) ([]byte, error) {
	bin, err := exec.LookPath("bicep")
	if err != nil {
		return nil, errNoBicep
	}
	buildCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	out := &cappedBuffer{limit: maxSize}
	stderr := &cappedBuffer{limit: maxBicepStderr}
	cmd := exec.CommandContext(buildCtx, bin, "build", "--stdout", path)
	cmd.Stdout, cmd.Stderr = out, stderr
	killProcessGroup(cmd)
	cmd.WaitDelay = bicepWaitDelay
	err = cmd.Run()
	switch {
	case ctx.Err() != nil:
		return nil, fmt.Errorf("bicep build %s stopped: %w", path, context.Cause(ctx))
	case buildCtx.Err() != nil:
		return nil, fmt.Errorf("bicep build %s timed out after %s", path, timeout)
	case err != nil:
		return nil, fmt.Errorf("bicep build %s failed: %v: %s", path, err, strings.TrimSpace(stderr.buf.String()))
	case out.over:
		return nil, tooLarge("the template bicep build compiled from "+path, maxSize)
	}
	return out.buf.Bytes(), nil
}

// bicepHint says how to get the bicep CLI onto PATH, or what to lint
// instead.
func bicepHint(path string) string {
	return fmt.Sprintf("install the bicep CLI (`az bicep install`, then add ~/.azure/bin to PATH; or see https://learn.microsoft.com/azure/azure-resource-manager/bicep/install), "+
		"or compile it yourself with `bicep build %s` (or `az bicep build --file %s`) and lint the JSON it writes", path, path)
}
