//go:build unix

package input

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// open opens a file without blocking on a FIFO that has no writer yet.
func open(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}

// rawFile reads a regular file with plain system calls: os.Open also stats the file
// and tries to register it with the network poller, which costs two system calls per
// file and matters when checking twenty thousand small files.
type rawFile struct{ fd int }

// openRaw opens a file Walk found to be regular. O_NONBLOCK costs nothing on a regular
// file and keeps a FIFO swapped in since from hanging the open.
func openRaw(path string) (*rawFile, error) {
	var fd int
	var err error
	for {
		fd, err = syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC|syscall.O_NONBLOCK, 0)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	return &rawFile{fd}, nil
}

func (f *rawFile) Read(b []byte) (int, error) {
	for {
		n, err := syscall.Read(f.fd, b)
		switch {
		case err == syscall.EINTR:
			continue
		case errors.Is(err, syscall.EISDIR):
			return 0, errors.New("is a directory")
		case errors.Is(err, syscall.EAGAIN):
			return 0, ErrNotRegular
		case err != nil:
			return 0, err
		case n == 0 && len(b) > 0:
			return 0, io.EOF
		}
		return n, nil
	}
}

func (f *rawFile) Close() error { return syscall.Close(f.fd) }
