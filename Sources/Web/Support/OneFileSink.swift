import DurableIO
import Foundation
import Packets

/// Keeps one document of a packet being verified: its bytes go to `path`, every other document is read (and
/// hashed by the verifier) but not written anywhere.
final class OneFileSink: PayloadSink {
    private let wanted: String
    private let path: String
    private var file: FileDescriptor?
    /// Whether the wanted document was met.
    private(set) var found = false

    init(wanted: String, path: String) {
        self.wanted = wanted
        self.path = path
    }

    func begin(_ name: String, size: Int64) throws {
        guard name.precomposedStringWithCanonicalMapping == wanted, !found else { return }
        file = try FileDescriptor.open(path, O_WRONLY | O_CREAT | O_EXCL, mode: 0o600)
        found = true
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        try file?.write(bytes)
    }

    func end() throws {
        try file?.close()
        file = nil
    }
}
