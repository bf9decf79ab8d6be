//go:build unix

package validation

import (
	"errors"
	"io"
	"io/fs"
	"syscall"
)

// rawFile reads a regular file with plain system calls: os.Open also stats the file
// and tries to register it with the network poller, which costs two system calls per
// file and matters when checking twenty thousand small files.
type rawFile struct{ fd int }

func openFile(path string) (*rawFile, error) {
	var fd int
	var err error
	for {
		fd, err = syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
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
		case err != nil:
			return 0, err
		case n == 0 && len(b) > 0:
			return 0, io.EOF
		}
		return n, nil
	}
}

func (f *rawFile) Close() error { return syscall.Close(f.fd) }
