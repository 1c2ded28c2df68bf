#!/usr/bin/env python3
"""Damage LienThong packets the way an attacker or a broken transfer would, with Python's own tarfile.

Used by the end-to-end tests, so that hostile packets do not come from LienThong's own archive writer.

  tamper.py flip-payload IN OUT               flip one bit of the first document
  tamper.py edit-metadata IN OUT              change the subject inside metadata.json
  tamper.py swap-signature IN OTHER OUT       put OTHER's metadata.json.p7s into IN
  tamper.py resign IN OUT KEY CERT            re-sign metadata.json with `openssl cms -sign`
  tamper.py add IN OUT dotdot|absolute|symlink|duplicate   add a hostile entry
  tamper.py truncate IN OUT                   keep the first half of the file
  tamper.py many OUT N                        a tar of N empty entries
"""
import io
import os
import subprocess
import sys
import tarfile
import tempfile


def members(path):
    with tarfile.open(path, "r") as archive:
        for info in archive.getmembers():
            data = archive.extractfile(info).read() if info.isfile() else None
            yield info, data


def write(path, entries):
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as archive:
        for info, data in entries:
            if data is not None:
                info.size = len(data)
                archive.addfile(info, io.BytesIO(data))
            else:
                archive.addfile(info)


def rewrite(source, target, change):
    write(target, [change(info, data) for info, data in members(source)])


def root_of(path):
    return next(iter(members(path)))[0].name.split("/")[0]


def main(argv):
    command = argv[1]
    if command == "flip-payload":
        done = []

        def flip(info, data):
            if data and "/data/" in info.name and not done:
                data = bytes([data[0] ^ 0x01]) + data[1:]
                done.append(info.name)
            return info, data
        rewrite(argv[2], argv[3], flip)
    elif command == "edit-metadata":
        def edit(info, data):
            if info.name.endswith("/metadata.json"):
                text = data.decode("utf-8")
                edited = text.replace('"subject": "', '"subject": "[SỬA] ', 1)
                assert edited != text
                data = edited.encode("utf-8")
            return info, data
        rewrite(argv[2], argv[3], edit)
    elif command == "swap-signature":
        other = dict((info.name.split("/", 1)[1], data) for info, data in members(argv[3]) if data is not None)

        def swap(info, data):
            if info.name.endswith("/metadata.json.p7s"):
                data = other["metadata.json.p7s"]
            return info, data
        rewrite(argv[2], argv[4], swap)
    elif command == "resign":
        key, cert = argv[4], argv[5]

        def resign(info, data):
            if info.name.endswith("/metadata.json.p7s"):
                content = dict((i.name, d) for i, d in members(argv[2]))[info.name[:-4]]
                with tempfile.TemporaryDirectory() as scratch:
                    with open(os.path.join(scratch, "m.json"), "wb") as handle:
                        handle.write(content)
                    subprocess.run(["openssl", "cms", "-sign", "-binary", "-in", os.path.join(scratch, "m.json"),
                                    "-signer", cert, "-inkey", key, "-outform", "DER",
                                    "-out", os.path.join(scratch, "m.p7s")], check=True)
                    with open(os.path.join(scratch, "m.p7s"), "rb") as handle:
                        data = handle.read()
            return info, data
        rewrite(argv[2], argv[3], resign)
    elif command == "add":
        kind = argv[4]
        entries = list(members(argv[2]))
        root = entries[0][0].name.split("/")[0]
        if kind == "dotdot":
            info = tarfile.TarInfo(root + "/data/../../evil.txt")
            entries.append((info, b"escaped\n"))
        elif kind == "absolute":
            info = tarfile.TarInfo("/tmp/lienthong-evil.txt")
            entries.append((info, b"absolute\n"))
        elif kind == "symlink":
            info = tarfile.TarInfo(root + "/data/passwd.pdf")
            info.type = tarfile.SYMTYPE
            info.linkname = "/etc/passwd"
            entries.append((info, None))
        elif kind == "duplicate":
            first = next((info, data) for info, data in entries if "/data/" in info.name and data is not None)
            duplicate = tarfile.TarInfo(first[0].name)
            entries.append((duplicate, b"second copy with other content\n"))
        else:
            raise SystemExit("unknown kind " + kind)
        write(argv[3], entries)
    elif command == "truncate":
        with open(argv[2], "rb") as handle:
            data = handle.read()
        with open(argv[3], "wb") as handle:
            handle.write(data[: len(data) // 2])
    elif command == "many":
        with tarfile.open(argv[2], "w") as archive:
            for index in range(int(argv[3])):
                archive.addfile(tarfile.TarInfo("%s/data/%06d.txt" % ("20261124-000000-000-0000000000", index)), io.BytesIO(b""))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
