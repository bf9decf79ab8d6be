"""Runs an example receiver (argv[1]) in whk's tests: it stops when the test closes its
stdin (the test ended, or died), and in any case after LIFETIME_SECONDS (default 120),
so none outlives the test."""
import os
import runpy
import sys
import threading


def stop_when_stdin_closes():
    sys.stdin.buffer.read()
    os._exit(0)


threading.Thread(target=stop_when_stdin_closes, daemon=True).start()
timer = threading.Timer(float(os.environ.get("LIFETIME_SECONDS", "120")), os._exit, args=(0,))
timer.daemon = True
timer.start()
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
