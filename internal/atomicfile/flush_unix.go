//go:build unix && !aix

package atomicfile

import "syscall"

// Flush asks the OS to write every file written so far, WriteUnsynced ones included,
// to disk. It returns once the writes are queued (sync(2)).
func Flush() error {
	syscall.Sync()
	return nil
}
