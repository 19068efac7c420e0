package simulator

// SetAfterPin makes Open call f after it has checked the SHA-256 of the
// plugin and before it starts it: the window in which a swapped file would
// run unpinned, for the tests to swap the file in.
func SetAfterPin(cfg *HostConfig, f func()) { cfg.afterPin = f }
