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
  tamper.py oversize IN OUT [--payload-first] [--unlisted] [--claim BYTES]
                                              the signed metadata.json and its signature first, then a document whose
                                              header claims BYTES (default 10 GiB) of data: a GNU sparse member whose
                                              one stored block is 512 bytes, the rest a hole, so OUT stays a few KiB;
                                              --payload-first puts the documents before the tag files (the order of
                                              packets made before LienThong wrote metadata.json first); --unlisted
                                              adds the claiming entry under a name metadata.json does not list
                                              instead of in place of the first document
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


TAG_ORDER = ["metadata.json", "metadata.json.p7s", "bagit.txt", "bag-info.txt", "manifest-sha256.txt",
             "tagmanifest-sha256.txt"]


def octal(value, width):
    """A tar number field: octal digits, NUL-terminated when there is room (GNU tar fills all 12 for big sizes)."""
    digits = "%o" % value
    if len(digits) < width:
        return digits.rjust(width - 1, "0").encode("ascii") + b"\0"
    assert len(digits) == width, "number too large for the field"
    return digits.encode("ascii")


def gnu_sparse_member(name, claimed, block):
    """An old-GNU sparse member ('S'): `block` (512 bytes) stored at offset 0, then a hole up to `claimed` bytes."""
    assert len(block) == 512
    header = bytearray(512)
    raw = name.encode("utf-8")
    assert len(raw) < 100, name
    header[0:len(raw)] = raw
    header[100:108] = octal(0o644, 8)
    header[108:116] = octal(0, 8)
    header[116:124] = octal(0, 8)
    header[124:136] = octal(len(block), 12)       # the bytes stored in the archive
    header[136:148] = octal(1764000000, 12)
    header[148:156] = b" " * 8
    header[156:157] = b"S"
    header[257:263] = b"ustar "
    header[263:265] = b" \0"
    header[265:269] = b"root"
    header[297:301] = b"root"
    # The sparse map: the stored block at offset 0, then an empty region at the end (the file ends in a hole).
    regions = [(0, len(block)), (claimed, 0)]
    for index, (offset, count) in enumerate(regions):
        base = 386 + index * 24
        header[base:base + 12] = octal(offset, 12)
        header[base + 12:base + 24] = octal(count, 12)
    header[482:483] = b"\0"                        # no extension blocks
    header[483:495] = octal(claimed, 12)          # the size the member claims
    checksum = sum(header)
    header[148:156] = ("%06o" % checksum).encode("ascii") + b"\0 "
    return bytes(header) + block


def oversize(source, target, payload_first=False, unlisted=False, claimed=10 << 30):
    entries = list(members(source))
    root = entries[0][0].name.split("/")[0]
    tags = sorted((e for e in entries if e[0].name.count("/") == 1 and e[1] is not None),
                  key=lambda e: TAG_ORDER.index(e[0].name.split("/", 1)[1]))
    documents = [e for e in entries if e[0].name.startswith(root + "/data/") and e[1] is not None]
    folders = [e for e in entries if e[1] is None]
    hostile_name = root + "/data/Phụ lục thêm.pdf" if unlisted else documents[0][0].name
    block = (b"%PDF-1.4\n% claims " + str(claimed).encode("ascii") + b" bytes\n").ljust(512, b"\0")
    with tarfile.open(target, "w", format=tarfile.PAX_FORMAT) as archive:
        def add(info, data):
            if data is not None:
                info.size = len(data)
                archive.addfile(info, io.BytesIO(data))
            else:
                archive.addfile(info)

        def add_documents():
            if unlisted:
                for info, data in documents:
                    add(info, data)
            member = gnu_sparse_member(hostile_name, claimed, block)
            archive.fileobj.write(member)
            archive.offset += len(member)
            if not unlisted:
                for info, data in documents[1:]:
                    add(info, data)

        add(*folders[0])                          # the packet folder
        if payload_first:
            for info, data in folders[1:]:
                add(info, data)
            add_documents()
            for info, data in tags:
                add(info, data)
        else:
            for info, data in tags:
                add(info, data)
            for info, data in folders[1:]:
                add(info, data)
            add_documents()


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
    elif command == "oversize":
        options = argv[4:]
        claimed = int(options[options.index("--claim") + 1]) if "--claim" in options else 10 << 30
        oversize(argv[2], argv[3], payload_first="--payload-first" in options, unlisted="--unlisted" in options,
                 claimed=claimed)
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
