//go:build !unix || aix

package atomicfile

// Flush is a no-op where there is no sync(2): the OS flushes files on its own schedule.
func Flush() error { return nil }
