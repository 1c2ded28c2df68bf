import Archiving
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Hostile archives are made with Python's tarfile and zipfile, an implementation that is not ours.
@Suite struct SafeArchiveReaderTests {
    let directory = TemporaryDirectory()

    func craft(_ script: String) throws -> String {
        let path = directory.file("crafted")
        let result = try ProcessRunner.run(
            "python3",
            [
                "-c",
                """
                import io, sys, tarfile, zipfile
                out = sys.argv[1]
                def reg(t, name, data=b"x"):
                    info = tarfile.TarInfo(name); info.size = len(data); t.addfile(info, io.BytesIO(data))
                \(script)
                """, path,
            ])
        #expect(result.status == 0, "\(result.output)")
        return path
    }

    func firstProblem(_ path: String, limits: ArchiveLimits = .packet) -> Error? {
        let fd = open(path, O_RDONLY)
        defer { close(fd) }
        do {
            let reader = try SafeArchiveReader(fileDescriptor: fd, limits: limits)
            while let entry = try reader.next() { if !entry.isDirectory { try reader.skip() } }
            return nil
        } catch {
            return error
        }
    }

    @Test func refusesParentReferences() throws {
        let path = try craft(
            "t = tarfile.open(out, 'w', format=tarfile.PAX_FORMAT); reg(t, 'pkt/data/../../evil.txt'); t.close()")
        #expect(firstProblem(path) as? UnsafeEntry == .parentReference("pkt/data/../../evil.txt"))
    }

    @Test func refusesAbsolutePaths() throws {
        let path = try craft(
            "t = tarfile.open(out, 'w', format=tarfile.PAX_FORMAT); reg(t, '/tmp/evil.txt'); t.close()")
        #expect(firstProblem(path) as? UnsafeEntry == .absolutePath("/tmp/evil.txt"))
    }

    @Test func refusesSymbolicAndHardLinks() throws {
        let symlink = try craft(
            """
            t = tarfile.open(out, 'w'); i = tarfile.TarInfo('pkt/data/passwd'); i.type = tarfile.SYMTYPE; i.linkname = '/etc/passwd'; t.addfile(i); t.close()
            """)
        #expect(firstProblem(symlink) as? UnsafeEntry == .link("pkt/data/passwd", target: "/etc/passwd"))
        let hardlink = try craft(
            """
            t = tarfile.open(out, 'w'); reg(t, 'pkt/a'); i = tarfile.TarInfo('pkt/b'); i.type = tarfile.LNKTYPE; i.linkname = 'pkt/a'; t.addfile(i); t.close()
            """)
        #expect(firstProblem(hardlink) as? UnsafeEntry == .link("pkt/b", target: "pkt/a"))
    }

    @Test func refusesDevicesAndFIFOs() throws {
        let fifo = try craft(
            "t = tarfile.open(out, 'w'); i = tarfile.TarInfo('pkt/pipe'); i.type = tarfile.FIFOTYPE; t.addfile(i); t.close()"
        )
        #expect(firstProblem(fifo) as? UnsafeEntry == .specialFile("pkt/pipe", kind: "FIFO"))
        let device = try craft(
            """
            t = tarfile.open(out, 'w'); i = tarfile.TarInfo('pkt/sda'); i.type = tarfile.BLKTYPE; i.devmajor = 8; t.addfile(i); t.close()
            """)
        #expect(firstProblem(device) as? UnsafeEntry == .specialFile("pkt/sda", kind: "block device"))
    }

    @Test func refusesDuplicatesIncludingCaseAndNormalisationTwins() throws {
        let same = try craft("t = tarfile.open(out, 'w'); reg(t, 'pkt/a.pdf'); reg(t, 'pkt/a.pdf'); t.close()")
        #expect(firstProblem(same) as? UnsafeEntry == .duplicate("pkt/a.pdf"))
        let cased = try craft("t = tarfile.open(out, 'w'); reg(t, 'pkt/A.pdf'); reg(t, 'pkt/a.pdf'); t.close()")
        #expect(firstProblem(cased) as? UnsafeEntry == .duplicate("pkt/a.pdf"))
        let nfd = try craft(
            """
            import unicodedata
            t = tarfile.open(out, 'w', format=tarfile.PAX_FORMAT); reg(t, 'pkt/Quyết.pdf'); reg(t, unicodedata.normalize('NFD', 'pkt/Quyết.pdf')); t.close()
            """)
        #expect(firstProblem(nfd) is UnsafeEntry)
    }

    @Test func stopsAtTheEntryLimitWithoutReadingTheRest() throws {
        let path = try craft(
            """
            t = tarfile.open(out, 'w')
            for i in range(100000): reg(t, 'pkt/%d' % i, b'')
            t.close()
            """)
        #expect(firstProblem(path) as? UnsafeEntry == .tooManyEntries(limit: 10_000))
    }

    @Test func stopsAtTheByteLimit() throws {
        let path = try craft("t = tarfile.open(out, 'w'); reg(t, 'pkt/a', b'x' * 5000); t.close()")
        #expect(
            firstProblem(path, limits: ArchiveLimits(maxTotalBytes: 4096)) as? UnsafeEntry == .tooManyBytes(limit: 4096)
        )
    }

    @Test func refusesZipSlipAndZipSymlinks() throws {
        let slip = try craft("z = zipfile.ZipFile(out, 'w'); z.writestr('pkt/../../evil.sh', 'x'); z.close()")
        #expect(firstProblem(slip) as? UnsafeEntry == .parentReference("pkt/../../evil.sh"))
        let link = try craft(
            """
            z = zipfile.ZipFile(out, 'w'); i = zipfile.ZipInfo('pkt/link'); i.create_system = 3; i.external_attr = (0o120777 << 16); z.writestr(i, '/etc/passwd'); z.close()
            """)
        #expect(firstProblem(link) as? UnsafeEntry == .link("pkt/link", target: "/etc/passwd"))
    }

    @Test func refusesNamesWindowsCannotHold() throws {
        let path = try craft("t = tarfile.open(out, 'w'); reg(t, 'pkt/CON.pdf'); t.close()")
        #expect(firstProblem(path) as? UnsafeEntry == .badName("pkt/CON.pdf", .windowsReservedName("CON")))
        let newline = try craft(
            "t = tarfile.open(out, 'w', format=tarfile.PAX_FORMAT); reg(t, 'pkt/a\\nb.pdf'); t.close()")
        #expect(firstProblem(newline) as? UnsafeEntry == .badName("pkt/a\nb.pdf", .controlCharacter("U+000A")))
    }
}
