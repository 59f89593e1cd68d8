#!/usr/bin/python3
"""The physical ceiling of one loopback TCP connection on this machine: the kernel sends a file with sendfile(2)
into a receiver that reads into one reused buffer and throws the bytes away. No FTP, no file written.
Usage: ceiling.py FILE   Prints {"seconds": s, "bytes": n} (the time from connect to the receiver's last read)."""
import json, os, socket, sys, threading, time

path = sys.argv[1]
listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.bind(('127.0.0.1', 0))
listener.listen(1)
received = [0]

def receive():
    conn, _ = listener.accept()
    view = memoryview(bytearray(1 << 20))
    while True:
        n = conn.recv_into(view)
        if not n:
            break
        received[0] += n
    conn.close()

thread = threading.Thread(target=receive)
thread.start()
start = time.perf_counter()
sender = socket.create_connection(listener.getsockname())
with open(path, 'rb') as f:
    sender.sendfile(f)  # os.sendfile under the hood
sender.close()
thread.join(120)
seconds = time.perf_counter() - start
print(json.dumps({'seconds': seconds, 'bytes': received[0]}))
