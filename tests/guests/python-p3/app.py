"""A WASI 0.3 command in Python (componentize-py): an async `run` that
reads its arguments and environment, copies stdin to stdout, writes,
reads back and lists a file in a preopened directory, tries to leave it,
sleeps, asks for random bytes, talks TCP and exits with a status, all
through WASI 0.3's streams, futures and async functions. `args[1]` picks
what it does, as for the C command in `../c-command-p3`. (CPython's own
libc speaks WASI 0.2, so the component imports both versions.)"""

import wit_world
from componentize_py_types import Err
from wit_world import exports
from wit_world.imports import (
    environment,
    exit,
    monotonic_clock,
    preopens,
    random,
    stdin,
    stdout,
    wasi_filesystem_types as fs,
    wasi_sockets_types as net,
)


class Out:
    """stdout, as one stream for the whole run."""

    def __init__(self):
        self.writer, reader = wit_world.byte_stream()
        self.done = stdout.write_via_stream(reader)

    async def put(self, text):
        await self.writer.write_all(text.encode() if isinstance(text, str) else text)

    async def close(self):
        self.writer.__exit__(None, None, None)
        with self.done as done:
            await done.read()


async def hello(out, args):
    await out.put("hello from a WASI 0.3 Python command\nargs: " + " ".join(args) + "\n")
    for key, value in environment.get_environment():
        if key == "GREETING":
            await out.put(f"GREETING={value}\n")


async def cat(out):
    data, done = stdin.read_via_stream()
    with data:
        while not data.writer_dropped:
            await out.put(await data.read(16384))
    with done:
        await done.read()


def code_name(e):
    return type(e.value).__name__.removeprefix("ErrorCode_") if isinstance(e, Err) else str(e)


async def files(out):
    dirs = preopens.get_directories()
    if not dirs:
        await out.put("no preopens\n")
        return
    d, name = dirs[0]
    await out.put(f"preopen: {name}\n")
    rw = fs.DescriptorFlags.READ | fs.DescriptorFlags.WRITE
    f = await d.open_at(fs.PathFlags(0), "note.txt", fs.OpenFlags.CREATE, rw)
    writer, reader = wit_world.byte_stream()
    done = f.write_via_stream(reader, 0)
    with writer:
        await writer.write_all(b"written by a WASI 0.3 Python guest\n")
    with done:
        await done.read()
    await out.put("write: ok\n")
    data, done = f.read_via_stream(0)
    text = b""
    with data:
        while not data.writer_dropped:
            text += await data.read(256)
    with done:
        await done.read()
    await out.put(b"read back: " + text)
    entries, done = d.read_directory()
    names = []
    with entries:
        while not entries.writer_dropped:
            names += [e.name for e in await entries.read(16)]
    with done:
        await done.read()
    for n in sorted(names):
        await out.put(f"entry: {n}\n")
    for path in ["../outside.txt", "/etc/hostname", "link-out/hostname"]:
        try:
            await d.open_at(fs.PathFlags(0), path, fs.OpenFlags(0), fs.DescriptorFlags.READ)
            await out.put(f"open {path}: OPENED\n")
        except Err as e:
            await out.put(f"open {path}: {code_name(e)}\n")


async def sleep(out):
    t0 = monotonic_clock.now()
    await monotonic_clock.wait_for(20_000_000)
    slept = monotonic_clock.now() - t0 >= 20_000_000
    await out.put("slept 20 ms\n" if slept else "woke early\n")


async def tcp(out, port):
    try:
        sock = net.TcpSocket.create(net.IpAddressFamily.IPV4)
    except Err:
        await out.put("create: refused\n")
        return
    addr = net.IpSocketAddress_Ipv4(net.Ipv4SocketAddress(port, (127, 0, 0, 1)))
    await sock.connect(addr)
    await out.put("connected\n")
    writer, reader = wit_world.byte_stream()
    sent = sock.send(reader)
    data, received = sock.receive()
    with writer:
        await writer.write_all(b"ping\n")
    with sent:
        await sent.read()
    await out.put("sent\n")
    reply = b""
    with data:
        while not data.writer_dropped:
            reply += await data.read(1024)
    with received:
        await received.read()
    await out.put(b"reply: " + reply)


class Run(exports.Run):
    async def run(self) -> None:
        out = Out()
        args = environment.get_arguments()
        mode = args[1] if len(args) > 1 else "hello"
        if mode == "hello":
            await hello(out, args)
        elif mode == "cat":
            await cat(out)
        elif mode == "files":
            await files(out)
        elif mode == "sleep":
            await sleep(out)
        elif mode == "random":
            await out.put(f"random bytes: {len(random.get_random_bytes(32))}\n")
        elif mode == "tcp":
            await tcp(out, int(args[2]))
        elif mode == "exit":
            await out.put("exiting\n")
            await out.close()
            exit.exit_with_code(int(args[2]))
        else:
            await out.put("unknown mode\n")
            await out.close()
            raise Err(None)
        await out.close()
