package atomicfile

import (
	"os"
	"path/filepath"
)

// WriteUnsynced is Write without the fsync: a reader still never sees half a file (the
// rename is atomic), and the data survives the process, but it reaches the disk when
// the OS flushes it or at Flush. It is for writers of many small files that cannot
// afford one fsync each (whk listen --record: about 1.4 ms per fsync here, so one per
// delivery caps a receiver at a few hundred deliveries per second per writer).
// The directory must exist.
//
// On Linux and macOS it takes four system calls (open with O_EXCL on a temporary name
// made from path, write, close, rename), where os.CreateTemp would add a random name,
// a poller registration and a finalizer: `whk listen --record` writes one file per
// delivery. When that temporary name is taken (left by a crash), it falls back to a
// random one.
func WriteUnsynced(path string, data []byte, perm os.FileMode) error {
	if done, err := writeNamedTemp(path, data, perm); done {
		return err
	}
	return writeRandomTemp(path, data, perm)
}

// writeRandomTemp is WriteUnsynced through os.CreateTemp.
func writeRandomTemp(path string, data []byte, perm os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	// CreateTemp makes the file 0600: skip the extra system call when that is the mode.
	if perm != 0o600 {
		if err := tmp.Chmod(perm); err != nil {
			tmp.Close()
			os.Remove(name)
			return err
		}
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(name)
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(name)
		return err
	}
	if err := os.Rename(name, path); err != nil {
		os.Remove(name)
		return err
	}
	return nil
}
