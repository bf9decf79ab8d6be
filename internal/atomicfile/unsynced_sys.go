//go:build linux || darwin

package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
)

// writeNamedTemp writes data to path through the temporary file .<name>.tmp beside it,
// with raw system calls. done is false, and nothing was written, when that temporary
// name already exists.
func writeNamedTemp(path string, data []byte, perm os.FileMode) (done bool, err error) {
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp")
	var fd int
	for {
		fd, err = syscall.Open(tmp, syscall.O_CREAT|syscall.O_EXCL|syscall.O_WRONLY|syscall.O_CLOEXEC, 0o600)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	if errors.Is(err, syscall.EEXIST) {
		return false, nil
	}
	if err != nil {
		return true, &os.PathError{Op: "open", Path: tmp, Err: err}
	}
	fail := func(op string, err error) (bool, error) {
		syscall.Close(fd)
		syscall.Unlink(tmp)
		return true, &os.PathError{Op: op, Path: tmp, Err: err}
	}
	// Created 0600 (less the umask), as os.CreateTemp does; any other mode is set exactly.
	if perm != 0o600 {
		if err := syscall.Fchmod(fd, uint32(perm.Perm())); err != nil {
			return fail("chmod", err)
		}
	}
	for rest := data; len(rest) > 0; {
		n, err := syscall.Write(fd, rest)
		if errors.Is(err, syscall.EINTR) {
			continue
		}
		if err != nil {
			return fail("write", err)
		}
		if n == 0 {
			return fail("write", syscall.EIO)
		}
		rest = rest[n:]
	}
	if err := syscall.Close(fd); err != nil {
		syscall.Unlink(tmp)
		return true, &os.PathError{Op: "close", Path: tmp, Err: err}
	}
	if err := syscall.Rename(tmp, path); err != nil {
		syscall.Unlink(tmp)
		return true, &os.LinkError{Op: "rename", Old: tmp, New: path, Err: err}
	}
	return true, nil
}
